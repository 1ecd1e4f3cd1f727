import Fastify from 'fastify';

/**
 * The ceiling: a bare Fastify server that answers every GET with the same bytes, kept in memory.
 * Usage: ceiling-server.ts <content-type>, the body on stdin. Prints `listening on <port>`.
 */

const contentType = process.argv[2] ?? 'application/json';
const chunks: Buffer[] = [];
for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
const body = Buffer.concat(chunks);

const app = Fastify({ logger: false });
app.get('*', (_request, reply) => {
  void reply.type(contentType).send(body);
});
const address = await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`listening on ${new URL(address).port}\n`);

const stop = () => {
  app.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
