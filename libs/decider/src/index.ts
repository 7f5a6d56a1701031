// The pure core every service's domain/ builds on. No dependencies, no I/O: a domain
// unit test that imports this loads nothing but these files.
export type { Decider } from './decider.js';
export { fold } from './decider.js';
export { DeciderSpecification } from './decider-specification.js';
export { assertNever } from './assert-never.js';
export { DomainError, OrderflowError } from './errors.js';
