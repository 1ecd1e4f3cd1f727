import { Ajv, type Options } from 'ajv';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS; under ESM its default export is the module object.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/**
 * The validator every public input is checked with, REST's and GraphQL's alike: all errors at once,
 * defaults filled in, unknown fields left for the schemas to refuse, and the standard formats.
 */
export const createAjv = (options: Options = {}): Ajv => {
  const ajv = new Ajv({
    allErrors: true,
    removeAdditional: false,
    useDefaults: true,
    strict: false,
    ...options,
  });
  addFormats(ajv);
  return ajv;
};
