import { AppError, type FieldError } from '@bazaar/kit';
import type { ErrorObject } from 'ajv';

/** An RFC 9457 problem document with our stable `code` and the request id. */
export interface Problem {
  [extension: string]: unknown;
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  request_id: string;
  errors?: FieldError[];
}

const TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not found',
  405: 'Method not allowed',
  409: 'Conflict',
  413: 'Payload too large',
  415: 'Unsupported media type',
  422: 'Unprocessable content',
  429: 'Too many requests',
  500: 'Internal server error',
  503: 'Service unavailable',
};

/** A stable, location-independent identifier for each kind of problem. */
export const problemType = (code: string): string => `urn:bazaar:problem:${code}`;

export const toProblem = (error: AppError, requestId: string): Problem => ({
  ...error.extensions,
  type: problemType(error.code),
  title: TITLES[error.status] ?? 'Error',
  status: error.status,
  detail: error.message,
  code: error.code,
  request_id: requestId,
  ...(error.errors.length > 0 ? { errors: error.errors } : {}),
});

const pointer = (path: string) => path.replace(/^\//, '');

const join = (base: string, key: string) => pointer(base ? `${base}/${key}` : key);

/** Maps a schema violation to a field path and one of our codes. */
const fieldError = (e: ErrorObject, part: string): FieldError => {
  const params = e.params as Record<string, unknown>;
  let field = pointer(e.instancePath);
  let code: string;
  let message = e.message ?? 'is invalid';
  switch (e.keyword) {
    case 'additionalProperties':
      field = join(e.instancePath, String(params.additionalProperty));
      code = 'unknown_field';
      message = `Unknown field '${field}'.`;
      break;
    case 'required':
      field = join(e.instancePath, String(params.missingProperty));
      code = 'missing_field';
      message = `'${field}' is required.`;
      break;
    case 'type':
      code = 'invalid_type';
      message = `'${field}' must be ${String(params.type)}.`;
      break;
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      code = 'out_of_range';
      message = `'${field}' ${message}.`;
      break;
    case 'maxLength':
      code = 'too_long';
      message = `'${field}' must be at most ${String(params.limit)} characters.`;
      break;
    case 'minLength':
      code = params.limit === 1 ? 'missing_field' : 'too_short';
      message = `'${field}' must be at least ${String(params.limit)} characters.`;
      break;
    case 'maxItems':
      code = 'too_many';
      message = `'${field}' must have at most ${String(params.limit)} items.`;
      break;
    case 'minItems':
      code = 'too_few';
      message = `'${field}' must have at least ${String(params.limit)} items.`;
      break;
    case 'enum':
      code = 'invalid_value';
      message = `'${field}' must be one of: ${(params.allowedValues as unknown[]).join(', ')}.`;
      break;
    default:
      code = 'invalid_value';
      message = `'${field}' ${message}.`;
  }
  if (field.endsWith('/amount') && (code === 'invalid_type' || code === 'out_of_range')) {
    code = 'invalid_amount';
    message = `'${field}' must be a whole number of minor units, zero or more.`;
  }
  if (field.endsWith('/currency') && code !== 'missing_field') {
    code = 'unknown_currency';
    message = `'${field}' must be an ISO 4217 currency code such as USD.`;
  }
  if (part === 'querystring' && code === 'unknown_field') message = `Unknown query parameter '${field}'.`;
  return { field, code, message };
};

/** All schema violations of one request part as one problem; its code is the first violation's. */
export const validationError = (errors: ErrorObject[], part: string): AppError => {
  const fields = errors
    // anyOf reports each branch and then itself; the branches say more.
    .filter((e) => e.keyword !== 'anyOf')
    .map((e) => fieldError(e, part));
  const first = fields[0] ?? { code: 'invalid_request', message: 'The request is invalid.' };
  return new AppError(first.code, 400, first.message, fields);
};
