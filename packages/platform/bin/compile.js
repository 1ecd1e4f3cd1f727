// Compiles the platform's TypeScript into one JavaScript file, so the bazaar command runs without a
// compiler in the process: loading ~300 sources through tsx cost about 120 MB of memory and a second
// at every start, in every process of the split topology. Third-party packages stay external, but for
// a few that are plain JavaScript in many small ES modules (INLINED).
import { mkdir, readdir, readFile, rename, stat } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = new URL('../../../', import.meta.url);
const ENTRY = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
const OUT = new URL('../dist/bazaar.js', import.meta.url);
const WORKSPACES = ['packages', 'services'];

/** The newest modification time among the workspaces' sources, their folders (a file removed), manifests, the lockfile and this file. */
const newestSource = async () => {
  let newest = 0;
  const visit = async (dir) => {
    newest = Math.max(
      newest,
      await stat(dir).then(
        (s) => s.mtimeMs,
        () => 0,
      ),
    );
    for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
      const path = new URL(entry.name + (entry.isDirectory() ? '/' : ''), dir);
      if (entry.isDirectory()) await visit(path);
      else if (entry.name.endsWith('.ts') || entry.name === 'package.json')
        newest = Math.max(newest, (await stat(path)).mtimeMs);
    }
  };
  newest = Math.max(newest, (await stat(new URL('package.json', ROOT))).mtimeMs);
  // How it is built counts too, and the lockfile: the inlined packages are copied into the bundle.
  newest = Math.max(newest, (await stat(new URL(import.meta.url))).mtimeMs);
  newest = Math.max(
    newest,
    await stat(new URL('package-lock.json', ROOT)).then(
      (s) => s.mtimeMs,
      () => 0,
    ),
  );
  for (const workspace of WORKSPACES) {
    for (const name of await readdir(new URL(`${workspace}/`, ROOT))) {
      const dir = new URL(`${workspace}/${name}/`, ROOT);
      newest = Math.max(
        newest,
        await stat(new URL('package.json', dir)).then(
          (s) => s.mtimeMs,
          () => 0,
        ),
      );
      await visit(new URL('src/', dir));
    }
  }
  return newest;
};

/**
 * Third-party packages bundled into the command. Node's loader spent about 0.5 s of every start
 * resolving, reading and linking their hundreds of small modules. Only packages that read no files of
 * their own and are not imported by an external package go here: a package bundled and also loaded by
 * an external one would exist twice (connect-node imports connect and protobuf, so all three are in).
 */
const INLINED = new Set([
  'kysely',
  'typebox',
  '@bufbuild/protobuf',
  '@connectrpc/connect',
  '@connectrpc/connect-node',
]);

const packageOf = (specifier) =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');

/** Our packages are bundled from their sources; each keeps its own `import.meta.url`. */
const workspaceSources = {
  name: 'bazaar-workspace',
  setup(build) {
    build.onResolve({ filter: /^@bazaar\// }, (args) => ({
      path: fileURLToPath(import.meta.resolve(args.path)),
    }));
    // Every other bare specifier stays an import unless its package is inlined.
    build.onResolve({ filter: /^[^./]/ }, (args) =>
      INLINED.has(packageOf(args.path)) ? undefined : { path: args.path, external: true },
    );
    build.onLoad({ filter: /\.ts$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      // Migrations and other files are found next to the source that names them.
      const url = JSON.stringify(pathToFileURL(args.path).href);
      return { contents: source.replaceAll('import.meta.url', url), loader: 'ts' };
    });
  },
};

/**
 * The compiled command, built first if a source is newer than it. Undefined when it cannot be built
 * here (no esbuild): the caller then runs the sources.
 */
export const compiledCommand = async () => {
  if (process.env.BAZAAR_COMPILED) return process.env.BAZAAR_COMPILED;
  const built = await stat(OUT).then(
    (s) => s.mtimeMs,
    () => 0,
  );
  if (built > (await newestSource())) return OUT.href;
  let esbuild;
  try {
    esbuild = await import('esbuild');
  } catch {
    return undefined;
  }
  // Written aside and renamed, so a process starting meanwhile never loads half a file.
  const temporary = `${fileURLToPath(OUT)}.${process.pid}.tmp`;
  try {
    await mkdir(new URL('./', OUT), { recursive: true });
  } catch (error) {
    // A read-only install (an image built without compiling): run the sources.
    process.stderr.write(
      `Running the TypeScript sources: cannot write ${fileURLToPath(OUT)} (${error.code}).\n`,
    );
    return undefined;
  }
  await esbuild.build({
    entryPoints: [ENTRY],
    outfile: temporary,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    plugins: [workspaceSources],
    logLevel: 'error',
  });
  // esbuild keeps a helper process running for later builds; there are none.
  await esbuild.stop();
  await rename(temporary, fileURLToPath(OUT));
  return OUT.href;
};
