/**
 * Breaking changes between two OpenAPI 3.1 documents, from a client's point of view: what a program
 * written against `before` would meet in `after`. Each change is one line, stable enough to be listed
 * in api/breaking-changes.json when it is deliberate.
 */

type Json = Record<string, unknown>;
export interface OpenApiDocument {
  paths?: Record<string, Record<string, unknown>>;
  components?: { schemas?: Record<string, unknown> };
  [key: string]: unknown;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace'];

interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  schema?: unknown;
}

interface Side {
  document: OpenApiDocument;
}

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null;

/** The schema a local `$ref` points at (followed repeatedly), or the schema itself. */
const resolve = (document: OpenApiDocument, schema: unknown, seen = new Set<string>()): Json => {
  if (!isObject(schema)) return {};
  const ref = schema.$ref;
  if (typeof ref !== 'string') return schema;
  if (seen.has(ref)) return {};
  seen.add(ref);
  const target = ref
    .replace(/^#\//, '')
    .split('/')
    .reduce<unknown>(
      (node, part) => (isObject(node) ? node[part.replaceAll('~1', '/').replaceAll('~0', '~')] : undefined),
      document,
    );
  return resolve(document, target, seen);
};

/** The JSON types a schema allows; `integer` is kept apart from `number`. Empty when it says nothing. */
const typesOf = (document: OpenApiDocument, raw: unknown): Set<string> => {
  const schema = resolve(document, raw);
  const types = new Set<string>();
  if (typeof schema.type === 'string') types.add(schema.type);
  if (Array.isArray(schema.type)) for (const t of schema.type) types.add(String(t));
  if (schema.nullable === true) types.add('null');
  const values = Array.isArray(schema.enum) ? schema.enum : 'const' in schema ? [schema.const] : [];
  if (types.size === 0)
    for (const v of values) types.add(v === null ? 'null' : Number.isInteger(v) ? 'integer' : typeof v);
  for (const key of ['anyOf', 'oneOf']) {
    const variants = schema[key];
    if (Array.isArray(variants)) for (const v of variants) for (const t of typesOf(document, v)) types.add(t);
  }
  return types;
};

/** Whether every value of a type in `narrow` is also allowed by `wide`. */
const covers = (wide: Set<string>, narrow: Set<string>) =>
  wide.size === 0 || [...narrow].every((t) => wide.has(t) || (t === 'integer' && wide.has('number')));

const show = (types: Set<string>) => (types.size === 0 ? 'any' : [...types].sort().join('|'));

/** The object or array schema inside a nullable union, for walking into it. */
const structural = (document: OpenApiDocument, raw: unknown): Json => {
  const schema = resolve(document, raw);
  for (const key of ['anyOf', 'oneOf']) {
    const variants = schema[key];
    if (Array.isArray(variants)) {
      const nonNull = variants.map((v) => resolve(document, v)).filter((v) => v.type !== 'null');
      if (nonNull.length === 1) return nonNull[0]!;
    }
  }
  return schema;
};

const enumOf = (document: OpenApiDocument, raw: unknown): unknown[] | undefined => {
  const schema = structural(document, raw);
  if (Array.isArray(schema.enum)) return schema.enum as unknown[];
  if ('const' in schema) return [schema.const];
  return undefined;
};

const requiredOf = (schema: Json) =>
  new Set(Array.isArray(schema.required) ? schema.required.map(String) : []);
const propertiesOf = (schema: Json) => (isObject(schema.properties) ? schema.properties : {});

const child = (path: string, name: string) => (path ? `${path}.${name}` : name);

/**
 * What a client that sends values valid for `before` meets: a new required property, a type or enum
 * value no longer accepted, a property no longer accepted.
 */
const requestChanges = (
  old: Side,
  now: Side,
  before: unknown,
  after: unknown,
  path: string,
  what: string,
  depth = 0,
): string[] => {
  if (depth > 20) return [];
  const changes: string[] = [];
  const label = path ? `${what} '${path}'` : what;
  const oldTypes = typesOf(old.document, before);
  const newTypes = typesOf(now.document, after);
  if (!covers(newTypes, oldTypes)) {
    return [`${label} type changed from ${show(oldTypes)} to ${show(newTypes)}`];
  }
  const oldEnum = enumOf(old.document, before);
  const newEnum = enumOf(now.document, after);
  if (newEnum) {
    const dropped = (oldEnum ?? []).filter(
      (v) => !newEnum.some((n) => JSON.stringify(n) === JSON.stringify(v)),
    );
    if (!oldEnum)
      changes.push(`${label} now only accepts ${newEnum.map((v) => JSON.stringify(v)).join(', ')}`);
    for (const value of dropped) changes.push(`${label} no longer accepts ${JSON.stringify(value)}`);
  }
  const a = structural(old.document, before);
  const b = structural(now.document, after);
  if (isObject(a.items) || isObject(b.items)) {
    changes.push(...requestChanges(old, now, a.items, b.items, `${path}[]`, what, depth + 1));
  }
  const oldProps = propertiesOf(a);
  const newProps = propertiesOf(b);
  const oldRequired = requiredOf(a);
  for (const name of requiredOf(b)) {
    if (!oldRequired.has(name)) {
      changes.push(
        name in oldProps
          ? `${what} '${child(path, name)}' is now required`
          : `new required ${what} '${child(path, name)}'`,
      );
    }
  }
  for (const [name, schema] of Object.entries(oldProps)) {
    if (!(name in newProps)) {
      // Properties the API no longer knows are refused (unknown_field) where it is strict.
      if (b.additionalProperties === false) changes.push(`${what} '${child(path, name)}' removed`);
      continue;
    }
    changes.push(...requestChanges(old, now, schema, newProps[name], child(path, name), what, depth + 1));
  }
  return changes;
};

/** What a client that reads answers shaped as `before` meets: a property gone, optional, or of another type. */
const responseChanges = (
  old: Side,
  now: Side,
  before: unknown,
  after: unknown,
  path: string,
  what: string,
  depth = 0,
): string[] => {
  if (depth > 20) return [];
  const label = path ? `${what} property '${path}'` : what;
  const oldTypes = typesOf(old.document, before);
  const newTypes = typesOf(now.document, after);
  if (oldTypes.size > 0 && !covers(oldTypes, newTypes)) {
    return [`${label} type changed from ${show(oldTypes)} to ${show(newTypes)}`];
  }
  // New enum values in answers are additions, as new fields are: clients must tolerate both.
  const changes: string[] = [];
  const a = structural(old.document, before);
  const b = structural(now.document, after);
  if (isObject(a.items)) {
    changes.push(...responseChanges(old, now, a.items, b.items, `${path}[]`, what, depth + 1));
  }
  const oldProps = propertiesOf(a);
  const newProps = propertiesOf(b);
  const newRequired = requiredOf(b);
  for (const name of requiredOf(a)) {
    if (name in newProps && !newRequired.has(name))
      changes.push(`${what} property '${child(path, name)}' is no longer always present`);
  }
  for (const [name, schema] of Object.entries(oldProps)) {
    if (!(name in newProps)) {
      changes.push(`${what} property '${child(path, name)}' removed`);
      continue;
    }
    changes.push(...responseChanges(old, now, schema, newProps[name], child(path, name), what, depth + 1));
  }
  return changes;
};

/** The JSON schema of a request body or response: its application/json content, or the first one. */
const contentSchema = (document: OpenApiDocument, holder: unknown): unknown => {
  const content = resolve(document, holder).content;
  if (!isObject(content)) return undefined;
  const media = 'application/json' in content ? content['application/json'] : Object.values(content)[0];
  return isObject(media) ? media.schema : undefined;
};

/** Paths keyed without their parameter names: renaming `{id}` to `{product_id}` changes no URL. */
const operationsOf = (document: OpenApiDocument) => {
  const operations = new Map<string, { path: string; method: string; operation: Json; shared: unknown[] }>();
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    const shared = Array.isArray(item.parameters) ? item.parameters : [];
    for (const method of METHODS) {
      const operation = item[method];
      if (!isObject(operation)) continue;
      operations.set(`${method.toUpperCase()} ${path.replace(/\{[^}]*\}/g, '{}')}`, {
        path,
        method: method.toUpperCase(),
        operation,
        shared,
      });
    }
  }
  return operations;
};

const parametersOf = (document: OpenApiDocument, shared: unknown[], operation: Json) => {
  const parameters = new Map<string, Parameter>();
  const own: unknown[] = Array.isArray(operation.parameters) ? operation.parameters : [];
  for (const raw of [...shared, ...own]) {
    const p = resolve(document, raw) as unknown as Parameter;
    if (p.in === 'path') continue;
    parameters.set(`${p.in} parameter '${p.name}'`, p);
  }
  return parameters;
};

export const openapiBreakingChanges = (before: OpenApiDocument, after: OpenApiDocument): string[] => {
  const old = { document: before };
  const now = { document: after };
  const changes: string[] = [];
  const newOperations = operationsOf(after);
  for (const [key, was] of operationsOf(before)) {
    const name = `${was.method} ${was.path}`;
    const is = newOperations.get(key);
    if (!is) {
      changes.push(`${name} removed`);
      continue;
    }
    const found: string[] = [];
    const oldParams = parametersOf(before, was.shared, was.operation);
    const newParams = parametersOf(after, is.shared, is.operation);
    for (const [label, p] of newParams) {
      const previous = oldParams.get(label);
      if (p.required && !previous) found.push(`new required ${label}`);
      else if (p.required && !previous?.required) found.push(`${label} is now required`);
    }
    for (const [label, p] of oldParams) {
      const next = newParams.get(label);
      if (!next) found.push(`${label} removed`);
      else found.push(...requestChanges(old, now, p.schema, next.schema, '', label));
    }

    const oldBody = was.operation.requestBody;
    const newBody = is.operation.requestBody;
    if (newBody !== undefined) {
      const required = resolve(after, newBody).required === true;
      if (oldBody === undefined && required) found.push('request body is now required');
      else if (oldBody !== undefined) {
        if (required && resolve(before, oldBody).required !== true)
          found.push('request body is now required');
        found.push(
          ...requestChanges(
            old,
            now,
            contentSchema(before, oldBody),
            contentSchema(after, newBody),
            '',
            'request property',
          ),
        );
      }
    } else if (oldBody !== undefined) {
      found.push('request body no longer accepted');
    }

    const oldResponses = isObject(was.operation.responses) ? was.operation.responses : {};
    const newResponses = isObject(is.operation.responses) ? is.operation.responses : {};
    for (const [status, response] of Object.entries(oldResponses)) {
      if (!status.startsWith('2')) continue;
      if (!(status in newResponses)) {
        found.push(`response ${status} removed`);
        continue;
      }
      const was200 = contentSchema(before, response);
      if (was200 === undefined) continue;
      found.push(
        ...responseChanges(
          old,
          now,
          was200,
          contentSchema(after, newResponses[status]),
          '',
          `response ${status}`,
        ),
      );
    }
    changes.push(...found.map((change) => `${name}: ${change}`));
  }
  return changes;
};
