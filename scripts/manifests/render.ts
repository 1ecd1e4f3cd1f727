import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments, parse, stringify } from 'yaml';
import { asObject, asString, isObject, type Manifest } from './manifest.ts';

const run = promisify(execFile);
const ORIGIN = 'config.kubernetes.io/origin';

/** `$KUBECTL`, or kubectl on the PATH; undefined when there is none. */
export const findKubectl = (env: NodeJS.ProcessEnv = process.env): string | undefined => {
  if (env.KUBECTL) return env.KUBECTL;
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const candidate = join(dir, 'kubectl');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
};

export class RenderError extends Error {}

/**
 * Renders a kustomization as `kubectl kustomize` would, through a wrapper that adds origin annotations,
 * so each object can name the file it came from. The annotation is removed again before checking.
 */
export const renderKustomization = async (kubectl: string, dir: string): Promise<Manifest[]> => {
  const wrapper = await mkdtemp(join(tmpdir(), 'bazaar-kustomize-'));
  try {
    const kustomization = {
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      resources: [relative(wrapper, resolve(dir))],
      buildMetadata: ['originAnnotations'],
    };
    await writeFile(join(wrapper, 'kustomization.yaml'), stringify(kustomization));
    let output: string;
    try {
      ({ stdout: output } = await run(kubectl, ['kustomize', wrapper], { maxBuffer: 64 * 1024 * 1024 }));
    } catch (error) {
      const stderr = (error as { stderr?: string }).stderr ?? (error as Error).message;
      // kubectl logs through klog: drop its `E1126 01:23:55.118113 2742 run.go:72] "command failed" err=`.
      const reason = stderr.trim().replace(/^[EFW]\d{4} [\d:.]+\s+\d+ \S+\] "command failed" err=/, '');
      throw new RenderError(`kubectl kustomize ${dir} failed: ${reason}`);
    }
    return parseManifests(output, wrapper);
  } finally {
    await rm(wrapper, { recursive: true, force: true });
  }
};

/** Parses a multi-document YAML stream of Kubernetes objects. Origins are resolved from `originBase`. */
export const parseManifests = (text: string, originBase?: string): Manifest[] => {
  const manifests: Manifest[] = [];
  for (const document of parseAllDocuments(text)) {
    const [error] = document.errors;
    if (error) throw new RenderError(`invalid YAML: ${error.message}`);
    const object: unknown = document.toJS();
    if (object === null || object === undefined) continue;
    if (!isObject(object)) throw new RenderError(`a YAML document is not an object: ${stringify(object)}`);
    const metadata = asObject(object.metadata);
    manifests.push({
      apiVersion: asString(object.apiVersion) ?? '',
      kind: asString(object.kind) ?? '',
      name: asString(metadata.name) ?? '',
      namespace: asString(metadata.namespace),
      source: takeOrigin(object, originBase),
      object,
    });
  }
  return manifests;
};

const takeOrigin = (object: Record<string, unknown>, base: string | undefined): string | undefined => {
  const metadata = asObject(object.metadata);
  const annotations = asObject(metadata.annotations);
  const origin = asString(annotations[ORIGIN]);
  if (origin === undefined) return undefined;
  delete annotations[ORIGIN];
  if (Object.keys(annotations).length === 0) delete metadata.annotations;
  const fields = asObject(parse(origin));
  const path = asString(fields.path) ?? asString(fields.configuredIn);
  if (!path || !base) return path;
  return relative(process.cwd(), resolve(base, path));
};
