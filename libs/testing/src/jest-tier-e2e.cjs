// Setup for every e2e test file. Jest reads testTimeout only from the top-level
// config, not from a project, so the tier's budget is set here.
jest.setTimeout(180_000);
process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
