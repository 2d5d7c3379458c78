/**
 * Cost of the lazy full-text index (issue 3): delivery leaves message.search_vector NULL, so the
 * first webmail search over a mailbox nobody has indexed yet fills it first (batches of 200 rows,
 * each its own transaction). This loads N messages by append into a durable embedded Postgres,
 * then times that first search (WebmailRepository.search, what GET /api/search calls), the
 * second one, and reports the fill rate and CPU per filled message (this process + Postgres).
 *
 *   npx tsx e2e/bench/search-fill.bench.ts         (BENCH_FILL_MESSAGES, default 20000)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hashPassword } from '@mailstead/auth';
import { EmbeddedPostgres, Store, runMigrations } from '@mailstead/store';
import { freePort } from '../../libs/testing/src/ports';
import { round } from './lib/stats';

const COUNT = Number(process.env['BENCH_FILL_MESSAGES'] ?? 20_000);
const WORDS = ['invoice', 'meeting', 'holiday', 'report', 'budget', 'lunch', 'contract', 'release', 'picnic', 'server', 'printer', 'garden'];

function message(n: number): Buffer {
  const w = (k: number) => WORDS[(n * 7 + k * 13) % WORDS.length];
  const line = 'The quick brown fox jumps over the lazy dog. Lorem ipsum dolor sit amet, consectetur.\r\n';
  return Buffer.from(
    [
      `From: Sender ${n % 500} <sender${n % 500}@bench.test>`,
      'To: reader@bench.test',
      `Subject: ${w(1)} ${w(2)} number ${n}`,
      `Date: ${new Date(Date.UTC(2025, 0, 1) + n * 60_000).toUTCString().replace('GMT', '+0000')}`,
      `Message-ID: <fill-bench-${n}@bench.test>`,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=us-ascii',
      '',
      `Hello, about the ${w(3)} and the ${w(4)}: token${n % 1000} appears here.`,
      line.repeat(110),
      '',
    ].join('\r\n'),
  );
}

/** CPU seconds of a process and its descendants, from /proc (utime+stime+cutime+cstime). */
function treeCpuSeconds(rootPid: number): number {
  const parent = new Map<number, number>();
  const cpu = new Map<number, number>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parent.set(Number(entry), Number(fields[1]));
      cpu.set(Number(entry), [11, 12, 13, 14].reduce((n, i) => n + Number(fields[i]), 0));
    } catch {
      // gone
    }
  }
  let ticks = 0;
  for (const [pid, t] of cpu) {
    for (let p: number | undefined = pid; p !== undefined && p > 1; p = parent.get(p)) {
      if (p === rootPid) {
        ticks += t;
        break;
      }
    }
  }
  return ticks / 100;
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailstead-fill-bench-'));
  const pg = new EmbeddedPostgres({ dataDir: path.join(dir, 'pg'), port: await freePort(), durable: true });
  await pg.start();
  process.once('SIGINT', () => {
    pg.killNow();
    process.exit(130);
  });
  try {
    await pg.ensureDatabase('bench');
    const url = pg.url('bench');
    await runMigrations(url);
    const store = await Store.connect(url);
    await store.domains.create('bench.test');
    const account = await store.accounts.create({ address: 'reader@bench.test', passwordHash: await hashPassword('bench-password') });
    const inbox = (await store.mailboxes.findByName(account.id, 'INBOX'))!;
    for (let first = 0; first < COUNT; first += 1000) {
      await store.messages.append(inbox.id, Array.from({ length: Math.min(1000, COUNT - first) }, (_, i) => ({ raw: message(first + i) })));
    }
    console.log(`loaded ${COUNT} messages of ${message(0).length} bytes`);
    const search = { accountId: account.id, text: ['invoice', 'token42'], from: [], to: [], subject: [], limit: 50 };
    const cpu0 = treeCpuSeconds(process.pid);
    let t = performance.now();
    const first = (await store.webmail.search(search)).rows;
    const firstMs = performance.now() - t;
    const cpuMs = ((treeCpuSeconds(process.pid) - cpu0) * 1000) / COUNT;
    t = performance.now();
    const second = (await store.webmail.search(search)).rows;
    const secondMs = performance.now() - t;
    if (first.length !== second.length || first.length === 0) throw new Error(`unexpected results: ${first.length} then ${second.length}`);
    console.log(
      `first search (fills ${COUNT} vectors): ${round(firstMs / 1000)} s = ${round(COUNT / (firstMs / 1000))} msg/s, ${round(cpuMs, 2)} CPU ms/msg (node + Postgres); ` +
        `second search: ${round(secondMs)} ms; ${first.length} hits; load ${os.loadavg().map((l) => l.toFixed(2)).join(', ')}`,
    );
    await store.close();
  } finally {
    await pg.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
