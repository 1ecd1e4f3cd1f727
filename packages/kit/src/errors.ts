/** A field that failed validation, named by its JSON path (`variants/0/sku`). */
export interface FieldError {
  field: string;
  code: string;
  message: string;
}

/**
 * An error the caller can act on. `code` is stable and documented; `status` is the HTTP status the
 * public edge answers with. Anything that is not an AppError is a bug and surfaces as `internal`.
 */
export class AppError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    readonly errors: FieldError[] = [],
    /** Extra members for the problem document, such as the id of an order that failed. */
    readonly extensions: Record<string, string | number> = {},
  ) {
    super(message);
    this.name = 'AppError';
  }

  toJSON(): AppErrorJson {
    return {
      code: this.code,
      status: this.status,
      message: this.message,
      errors: this.errors,
      extensions: this.extensions,
    };
  }

  static fromJSON(e: AppErrorJson): AppError {
    return new AppError(e.code, e.status, e.message, e.errors, e.extensions);
  }
}

export interface AppErrorJson {
  code: string;
  status: number;
  message: string;
  errors: FieldError[];
  extensions: Record<string, string | number>;
}

export const notFound = (what: string, id: string): AppError =>
  new AppError(`${what}_not_found`, 404, `No ${what.replaceAll('_', ' ')} with id or slug '${id}'.`);

export const invalid = (field: string, code: string, message: string): AppError =>
  new AppError(code, 400, message, [{ field, code, message }]);

export const conflict = (code: string, message: string, field?: string): AppError =>
  new AppError(code, 409, message, field ? [{ field, code, message }] : []);

/** Collects field errors so a request reports all of them at once. */
export class Violations {
  readonly list: FieldError[] = [];

  add(field: string, code: string, message: string): void {
    this.list.push({ field, code, message });
  }

  throwIfAny(status = 400): void {
    const first = this.list[0];
    if (first) throw new AppError(first.code, status, first.message, this.list);
  }
}
