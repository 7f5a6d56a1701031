import { baseConfigSchema, parseConfigOrExit, runService } from '@orderflow/platform';

// Composition root: configuration is parsed once here and passed down.
const config = parseConfigOrExit(baseConfigSchema);
await runService('notifications', config, () => Promise.resolve({}));
