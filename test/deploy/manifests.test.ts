import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findKubectl } from '../../scripts/manifests/render.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const VALIDATOR = join(ROOT, 'scripts/validate-manifests.ts');

/** Rendering needs kubectl. Skipped without it, except in CI, where a missing kubectl is a failure. */
const skip =
  findKubectl() || process.env.CI === 'true' ? false : 'no kubectl on the PATH: install it or set KUBECTL';
if (skip) console.warn(`Skipping the manifest checks: ${skip}`);

/** Runs the validator as CI does (`tsx scripts/validate-manifests.ts [dir]`). */
const validate = async (...args: string[]) => {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', VALIDATOR, ...args],
      {
        cwd: ROOT,
      },
    );
    return { status: 0, output: `${stdout}${stderr}` };
  } catch (error) {
    const { code, stdout = '', stderr = '' } = error as { code?: number; stdout?: string; stderr?: string };
    return { status: code ?? null, output: `${stdout}${stderr}` };
  }
};

// Rendering and checking two kustomizations takes a few seconds, far more on a busy machine.
const SLOW = 240_000;

/** Applies one edit to a file of the copy; fails if the text to replace is no longer there. */
const edit = async (file: string, from: string | RegExp, to: string) => {
  const text = await readFile(file, 'utf8');
  const edited = text.replace(from, to);
  expect(edited, `${file} should contain ${String(from)}`).not.toBe(text);
  await writeFile(file, edited);
};

describe.skipIf(skip)('the Kubernetes manifests in deploy/', () => {
  it(
    'pass the validator: every object of the base and the production overlay',
    async () => {
      const { status, output } = await validate();
      expect(output).toMatch(/✓ deploy\/base: \d+ objects checked \(.*8 Deployment.*\): ok/);
      expect(output).toMatch(/✓ deploy\/overlays\/production: \d+ objects checked \(.*1 Ingress.*\): ok/);
      expect(status).toBe(0);
    },
    SLOW,
  );

  describe('with mistakes in a copy', () => {
    let copy: string;
    let output: string;
    let status: number | null;

    beforeAll(async () => {
      copy = await mkdtemp(join(tmpdir(), 'bazaar-deploy-'));
      const deploy = join(copy, 'deploy');
      await cp(join(ROOT, 'deploy'), deploy, { recursive: true });
      const base = join(deploy, 'base');
      // A probe on a port the container does not declare.
      await edit(join(base, 'rpc-service/deployment.yaml'), /(path: \/readyz\s+port:) ops/, '$1 opz');
      // A schema error: a port number that is not a number.
      await edit(join(base, 'rpc-service/deployment.yaml'), 'containerPort: 9090', 'containerPort: nine');
      // A service that does not exist.
      await edit(
        join(base, 'services/catalog/kustomization.yaml'),
        'args/1, value: catalog',
        'args/1, value: catalogue',
      );
      // A Service selecting no pods.
      await edit(join(base, 'gateway/service.yaml'), 'selector: {}', 'selector:\n    tier: edge');
      // No resources, and a misspelt field (the schema alone would accept it).
      await edit(join(base, 'gateway/deployment.yaml'), /\n {10}resources:[\s\S]*$/, '\n');
      await edit(join(base, 'gateway/deployment.yaml'), 'livenessProbe:', 'livenesProbe:');
      // A kind with no Kubernetes schema (a CRD).
      const production = join(deploy, 'overlays/production');
      await writeFile(
        join(production, 'monitor.yaml'),
        'apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata:\n  name: gateway\nspec: {}\n',
      );
      await edit(
        join(production, 'kustomization.yaml'),
        '  - ingress.yaml',
        '  - ingress.yaml\n  - monitor.yaml',
      );
      // A release that is not pinned.
      await edit(join(production, 'kustomization.yaml'), /newTag: '[^']+'/, 'newTag: latest');
      ({ status, output } = await validate(deploy));
    }, SLOW);

    afterAll(async () => {
      if (copy) await rm(copy, { recursive: true, force: true });
    });

    it('fail, naming each object, the file it came from and the place in it', () => {
      expect(status).toBe(1);
      expect(output).toMatch(/✗ .*deploy\/base: \d+ objects checked .*: \d+ problems/);
      expect(output).toMatch(
        /Deployment bazaar\/orders \(.*base\/rpc-service\/deployment\.yaml\): spec\.template\.spec\.containers\[0\]\.readinessProbe\.httpGet\.port: opz is not a port of container app/,
      );
      expect(output).toMatch(
        /Deployment bazaar\/cart \(.*\): spec\.template\.spec\.containers\[0\]\.ports\[1\]\.containerPort: must be integer/,
      );
      expect(output).toMatch(
        /Deployment bazaar\/catalog \(.*\): spec\.template\.spec\.containers\[0\]\.args: 'catalogue' is not a Bazaar service/,
      );
      expect(output).toMatch(
        /Service bazaar\/gateway \(.*base\/gateway\/service\.yaml\): spec\.selector: .*tier=edge.* matches no Deployment's pods/,
      );
      expect(output).toMatch(
        /Deployment bazaar\/gateway \(.*\): spec\.template\.spec\.containers\[0\]\.resources: container app has no resources block/,
      );
      expect(output).toMatch(
        /Deployment bazaar\/gateway \(.*\): spec\.template\.spec\.containers\[0\]\.livenesProbe: unknown field/,
      );
      expect(output).toMatch(
        /ServiceMonitor bazaar\/gateway \(.*production\/monitor\.yaml\): kind: unknown kind/,
      );
      expect(output).toMatch(
        /Deployment bazaar\/payments \(.*\): spec\.template\.spec\.containers\[0\]\.image: registry\.example\.com\/bazaar:latest is not pinned/,
      );
      expect(output).toMatch(/The manifests have \d+ problems/);
    });
  });
});
