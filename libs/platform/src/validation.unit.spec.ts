import { z } from 'zod';
import { HttpProblem } from './problem.js';
import { validate } from './validation.js';

const schema = z.object({
  items: z.array(z.object({ quantity: z.number().int().positive() })).min(1),
});

describe('validate', () => {
  it('returns the parsed value', () => {
    expect(validate(schema, { items: [{ quantity: 2 }] })).toEqual({ items: [{ quantity: 2 }] });
  });

  it('names every field at fault as a JSON pointer', () => {
    let problem: HttpProblem | undefined;
    try {
      validate(schema, { items: [{ quantity: 0 }, { quantity: 'x' }] });
    } catch (e) {
      problem = e as HttpProblem;
    }
    expect(problem).toBeInstanceOf(HttpProblem);
    expect(problem?.status).toBe(400);
    expect(problem?.extensions.errors?.map((e) => e.field)).toEqual([
      '/items/0/quantity',
      '/items/1/quantity',
    ]);
  });
});
