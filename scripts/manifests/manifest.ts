/** One object rendered by `kubectl kustomize`, with the file it came from when kustomize could tell. */
export interface Manifest {
  apiVersion: string;
  kind: string;
  name: string;
  namespace: string | undefined;
  /** The file that declared (or the kustomization that generated) the object, relative to the cwd. */
  source: string | undefined;
  object: Json;
}

/** A mistake in one object: `path` is where in it, dotted (`spec.template.spec.containers[0].ports`). */
export interface Problem {
  manifest: Manifest | undefined;
  path: string;
  message: string;
}

export type Json = Record<string, unknown>;

export const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const asObject = (value: unknown): Json => (isObject(value) ? value : {});

export const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

export const asString = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : undefined;

/** A string-to-string map such as labels or matchLabels; anything else reads as empty. */
export const asLabels = (value: unknown): Record<string, string> =>
  Object.fromEntries(
    Object.entries(asObject(value)).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string',
    ),
  );

export const describeManifest = (manifest: Manifest): string =>
  `${manifest.kind} ${manifest.namespace ? `${manifest.namespace}/` : ''}${manifest.name}` +
  (manifest.source ? ` (${manifest.source})` : '');

export const formatProblem = (problem: Problem): string =>
  [
    problem.manifest ? describeManifest(problem.manifest) : undefined,
    problem.path || undefined,
    problem.message,
  ]
    .filter(Boolean)
    .join(': ');
