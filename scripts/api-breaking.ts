// Fails on a breaking change to the public API: the OpenAPI document and the GraphQL schema, compared
// with the snapshots in api/. A change is deliberate when its line is in api/breaking-changes.json, or
// when the snapshot is updated in the same commit (`npm run api:snapshot`, which this runs with --snapshot).
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import { judge } from '../packages/sdk/scripts/breaking/judge.ts';
import { graphqlBreakingChanges } from '../packages/sdk/scripts/breaking/graphql.ts';
import { openapiBreakingChanges, type OpenApiDocument } from '../packages/sdk/scripts/breaking/openapi.ts';
import { currentOpenApiDocument } from '../packages/sdk/scripts/openapi-document.ts';

const file = (name: string) => fileURLToPath(new URL(`../api/${name}`, import.meta.url));
const OPENAPI = file('openapi.json');
const GRAPHQL = file('schema.graphql');
const ACCEPTED = file('breaking-changes.json');
const out = (line = '') => process.stdout.write(`${line}\n`);

/** The gateway's GraphQL schema, once the gateway exports `graphqlSchemaSDL()`. */
const currentGraphqlSchema = async (): Promise<string | undefined> => {
  const gateway = (await import('@bazaar/gateway')) as { graphqlSchemaSDL?: () => string | Promise<string> };
  return typeof gateway.graphqlSchemaSDL === 'function' ? await gateway.graphqlSchemaSDL() : undefined;
};

const snapshot = async () => {
  await writeFile(OPENAPI, `${JSON.stringify(await currentOpenApiDocument(), null, 2)}\n`);
  out(`wrote ${OPENAPI}`);
  const sdl = await currentGraphqlSchema();
  if (sdl === undefined) out('GraphQL: the gateway exports no graphqlSchemaSDL() yet; no schema snapshot.');
  else {
    // Formatted as `prettier --check .` wants it.
    await writeFile(GRAPHQL, await prettier.format(sdl, { parser: 'graphql' }));
    out(`wrote ${GRAPHQL}`);
  }
  // The snapshot now holds every change; acceptances of older ones mean nothing any more.
  await writeFile(ACCEPTED, `${JSON.stringify({ accepted: [] }, null, 2)}\n`);
  out(`cleared ${ACCEPTED}`);
  return 0;
};

const check = async () => {
  if (!existsSync(OPENAPI)) {
    out(`No snapshot at ${OPENAPI}: run \`npm run api:snapshot\` and commit it.`);
    return 1;
  }
  const accepted = existsSync(ACCEPTED)
    ? ((JSON.parse(await readFile(ACCEPTED, 'utf8')) as { accepted?: string[] }).accepted ?? [])
    : [];
  const changes = openapiBreakingChanges(
    JSON.parse(await readFile(OPENAPI, 'utf8')) as OpenApiDocument,
    await currentOpenApiDocument(),
  );

  const sdl = await currentGraphqlSchema();
  if (sdl === undefined) out('GraphQL: skipped, the gateway exports no graphqlSchemaSDL() yet.');
  else if (!existsSync(GRAPHQL)) {
    out(`GraphQL: no snapshot at ${GRAPHQL}: run \`npm run api:snapshot\` and commit it.`);
    return 1;
  } else changes.push(...graphqlBreakingChanges(await readFile(GRAPHQL, 'utf8'), sdl));

  const { lines, breaking, stale } = judge(changes, accepted);
  for (const line of lines) out(line);
  for (const entry of stale) out(`note: '${entry}' in api/breaking-changes.json matches no change`);
  if (breaking.length === 0) {
    out(`No unaccepted breaking change to the API (${changes.length} accepted).`);
    return 0;
  }
  out();
  out(
    `${breaking.length} breaking change(s) to the public API. If deliberate, either list each line above in`,
  );
  out('api/breaking-changes.json ({ "accepted": [...] }), or run `npm run api:snapshot` and commit the new');
  out('snapshot with the change, so the review sees it.');
  return 1;
};

process.exitCode = await (process.argv.includes('--snapshot') ? snapshot() : check());
