// Flags for every Node process of the platform. A young generation of 2 × 32 MiB instead of 2 × 16:
// a request allocates many short-lived objects, and with the default, scavenges were a large share of
// the process's time under load (order loop alternating both settings: 29–35 → 39–49 orders/s).
// The command's shebang repeats them (test/cli/node-flags.test.ts keeps the two equal).
export const NODE_FLAGS = ['--max-semi-space-size=32'];
