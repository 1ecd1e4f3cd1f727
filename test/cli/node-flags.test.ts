import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NODE_FLAGS } from '../../packages/platform/bin/node-flags.js';
import { BAZAAR } from '../support/process.ts';

const root = new URL('../../', import.meta.url);
const text = (path: string) => readFileSync(new URL(path, root), 'utf8');

describe("the platform's Node flags", () => {
  it('are in the command’s shebang, which runs as a program', () => {
    expect(text('packages/platform/bin/bazaar.js').split('\n')[0]).toBe(
      `#!/usr/bin/env -S node ${NODE_FLAGS.join(' ')}`,
    );
    const version = spawnSync(BAZAAR, ['--version'], { encoding: 'utf8' });
    expect(version.status, version.stderr).toBe(0);
    expect(version.stdout).toMatch(/\d+\.\d+\.\d+/);
  });

  it('reach the image and the Kubernetes pods, which run the command through its shebang', () => {
    expect(text('Dockerfile')).toContain('ENTRYPOINT ["packages/platform/bin/bazaar.js"]');
    const pods = text('deploy/base/pod-defaults/pod.yaml');
    expect(pods).toContain('command: [packages/platform/bin/bazaar.js]');
    expect(pods).not.toMatch(/command: \[node\b/);
  });
});
