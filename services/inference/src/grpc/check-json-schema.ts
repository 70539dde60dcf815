import { InvalidInputError } from '@aloe/shared/errors';
import { Ajv } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';

// Compiling checks a schema against its meta-schema and resolves every $ref; formats and unknown
// keywords are left to the grammar (strict off), which supports a subset anyway.
const draft2020 = new Ajv2020({ strict: false, validateFormats: false });
const draft07 = new Ajv({ strict: false, validateFormats: false });

/**
 * Refuses, as INVALID_ARGUMENT before any work, a JSON Schema that is not one (`{"type":"frobnicate"}`)
 * or points at a definition it does not have (`$ref` to nothing): otherwise the grammar builder fails
 * later, inside the queue, as INTERNAL, or a missing definition is silently ignored.
 */
export function checkJsonSchema(schema: object): void {
  const declared = (schema as { $schema?: unknown }).$schema;
  const ajv = typeof declared === 'string' && declared.includes('draft-07') ? draft07 : draft2020;
  try {
    ajv.compile(schema);
  } catch (error) {
    throw new InvalidInputError(`json_schema: not a valid JSON Schema (${(error as Error).message})`);
  } finally {
    ajv.removeSchema(schema);
  }
}
