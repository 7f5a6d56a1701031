import type { z } from 'zod';
import { HttpProblem } from './problem.js';

/**
 * Parses untrusted input against a schema. On failure: 400 problem+json listing every
 * field at fault as a JSON pointer into the input (`/items/0/quantity`), so a client
 * can tell exactly what to fix.
 */
export function validate<S extends z.ZodType>(
  schema: S,
  input: unknown,
  what = 'request body',
): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const errors = result.error.issues.map((issue) => ({
    field: `/${issue.path.map((p) => String(p).replaceAll('~', '~0').replaceAll('/', '~1')).join('/')}`,
    message: issue.message,
  }));
  throw HttpProblem.badRequest(`${what} is invalid`, errors);
}
