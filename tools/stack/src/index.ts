export { loadStackConfig, stackEnvironment, versions } from './config.js';
export type { StackConfig } from './config.js';
export { down, status, up } from './stack.js';
export { StackError } from './progress.js';
