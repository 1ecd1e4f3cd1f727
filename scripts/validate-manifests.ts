// Checks the Kubernetes manifests offline: renders deploy/base and every overlay with `kubectl kustomize`,
// validates each object against the Kubernetes schemas (kubernetes-models) and checks what the schemas
// cannot: references between objects and Bazaar's own rules. Usage: tsx scripts/validate-manifests.ts [deploy]
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { SERVICE_NAMES } from '../packages/platform/src/config.ts';
import { checkPolicy } from './manifests/checks.ts';
import { createFieldCheck } from './manifests/fields.ts';
import { formatProblem, type Manifest, type Problem } from './manifests/manifest.ts';
import { findKubectl, parseManifests, renderKustomization, RenderError } from './manifests/render.ts';
import { checkSchema } from './manifests/schema.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface Report {
  /** The kustomization directory (or example file) checked, relative to the cwd. */
  target: string;
  /** An overlay deploys a release; an example documents an object created outside the manifests. */
  role: 'base' | 'overlay' | 'example';
  manifests: Manifest[];
  problems: Problem[];
}

/** `<root>/base` and every `<root>/overlays/<name>` that holds a kustomization. */
export const kustomizationDirs = (root: string): string[] => {
  const overlays = join(root, 'overlays');
  const candidates = [
    join(root, 'base'),
    ...(existsSync(overlays) ? readdirSync(overlays).map((name) => join(overlays, name)) : []),
  ];
  return candidates.filter((dir) =>
    ['kustomization.yaml', 'kustomization.yml', 'Kustomization'].some((file) => existsSync(join(dir, file))),
  );
};

/** Example objects (`*.example.yaml`) document what is created outside the manifests, e.g. a Secret. */
const exampleFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.example.yaml'))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();

export const validateManifests = async (root: string, kubectl: string): Promise<Report[]> => {
  const dirs = kustomizationDirs(root);
  if (dirs.length === 0) return [failed(root, 'base', 'no kustomization in base/ or overlays/*/')];
  const reports: Report[] = [];
  for (const dir of dirs) {
    const target = relative(process.cwd(), dir) || '.';
    const role = resolve(dir, '..') === resolve(root, 'overlays') ? 'overlay' : 'base';
    try {
      reports.push({ target, role, manifests: await renderKustomization(kubectl, dir), problems: [] });
    } catch (error) {
      if (!(error instanceof RenderError)) throw error;
      reports.push(failed(target, role, error.message));
    }
  }
  for (const file of exampleFiles(root)) {
    const target = relative(process.cwd(), file);
    try {
      const manifests = parseManifests(readFileSync(file, 'utf8')).map((m) => ({ ...m, source: target }));
      reports.push({ target, role: 'example', manifests, problems: [] });
    } catch (error) {
      if (!(error instanceof RenderError)) throw error;
      reports.push(failed(target, 'example', error.message));
    }
  }
  const externalSecrets = new Set(
    reports
      .filter((r) => r.role === 'example')
      .flatMap((r) => r.manifests)
      .filter((m) => m.kind === 'Secret')
      .map((m) => m.name),
  );
  const checkFields = createFieldCheck(reports.flatMap((r) => r.manifests));
  for (const report of reports) {
    for (const manifest of report.manifests) {
      report.problems.push(...(await checkSchema(manifest)), ...checkFields(manifest));
    }
    if (report.role !== 'example') {
      const context = {
        services: SERVICE_NAMES,
        root: ROOT,
        externalSecrets,
        pinnedImages: report.role === 'overlay',
      };
      report.problems.push(...checkPolicy(report.manifests, context));
    }
    // One object's problems together, in the order kustomize rendered the objects.
    const order = (problem: Problem) => (problem.manifest ? report.manifests.indexOf(problem.manifest) : -1);
    report.problems.sort((a, b) => order(a) - order(b));
  }
  return reports;
};

const failed = (target: string, role: Report['role'], message: string): Report => ({
  target,
  role,
  manifests: [],
  problems: [{ manifest: undefined, path: '', message }],
});

const summary = (manifests: Manifest[]): string => {
  const counts = new Map<string, number>();
  for (const { kind } of manifests) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  const kinds = [...counts].map(([kind, count]) => `${count} ${kind}`).join(', ');
  return `${manifests.length} object${manifests.length === 1 ? '' : 's'} checked${kinds ? ` (${kinds})` : ''}`;
};

const main = async (args: string[]): Promise<number> => {
  const root = resolve(args[0] ?? join(ROOT, 'deploy'));
  const kubectl = findKubectl();
  if (!kubectl) {
    process.stderr.write(
      'kubectl not found: install kubectl 1.27 or newer (it renders kustomizations), or set KUBECTL.\n',
    );
    return 2;
  }
  const reports = await validateManifests(root, kubectl);
  let failed = 0;
  for (const { target, manifests, problems } of reports) {
    const verdict =
      problems.length === 0 ? 'ok' : `${problems.length} problem${problems.length === 1 ? '' : 's'}`;
    process.stdout.write(
      `${problems.length === 0 ? '✓' : '✗'} ${target}: ${summary(manifests)}: ${verdict}\n`,
    );
    for (const problem of problems) process.stdout.write(`    ${formatProblem(problem)}\n`);
    failed += problems.length;
  }
  if (failed > 0) process.stderr.write(`\nThe manifests have ${failed} problem${failed === 1 ? '' : 's'}.\n`);
  return failed > 0 ? 1 : 0;
};

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exitCode = await main(process.argv.slice(2));
}
