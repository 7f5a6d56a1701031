import { fileURLToPath } from 'node:url';

/** The events library and repository roots, wherever the command is started from. */
export const libraryRoot = fileURLToPath(new URL('../..', import.meta.url));
export const repoRoot = fileURLToPath(new URL('../../../..', import.meta.url));
export const schemasDirectory = fileURLToPath(new URL('../../schemas', import.meta.url));
/** The schemas directory as git names it, relative to the repository root. */
export const schemasGitPath = 'libs/events/schemas';
