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
