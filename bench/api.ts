/** Plain HTTP calls to the platform, for what the scenarios collect before they run. */

export interface Response {
  status: number;
  contentType: string;
  body: Buffer;
}

export interface RequestSpec {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export const send = async (
  baseUrl: string,
  request: RequestSpec,
  signal?: AbortSignal,
): Promise<Response> => {
  const response = await fetch(`${baseUrl}${request.path}`, {
    method: request.method,
    headers: request.headers,
    body: request.body,
    signal,
  });
  return {
    status: response.status,
    contentType: response.headers.get('content-type') ?? 'application/octet-stream',
    body: Buffer.from(await response.arrayBuffer()),
  };
};

/** GETs a JSON document with a key; anything but 200 throws, naming the request and the answer. */
export const getJson = async <T>(
  baseUrl: string,
  key: string,
  path: string,
  signal?: AbortSignal,
): Promise<T> => {
  const response = await send(
    baseUrl,
    { method: 'GET', path, headers: { authorization: `Bearer ${key}` } },
    signal,
  );
  if (response.status !== 200) {
    throw new Error(`GET ${path} answered ${response.status}: ${response.body.toString().slice(0, 500)}`);
  }
  return JSON.parse(response.body.toString()) as T;
};

export interface Page<T> {
  data: T[];
  has_more: boolean;
  next_cursor: string | null;
}

/**
 * Sends a JSON body (none when `body` is undefined) with a key; answers the status and the parsed
 * answer (undefined if not JSON).
 */
export const sendJson = async <T>(
  baseUrl: string,
  key: string,
  method: string,
  path: string,
  body: unknown,
  signal?: AbortSignal,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: T | undefined; text: string }> => {
  const json: Record<string, string> = body === undefined ? {} : { 'content-type': 'application/json' };
  const response = await send(
    baseUrl,
    {
      method,
      path,
      headers: { authorization: `Bearer ${key}`, ...json, ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    },
    signal,
  );
  const text = response.body.toString();
  let parsed: T | undefined;
  try {
    parsed = JSON.parse(text) as T;
  } catch {
    parsed = undefined;
  }
  return { status: response.status, json: parsed, text };
};

/** sendJson expecting `expected`: any other status throws, naming the request and the answer. */
export const sendExpecting = async <T>(
  baseUrl: string,
  key: string,
  method: string,
  path: string,
  body: unknown,
  expected: number,
  signal?: AbortSignal,
): Promise<T> => {
  const answer = await sendJson<T>(baseUrl, key, method, path, body, signal);
  if (answer.status !== expected || answer.json === undefined)
    throw new Error(`${method} ${path} answered ${answer.status}: ${answer.text.slice(0, 500)}`);
  return answer.json;
};

/**
 * Every item of a list, page after page (`path` sets the filters and the limit), or the first
 * pages holding at least `max` of them.
 */
export const listAll = async <T>(
  baseUrl: string,
  key: string,
  path: string,
  signal?: AbortSignal,
  { max = Infinity, onPage }: { max?: number; onPage?: (items: number) => void } = {},
): Promise<T[]> => {
  const items: T[] = [];
  let cursor: string | null = '';
  while (cursor !== null && items.length < max) {
    const separator = path.includes('?') ? '&' : '?';
    const page: Page<T> = await getJson(
      baseUrl,
      key,
      cursor ? `${path}${separator}cursor=${encodeURIComponent(cursor)}` : path,
      signal,
    );
    items.push(...page.data);
    cursor = page.next_cursor;
    onPage?.(items.length);
  }
  return items;
};
