import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { isObject, type Manifest, type Problem } from './manifest.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ENTRY = `${ROOT}__manifest_types__.ts`;

/**
 * The JSON schemas accept any field they do not know, so `readinesProbe` (a typo) would pass and the
 * probe would silently be missing. The TypeScript declarations of kubernetes-models list every field,
 * so each object is walked alongside its kind's interface and every field not in it is reported.
 * Building the checker takes seconds: make one for all the manifests of a run.
 */
export const createFieldCheck = (manifests: Manifest[]): ((manifest: Manifest) => Problem[]) => {
  const kinds = [...new Set(manifests.map((m) => `${m.apiVersion}/${m.kind}`))];
  const aliases = kinds.map((key, i) => {
    const kind = key.slice(key.lastIndexOf('/') + 1);
    return `export type T${i} = import('kubernetes-models/${key}').I${kind};`;
  });
  const { program, checker } = typeChecker(aliases.join('\n'));
  const types = new Map<string, ts.Type>();
  program.getSourceFile(ENTRY)?.statements.forEach((statement, i) => {
    const key = kinds[i];
    if (key && ts.isTypeAliasDeclaration(statement)) {
      const type = checker.getTypeAtLocation(statement.name);
      // An unresolved import is `any`: a kind without declarations, which the schema check reports.
      if (!(type.flags & ts.TypeFlags.Any)) types.set(key, type);
    }
  });
  return (manifest) => {
    const type = types.get(`${manifest.apiVersion}/${manifest.kind}`);
    const problems: Problem[] = [];
    if (type) {
      walk(checker, manifest.object, type, '', (path) =>
        problems.push({ manifest, path, message: 'unknown field (misspelt, or not in this apiVersion)' }),
      );
    }
    return problems;
  };
};

const typeChecker = (source: string) => {
  const options: ts.CompilerOptions = {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
    lib: ['lib.es5.d.ts'],
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, language, ...rest) =>
    fileName === ENTRY
      ? ts.createSourceFile(fileName, source, language)
      : getSourceFile(fileName, language, ...rest);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (fileName) => fileName === ENTRY || fileExists(fileName);
  const program = ts.createProgram([ENTRY], options, host);
  return { program, checker: program.getTypeChecker() };
};

const walk = (
  checker: ts.TypeChecker,
  value: unknown,
  declared: ts.Type,
  path: string,
  unknown: (path: string) => void,
): void => {
  if (value === null || typeof value !== 'object') return;
  const type = checker.getNonNullableType(declared);
  if (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return;
  const candidates = type.isUnion() ? type.types : [type];
  if (Array.isArray(value)) {
    const array = candidates.find((candidate) => checker.isArrayType(candidate));
    const element = array && checker.getTypeArguments(array as ts.TypeReference)[0];
    if (element) value.forEach((item, i) => walk(checker, item, element, `${path}[${i}]`, unknown));
    return;
  }
  if (!isObject(value)) return;
  const shapes = candidates.filter(
    (candidate) => candidate.flags & ts.TypeFlags.Object && !checker.isArrayType(candidate),
  );
  if (shapes.length === 0) return;
  for (const [key, child] of Object.entries(value)) {
    const childPath = path ? `${path}.${key}` : key;
    const property = shapes.map((shape) => shape.getProperty(key)).find(Boolean);
    if (property) {
      walk(checker, child, checker.getTypeOfSymbol(property), childPath, unknown);
      continue;
    }
    // Labels, annotations, resource quantities: free keys.
    const index = shapes.map((shape) => checker.getIndexInfoOfType(shape, ts.IndexKind.String)).find(Boolean);
    if (index) walk(checker, child, index.type, childPath, unknown);
    else unknown(childPath);
  }
};
