import type { Request } from 'express';
import type { z } from 'zod';
import type { FieldError } from './problem.js';
import { HttpProblem } from './problem.js';

/**
 * Parses untrusted input against a schema. On failure: 400 problem+json listing every
 * field at fault as a JSON pointer into the input (`/items/0/quantity`, and for a field
 * that is not allowed, the field itself: `/items/0/colour`), so a client can tell
 * exactly what to fix.
 */
export function validate<S extends z.ZodType>(
  schema: S,
  input: unknown,
  what = 'request body',
): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw HttpProblem.badRequest(`${what} is invalid`, fieldErrors(result.error, pointer));
}

/**
 * Parses the request headers named by the schema's keys (`Idempotency-Key`); each error
 * names its header.
 */
export function validateHeaders<S extends z.ZodObject>(schema: S, req: Request): z.infer<S> {
  const headers = Object.fromEntries(
    Object.keys(schema.shape).map((name) => [name, req.get(name)]),
  );
  const result = schema.safeParse(headers);
  if (result.success) return result.data;
  const names = result.error.issues.map((issue) => String(issue.path[0] ?? 'headers'));
  throw HttpProblem.badRequest(
    `${[...new Set(names)].join(', ')} header is invalid`,
    fieldErrors(result.error, (path) => String(path[0] ?? '')),
  );
}

function fieldErrors(
  error: z.ZodError,
  name: (path: readonly PropertyKey[]) => string,
): FieldError[] {
  return error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({
          field: name([...issue.path, key]),
          message: 'not an allowed field',
        }))
      : [{ field: name(issue.path), message: issue.message }],
  );
}

function pointer(path: readonly PropertyKey[]): string {
  return `/${path.map((p) => String(p).replaceAll('~', '~0').replaceAll('/', '~1')).join('/')}`;
}
