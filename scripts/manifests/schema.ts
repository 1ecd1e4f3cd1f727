import type { Json, Manifest, Problem } from './manifest.ts';

interface ModelClass {
  apiVersion: string;
  kind: string;
  new (data: Json): { validate(): void };
}

interface SchemaError {
  instancePath: string;
  message?: string;
}

const API_VERSION = /^([a-z0-9-]+(\.[a-z0-9-]+)*\/)?v[0-9]+((alpha|beta)[0-9]+)?$/;
const KIND = /^[A-Z][A-Za-z0-9]*$/;
const models = new Map<string, Promise<ModelClass | undefined>>();

/** The kubernetes-models class of a built-in kind (`kubernetes-models/apps/v1/Deployment`), if any. */
export const loadModel = (apiVersion: string, kind: string): Promise<ModelClass | undefined> => {
  const key = `${apiVersion}/${kind}`;
  let model = models.get(key);
  if (!model) {
    model =
      API_VERSION.test(apiVersion) && KIND.test(kind)
        ? import(`kubernetes-models/${key}`).then(
            (module: Record<string, unknown>) => {
              const candidate = module[kind] as ModelClass | undefined;
              // Only top-level kinds carry apiVersion and kind; `v1/PodSpec` is a part, not an object.
              return candidate?.apiVersion === apiVersion && candidate.kind === kind ? candidate : undefined;
            },
            () => undefined,
          )
        : Promise.resolve(undefined);
    models.set(key, model);
  }
  return model;
};

/** `/spec/template/spec/containers/0/ports` → `spec.template.spec.containers[0].ports` */
export const dottedPath = (pointer: string): string =>
  pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : path ? `${path}.${part}` : part), '');

/** Checks an object against the Kubernetes JSON schema of its kind; an unknown kind is a problem. */
export const checkSchema = async (manifest: Manifest): Promise<Problem[]> => {
  if (!manifest.apiVersion || !manifest.kind || !manifest.name) {
    return [{ manifest, path: '', message: 'an object needs apiVersion, kind and metadata.name' }];
  }
  const Model = await loadModel(manifest.apiVersion, manifest.kind);
  if (!Model) {
    return [
      {
        manifest,
        path: 'kind',
        message: `unknown kind: no Kubernetes schema for ${manifest.apiVersion} ${manifest.kind}`,
      },
    ];
  }
  try {
    new Model(manifest.object).validate();
    return [];
  } catch (error) {
    const errors = (error as { errors?: SchemaError[] }).errors;
    if (!errors) return [{ manifest, path: '', message: (error as Error).message }];
    // A oneOf (an int-or-string, a quantity) fails once per branch: one line per place reads better.
    const byPath = new Map<string, string[]>();
    for (const { instancePath, message = 'is invalid' } of errors) {
      const messages = byPath.get(instancePath) ?? [];
      if (!messages.includes(message)) messages.push(message);
      byPath.set(instancePath, messages);
    }
    return [...byPath].map(([pointer, messages]) => ({
      manifest,
      path: dottedPath(pointer),
      message: messages.join('; '),
    }));
  }
};
