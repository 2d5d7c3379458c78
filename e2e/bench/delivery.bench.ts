// npm run bench:delivery -- [--messages 5000] [--domains 50] [--injectors 8] [--concurrency 20] [--per-domain 3] [--size 2000] [--only mailstead|postfix] [--profile]
//
// Outbound delivery: N messages (one recipient each) to D destination domains, each domain's MX
// an smtp-server sink on its own 127.0.1.x address (sinks in their own process). The bench runs a
// small DNS server on loopback answering MX/A for the domains; Mailstead (worker role, its own
// process, embedded Postgres + Redis) resolves MX through it. Then the same load through a
// private Debian Postfix relaying to the same sinks (transport_maps: domain -> [127.0.1.x]:port).
// Messages are injected while delivery runs, by the same number of parallel injectors: for
// Mailstead through the store (the commit the SMTP front end does) plus the BullMQ enqueue, for
// Postfix over SMTP on its smtpd port. Queue latency = arrival at the sink - the instant the
// message was queued (commit returned / 250 received). Prints delivered msgs/s, p50/p99 latency,
// and the ratio; appends a section to e2e/bench/RESULTS.md. --profile writes a CPU profile of the
// Mailstead process to $TMPDIR/mailstead-delivery-profile.
import { fork, type ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import { DeliveryQueue } from '@mailstead/delivery';
import { freePort } from '@mailstead/testing';
import { TestDnsServer } from '../delivery/support/dns-server';
import { startPostfixRelay } from './delivery-postfix';
import { startMailstead } from './lib/mailstead';
import { appendResults } from './lib/results';
import { benchMessage, round, summarize } from './lib/stats';

const args = process.argv.slice(2);
const arg = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
const MESSAGES = arg('messages', 5000);
const DOMAINS = arg('domains', 50);
const INJECTORS = arg('injectors', 8);
const CONCURRENCY = arg('concurrency', 20);
const PER_DOMAIN = arg('per-domain', 3);
const SIZE = arg('size', 2000);
const command = `npm run bench:delivery --${args.length ? ' ' + args.join(' ') : ''}`;

const domain = (d: number) => `d${d}.bench.test`;
const sinkHost = (d: number) => `127.0.1.${10 + d}`;
const uptime = () => execFileSync('uptime').toString().trim();

interface Sinks {
  child: ChildProcess;
  arrivals: Map<string, number>;
}

async function startSinks(port: number): Promise<Sinks> {
  const hosts = Array.from({ length: DOMAINS }, (_, d) => sinkHost(d));
  const child = fork(path.join(import.meta.dirname, 'delivery-sinks.ts'), [JSON.stringify({ hosts, port })], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const arrivals = new Map<string, number>();
  await new Promise<void>((resolve, reject) => {
    child.on('message', (msg: { ready?: boolean; got?: [string, number][] }) => {
      if (msg.ready) resolve();
      for (const [id, at] of msg.got ?? []) if (!arrivals.has(id)) arrivals.set(id, at);
    });
    child.once('exit', (code) => reject(new Error(`sinks exited with ${code}`)));
  });
  return { child, arrivals };
}

function message(tag: string, n: number): { id: string; to: string; raw: Buffer } {
  const id = `${tag}-${n}`;
  const to = `user${n}@${domain(n % DOMAINS)}`;
  const raw = Buffer.concat([Buffer.from(`X-Bench-Id: ${id}\r\n`), benchMessage(n, SIZE)]);
  return { id, to, raw };
}

/** Runs `count` jobs through `parallel` loops; each job returns when its message is queued. */
async function inject(parallel: number, count: number, job: (n: number, worker: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: parallel }, async (_, w) => {
    for (let n = next++; n < count; n = next++) await job(n, w);
  }));
}

async function waitForArrivals(sinks: Sinks, ids: string[], timeoutMs: number, progress: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = Date.now();
  for (;;) {
    const missing = ids.filter((id) => !sinks.arrivals.has(id)).length;
    if (missing === 0) return;
    if (Date.now() > deadline) throw new Error(`${missing} of ${ids.length} messages did not arrive: ${progress()}`);
    if (Date.now() - last > 10_000) {
      console.log(`  ... ${ids.length - missing}/${ids.length} delivered (${progress()})`);
      last = Date.now();
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

interface RunResult {
  rate: number;
  p50: number;
  p99: number;
  seconds: number;
  injectSeconds: number;
  load: string;
}

function result(sinks: Sinks, queuedAt: Map<string, number>, started: number, injected: number): RunResult {
  const latencies = [...queuedAt].map(([id, at]) => sinks.arrivals.get(id)! - at);
  const end = Math.max(...[...queuedAt.keys()].map((id) => sinks.arrivals.get(id)!));
  const seconds = (end - started) / 1000;
  const { p50, p99 } = summarize(latencies);
  return { rate: round(queuedAt.size / seconds), p50, p99, seconds: round(seconds, 2), injectSeconds: round((injected - started) / 1000, 2), load: uptime() };
}

async function runMailstead(sinks: Sinks, dnsPort: number, sinkPort: number): Promise<RunResult> {
  const redisPort = await freePort();
  const ms = await startMailstead('api,worker', {
    MAILSTEAD_HOSTNAME: 'mailstead.bench.invalid',
    MAILSTEAD_EMBEDDED_REDIS_PORT: String(redisPort),
    MAILSTEAD_DNS_SERVERS: `127.0.0.1:${dnsPort}`,
    MAILSTEAD_DELIVERY_PORT: String(sinkPort),
    MAILSTEAD_DELIVERY_CONCURRENCY: String(CONCURRENCY),
    MAILSTEAD_DELIVERY_DOMAIN_CONNECTIONS: String(PER_DOMAIN),
    MAILSTEAD_LOG_LEVEL: 'error',
  }, args.includes('--profile') ? ['--cpu-prof', `--cpu-prof-dir=${path.join(os.tmpdir(), 'mailstead-delivery-profile')}`] : []);
  const redis = new Redis(`redis://127.0.0.1:${redisPort}`, { maxRetriesPerRequest: null });
  const queue = new DeliveryQueue(redis);
  try {
    const queuedAt = new Map<string, number>();
    const messages = Array.from({ length: MESSAGES }, (_, n) => message('m', n));
    const started = Date.now();
    await inject(INJECTORS, MESSAGES, async (n) => {
      const m = messages[n]!;
      const { outboundIds } = await ms.store.messages.deliver(m.raw, [], { outbound: { sender: 'sender@bench.test', recipients: [{ address: m.to }] } });
      queuedAt.set(m.id, Date.now());
      await queue.enqueue(outboundIds);
    });
    const injected = Date.now();
    await waitForArrivals(sinks, messages.map((m) => m.id), 15 * 60_000, () => `${sinks.arrivals.size} arrivals at the sinks in this run`);
    const r = result(sinks, queuedAt, started, injected);
    const failed = (await ms.store.outbound.countByStatus()).filter((s) => s.status !== 'delivered');
    if (failed.some((s) => s.count > 0)) console.log(`  note: outbound rows not delivered: ${JSON.stringify(failed)}`);
    return r;
  } finally {
    await queue.close();
    redis.disconnect();
    await ms.stop();
  }
}

async function smtpConnection(port: number): Promise<SMTPConnection> {
  const c = new SMTPConnection({ host: '127.0.0.1', port, ignoreTLS: true, name: 'injector.bench.invalid', socketTimeout: 120_000 });
  await new Promise<void>((resolve, reject) => {
    c.once('error', reject);
    c.connect(() => resolve());
  });
  c.on('error', () => undefined);
  return c;
}

async function runPostfix(sinks: Sinks, sinkPort: number): Promise<RunResult> {
  const routes: Record<string, string> = {};
  for (let d = 0; d < DOMAINS; d++) routes[domain(d)] = `smtp:[${sinkHost(d)}]:${sinkPort}`;
  const postfix = await startPostfixRelay({ port: await freePort(), routes, processLimit: CONCURRENCY, perDomain: PER_DOMAIN });
  const connections = await Promise.all(Array.from({ length: INJECTORS }, () => smtpConnection(postfix.port)));
  try {
    const queuedAt = new Map<string, number>();
    const messages = Array.from({ length: MESSAGES }, (_, n) => message('p', n));
    const started = Date.now();
    await inject(INJECTORS, MESSAGES, async (n, w) => {
      const m = messages[n]!;
      await new Promise<void>((resolve, reject) =>
        connections[w]!.send({ from: 'sender@bench.test', to: [m.to] }, m.raw, (err) => (err ? reject(err) : resolve())),
      );
      queuedAt.set(m.id, Date.now());
    });
    const injected = Date.now();
    await waitForArrivals(sinks, messages.map((m) => m.id), 15 * 60_000, () => postfix.log().split('\n').slice(-3).join(' | '));
    return result(sinks, queuedAt, started, injected);
  } finally {
    for (const c of connections) c.quit();
    await postfix.stop();
  }
}

const dns = new TestDnsServer();
await dns.start();
for (let d = 0; d < DOMAINS; d++) {
  dns.set(domain(d), { mx: [[10, `mx.${domain(d)}`]] });
  dns.set(`mx.${domain(d)}`, { a: [sinkHost(d)] });
}
const sinkPort = await freePort();
const sinks = await startSinks(sinkPort);
console.log(`delivery bench: ${MESSAGES} messages of ~${SIZE} B to ${DOMAINS} domains, ${INJECTORS} injectors, concurrency ${CONCURRENCY}, ${PER_DOMAIN} per domain; ${os.cpus().length} cores`);
console.log(`before: ${uptime()}`);
let mailstead: RunResult | undefined;
let postfix: RunResult | undefined;
try {
  if (only !== 'postfix') {
    mailstead = await runMailstead(sinks, dns.port, sinkPort);
    console.log(`Mailstead: ${mailstead.rate} msgs/s delivered (${mailstead.seconds} s, injection ${mailstead.injectSeconds} s), queue latency p50 ${mailstead.p50} ms, p99 ${mailstead.p99} ms; ${mailstead.load}`);
  }
  if (only !== 'mailstead') {
    postfix = await runPostfix(sinks, sinkPort);
    console.log(`Postfix:   ${postfix.rate} msgs/s delivered (${postfix.seconds} s, injection ${postfix.injectSeconds} s), queue latency p50 ${postfix.p50} ms, p99 ${postfix.p99} ms; ${postfix.load}`);
  }
} finally {
  sinks.child.kill('SIGTERM');
  await dns.stop();
}
if (mailstead && postfix) {
  const ratio = round(mailstead.rate / postfix.rate, 2);
  console.log(`ratio (Mailstead / Postfix, msgs/s): ${ratio}`);
  appendResults(
    'Outbound delivery (issue 7)',
    command,
    [
      `| delivered msgs/s (${MESSAGES} msgs, ${DOMAINS} domains) | ${mailstead.rate} | ${postfix.rate} | ${ratio} |`,
      `| wall time first queued -> last delivered (s) | ${mailstead.seconds} | ${postfix.seconds} | |`,
      `| injection time (s) | ${mailstead.injectSeconds} | ${postfix.injectSeconds} | |`,
      `| queue latency p50 (ms) | ${mailstead.p50} | ${postfix.p50} | ${round(mailstead.p50 / postfix.p50, 2)} |`,
      `| queue latency p99 (ms) | ${mailstead.p99} | ${postfix.p99} | ${round(mailstead.p99 / postfix.p99, 2)} |`,
      `| load after the run (uptime) | ${mailstead.load} | ${postfix.load} | |`,
    ],
    '| measure | Mailstead | Postfix | ratio |',
  );
}
process.exit(0);
