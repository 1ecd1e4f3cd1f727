import { createRequire } from 'node:module';
import type * as Graphql from 'graphql';

/**
 * graphql, loaded as mercurius loads it (CommonJS). An `import` may resolve to its ES module build (vitest
 * does), and graphql refuses schemas and errors made by another copy of itself.
 */
export const graphql = createRequire(import.meta.url)('graphql') as typeof Graphql;
