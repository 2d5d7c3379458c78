// A delivery worker (with its periodic jobs) in its own process, for the "worker SIGKILLed mid-transaction" test.
// Input: WORKER_INPUT = JSON { databaseUrl, redisUrl, env (MAILSTEAD_* config), prefix, leaseMs }.
import { Redis } from 'ioredis';
import { parseConfig } from '@mailstead/config';
import { Store } from '@mailstead/store';
import { startDeliveryWorker } from './running-worker';

const input = JSON.parse(process.argv[2] ?? '{}') as { databaseUrl: string; redisUrl: string; env: Record<string, string>; prefix: string; leaseMs: number };
const store = await Store.connect(input.databaseUrl, { poolSize: 4 });
const redis = new Redis(input.redisUrl, { maxRetriesPerRequest: 3 });
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
await startDeliveryWorker({ store, config: parseConfig(input.env), redis, log: quiet, prefix: input.prefix, leaseMs: input.leaseMs });
process.stdout.write('ready\n');
