/**
 * The end of an exhaustive `switch` over a discriminated union: a new member is a
 * compile error at every switch that forgot it, and a value that slips past the types
 * (a record from a newer producer) fails loudly here at run time.
 */
export function assertNever(value: never): never {
  throw new Error(`unhandled case: ${JSON.stringify(value)}`);
}
