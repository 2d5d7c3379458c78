export { freePort } from './ports';
export { createTestDatabase, createEmptyDatabase, redisUrl, type TestDatabase } from './test-database';
export { runtimeConfig } from './runtime-config';
export { sampleMessage } from './sample-message';
export { seededRandom, testSeed } from './seeded-random';
export { testCertificate } from './test-certificate';
