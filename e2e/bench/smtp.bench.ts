// npm run bench:smtp [-- --connections 20 --seconds 20 | --messages 4000] [--rounds 3] [--users 10] [--size 10000] [--sieve 10]
// N parallel connections each send 10 KB messages (MAIL, RCPT to one local user, DATA) one after
// another on the MX port, for a fixed duration or a fixed total count, against Mailstead and a
// private Debian Postfix delivering to maildirs, loaded by the same raw-socket client in the
// same run. Latency is measured from the end of DATA (the final ".") to the 250 reply.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { freePort } from '@mailstead/testing';
import { startMailstead } from './lib/mailstead';
import { startPostfix } from './lib/postfix';
import { appendResults } from './lib/results';
import { benchMessage, machine, round, summarize } from './lib/stats';

const { values } = parseArgs({
  options: {
    connections: { type: 'string', default: '20' },
    seconds: { type: 'string', default: '20' },
    messages: { type: 'string', default: '0' },
    users: { type: 'string', default: '10' },
    size: { type: 'string', default: '10000' },
    warmup: { type: 'string', default: '3' },
    // measured rounds, alternating Mailstead and Postfix so background load hits both alike
    rounds: { type: 'string', default: '3' },
    only: { type: 'string', default: '' },
    // a directory: the Mailstead process writes a V8 CPU profile there (node --cpu-prof)
    profile: { type: 'string', default: '' },
    // N > 0: each Mailstead round is followed by one with an N-rule Sieve script active for every
    // recipient (same process, same load), and the two rates are compared (issue 20's benchmark)
    sieve: { type: 'string', default: '0' },
  },
});
const CONNECTIONS = Number(values.connections);
const SECONDS = Number(values.seconds);
const MESSAGES = Number(values.messages);
const USERS = Number(values.users);
const SIZE = Number(values.size);
const WARMUP = Number(values.warmup);
const ROUNDS = Math.max(1, Number(values.rounds));
const SIEVE_RULES = Number(values.sieve);
const DOMAIN = 'bench.test';

/**
 * A script of `n` rules of the kinds people write (header, address, size, body-free tests),
 * none of which matches the bench message, so every rule is evaluated and the message is kept.
 */
function benchScript(n: number): string {
  const rules = Array.from({ length: n }, (_, i) => {
    switch (i % 5) {
      case 0:
        return `if header :contains "subject" "[list-${i}]" { fileinto :create "Lists/${i}"; stop; }`;
      case 1:
        return `if address :domain :is "from" "sender-${i}.example" { addflag "\\Flagged"; fileinto "INBOX"; }`;
      case 2:
        return `if allof (exists "list-id", header :matches "list-id" "*<team-${i}.*>") { fileinto :create "Team ${i}"; }`;
      case 3:
        return `if size :over 5M { fileinto :create "Large"; }`;
      default:
        return `if anyof (header :is "x-spam-flag" "YES", address :localpart :is "to" "nobody-${i}") { discard; stop; }`;
    }
  });
  return `require ["fileinto", "mailbox", "imap4flags"];\n${rules.join('\n')}\n`;
}
const users = Array.from({ length: USERS }, (_, i) => `rcpt${i}@${DOMAIN}`);

/** Dot-stuffed DATA payload with the terminating "." line (RFC 5321 4.5.2). */
function dataPayload(message: Buffer): Buffer {
  const text = message.toString('latin1').replace(/\r\n\./g, '\r\n..');
  return Buffer.from(`${text.startsWith('.') ? '.' : ''}${text}${text.endsWith('\r\n') ? '' : '\r\n'}.\r\n`, 'latin1');
}

/** A lockstep SMTP client: one command, one (possibly multi-line) reply. */
class SmtpClient {
  private buffer = '';
  private waiter: (() => void) | undefined;
  private constructor(private readonly socket: net.Socket) {
    socket.setNoDelay(true);
    socket.on('data', (d: Buffer) => {
      this.buffer += d.toString('latin1');
      this.waiter?.();
    });
    socket.on('error', () => this.waiter?.());
    socket.on('close', () => this.waiter?.());
  }
  static async connect(port: number): Promise<SmtpClient> {
    const socket = net.connect(port, '127.0.0.1');
    await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    const c = new SmtpClient(socket);
    await c.expect(220);
    await c.command('EHLO bench-client.test', 250);
    return c;
  }
  async reply(): Promise<{ code: number; text: string }> {
    for (;;) {
      // a reply ends with a line "ddd<SP>..." (RFC 5321 4.2.1)
      const m = /(?:^|\r\n)(\d{3}) [^\r\n]*\r\n/.exec(this.buffer);
      if (m) {
        const end = m.index + m[0].length;
        const text = this.buffer.slice(0, end);
        this.buffer = this.buffer.slice(end);
        return { code: Number(m[1]), text: text.trim() };
      }
      if (this.socket.destroyed) throw new Error(`connection closed: ${this.buffer}`);
      await new Promise<void>((r) => (this.waiter = r));
    }
  }
  async expect(code: number): Promise<void> {
    const r = await this.reply();
    if (r.code !== code) throw new Error(`expected ${code}, got ${r.text}`);
  }
  async command(line: string, code: number): Promise<void> {
    this.socket.write(`${line}\r\n`);
    await this.expect(code);
  }
  /** One transaction; resolves with the DATA-end -> 250 latency in ms, or the rejection text. */
  async send(from: string, to: string, payload: Buffer): Promise<number | string> {
    await this.command(`MAIL FROM:<${from}> SIZE=${payload.length}`, 250);
    await this.command(`RCPT TO:<${to}>`, 250);
    await this.command('DATA', 354);
    const started = performance.now();
    this.socket.write(payload);
    const r = await this.reply();
    const ms = performance.now() - started;
    return r.code === 250 ? ms : r.text;
  }
  async quit(): Promise<void> {
    this.socket.write('QUIT\r\n');
    await this.reply().catch(() => undefined);
    this.socket.destroy();
  }
}

interface LoadResult {
  accepted: number;
  rejected: number;
  errors: string[];
  seconds: number;
  rate: number;
  p50: number;
  p99: number;
  /** server CPU (all its processes) per accepted message */
  cpuMs: number;
  latencies: number[];
  cpuSeconds: number;
}

/** Several rounds as one: rates over the summed time, percentiles over all latencies. */
function combine(results: LoadResult[]): LoadResult {
  const latencies = results.flatMap((r) => r.latencies);
  const seconds = results.reduce((n, r) => n + r.seconds, 0);
  const cpuSeconds = results.reduce((n, r) => n + r.cpuSeconds, 0);
  const s = summarize(latencies);
  return {
    accepted: latencies.length,
    rejected: results.reduce((n, r) => n + r.rejected, 0),
    errors: results.flatMap((r) => r.errors),
    seconds: round(seconds, 2),
    rate: round(latencies.length / seconds),
    p50: s.p50,
    p99: s.p99,
    cpuMs: round((cpuSeconds * 1000) / latencies.length, 2),
    latencies,
    cpuSeconds,
  };
}

/**
 * One load run. `settle` runs after the clock stops and before the CPU is read: Postfix delivers
 * to the maildirs after its 250, and that work belongs to its round (and must not spill into
 * Mailstead's next one).
 */
async function load(port: number, label: string, opts: { seconds: number; messages: number }, pid: number, settle?: () => Promise<void>): Promise<LoadResult> {
  const cpuBefore = treeCpuSeconds(pid);
  const rootBefore = treeCpuSeconds(pid, true);
  const latencies: number[] = [];
  const errors: string[] = [];
  let rejected = 0;
  let next = 0;
  let sequence = Math.floor(Math.random() * 1e9);
  const started = performance.now();
  const deadline = started + opts.seconds * 1000;
  const more = () => (opts.messages > 0 ? next < opts.messages : performance.now() < deadline);
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async (_, c) => {
      const client = await SmtpClient.connect(port);
      while (more()) {
        const n = next++;
        const payload = dataPayload(benchMessage(sequence++, SIZE));
        try {
          const r = await client.send('sender@bench-remote.test', users[(n + c) % users.length]!, payload);
          if (typeof r === 'number') latencies.push(r);
          else {
            rejected++;
            if (errors.length < 5) errors.push(r);
          }
        } catch (error) {
          errors.push(String(error));
          break;
        }
      }
      await client.quit();
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await settle?.();
  const s = summarize(latencies);
  const cpuSeconds = treeCpuSeconds(pid) - cpuBefore;
  const cpuMs = latencies.length > 0 ? round((cpuSeconds * 1000) / latencies.length, 2) : NaN;
  const rootMs = latencies.length > 0 ? round(((treeCpuSeconds(pid, true) - rootBefore) * 1000) / latencies.length, 2) : NaN;
  const result = { accepted: latencies.length, rejected, errors, seconds: round(seconds, 2), rate: round(latencies.length / seconds), p50: s.p50, p99: s.p99, cpuMs, latencies, cpuSeconds };
  console.log(
    `${label}: ${result.accepted} accepted, ${rejected} rejected in ${result.seconds} s = ${result.rate} msg/s; p50 ${result.p50} ms, p99 ${result.p99} ms; ${cpuMs} CPU ms/msg (${rootMs} in the main process)${errors.length ? `; errors: ${errors.join(' | ')}` : ''}`,
  );
  return result;
}

/**
 * CPU seconds used so far by a process and all its descendants (Mailstead: the server and its
 * embedded Postgres; Postfix: master, smtpd, cleanup, qmgr, virtual...), from /proc. Children
 * that exited count through their parent's cutime/cstime. Unlike msgs/s this hardly depends on
 * what else the machine is doing.
 */
function treeCpuSeconds(root: number, onlyRoot = false): number {
  const parent = new Map<number, number>();
  const cpu = new Map<number, number>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parent.set(Number(entry), Number(fields[1]));
      // utime stime cutime cstime are fields 14-17 of stat (1-based); here index 11-14
      cpu.set(Number(entry), [11, 12, 13, 14].reduce((n, i) => n + Number(fields[i]), 0));
    } catch {
      // the process ended meanwhile
    }
  }
  const inTree = (pid: number): boolean => {
    for (let p: number | undefined = pid, hops = 0; p !== undefined && p > 1 && hops < 50; p = parent.get(p), hops++) if (p === root) return true;
    return false;
  };
  let ticks = 0;
  for (const [pid, t] of cpu) if (onlyRoot ? pid === root : inTree(pid)) ticks += t;
  return ticks / 100; // USER_HZ
}

const loadAverage = () => os.loadavg().map((n) => n.toFixed(2)).join(', ');

async function waitFor(check: () => boolean | Promise<boolean>, seconds: number): Promise<boolean> {
  const until = Date.now() + seconds * 1000;
  while (Date.now() < until) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return check();
}

async function main(): Promise<void> {
  const what = MESSAGES > 0 ? `${MESSAGES} messages` : `${SECONDS} s`;
  console.log(`bench:smtp — ${CONNECTIONS} connections, ${what}, ${SIZE}-byte bodies to ${USERS} local users; ${machine()}; load ${loadAverage()}`);
  // Like for like with the Postfix below: no SPF/DKIM/DMARC lookups (Postfix has none configured),
  // and the per-IP connection cap raised above the load's connection count.
  const mailstead = values.only === 'postfix' ? undefined : await startMailstead('api,smtp', {
    MAILSTEAD_SMTP_SENDER_CHECKS: 'false',
    // Postfix here scores nothing either (the spam defence is measured on its own, issue 21).
    MAILSTEAD_SPAM_FILTER: 'false',
    MAILSTEAD_SMTP_MAX_CONNECTIONS_PER_IP: String(Math.max(20, CONNECTIONS * 2)),
  }, values.profile ? ['--cpu-prof', `--cpu-prof-dir=${values.profile}`] : []);
  const postfix = values.only === 'mailstead' ? undefined : await startPostfix({ port: await freePort(), domain: DOMAIN, users });
  try {
    const accounts: number[] = [];
    if (mailstead) for (const u of users) accounts.push((await mailstead.createUser(u, 'bench-password-1')).id);
    const measure = { seconds: SECONDS, messages: MESSAGES };
    const warm = { seconds: WARMUP, messages: 0 };
    const loadBefore = loadAverage();
    const drain = async () => {
      if (postfix) await waitFor(() => postfix.queued() === 0, 60);
    };
    // Each server gets a short warm-up (JIT, connection pools, Postfix process pool) first.
    if (mailstead) await load(mailstead.ports.smtp, 'mailstead warm-up', warm, mailstead.pid);
    if (postfix) await load(postfix.port, 'postfix warm-up', warm, postfix.pid, drain);
    const msRounds: LoadResult[] = [];
    const pfRounds: LoadResult[] = [];
    const sieveRounds: LoadResult[] = [];
    const setScripts = async (active: boolean) => {
      for (const id of accounts) {
        if (active) await mailstead!.store.sieve.put(id, 'bench', benchScript(SIEVE_RULES));
        await mailstead!.store.sieve.setActive(id, active ? 'bench' : null);
      }
    };
    for (let r = 1; r <= ROUNDS; r++) {
      if (mailstead) msRounds.push(await load(mailstead.ports.smtp, `mailstead round ${r}`, measure, mailstead.pid));
      if (mailstead && SIEVE_RULES > 0) {
        await setScripts(true);
        sieveRounds.push(await load(mailstead.ports.smtp, `mailstead + ${SIEVE_RULES}-rule Sieve round ${r}`, measure, mailstead.pid));
        await setScripts(false);
      }
      if (postfix) pfRounds.push(await load(postfix.port, `postfix round ${r}`, measure, postfix.pid, drain));
    }
    const ms = msRounds.length > 0 ? combine(msRounds) : undefined;
    const pf = pfRounds.length > 0 ? combine(pfRounds) : undefined;
    const loadAfter = loadAverage();
    let uptime = '';
    try {
      uptime = execFileSync('uptime').toString().trim();
    } catch {
      uptime = `load average ${loadAfter}`;
    }
    console.log(uptime);

    // Sanity: every 250 is a stored message (Mailstead: rows; Postfix: maildir files once the queue drains).
    if (mailstead && ms) {
      let stored = 0;
      for (const id of accounts) stored += (await mailstead.store.mailboxes.findByName(id, 'INBOX'))?.messageCount ?? 0;
      console.log(`mailstead stored ${stored} messages (warm-up included)`);
    }
    if (postfix && pf) {
      await waitFor(() => postfix.queued() === 0, 60);
      console.log(`postfix delivered ${postfix.delivered()} messages to maildirs (${postfix.queued()} still queued)`);
    }
    if (ms && sieveRounds.length > 0) {
      const withSieve = combine(sieveRounds);
      const ratio = round(withSieve.rate / ms.rate, 2);
      console.log(`accepted rate: mailstead ${ms.rate} msg/s, with a ${SIEVE_RULES}-rule script ${withSieve.rate} msg/s, ratio ${ratio} (target >= 0.8)`);
      appendResults(`SMTP MX with a ${SIEVE_RULES}-rule Sieve script for every recipient (${CONNECTIONS} connections, ${ROUNDS} alternating rounds of ${what} each, same process)`, `npm run bench:smtp -- --only mailstead --sieve ${SIEVE_RULES} --connections ${CONNECTIONS} ${MESSAGES > 0 ? `--messages ${MESSAGES}` : `--seconds ${SECONDS}`} --rounds ${ROUNDS} --users ${USERS} --size ${SIZE}`, [
        `| accepted messages/s | ${ms.rate} | ${withSieve.rate} | ${ratio} |`,
        `| p50 / p99 latency, end of DATA to 250 (ms) | ${ms.p50} / ${ms.p99} | ${withSieve.p50} / ${withSieve.p99} | |`,
        `| server CPU per accepted message (ms) | ${ms.cpuMs} | ${withSieve.cpuMs} | |`,
        `| accepted / rejected | ${ms.accepted} / ${ms.rejected} | ${withSieve.accepted} / ${withSieve.rejected} | |`,
      ], '| measure | no scripts | with scripts | ratio |');
    }
    if (ms && pf) {
      const ratio = round(ms.rate / pf.rate, 2);
      console.log(`accepted rate: mailstead ${ms.rate} msg/s, postfix ${pf.rate} msg/s, ratio ${ratio} (target >= 0.5)`);
      const command = `npm run bench:smtp -- --connections ${CONNECTIONS} ${MESSAGES > 0 ? `--messages ${MESSAGES}` : `--seconds ${SECONDS}`} --rounds ${ROUNDS} --users ${USERS} --size ${SIZE}`;
      appendResults(`SMTP MX (${CONNECTIONS} connections, ${ROUNDS} alternating rounds of ${what} each)`, command, [
        `| accepted messages/s (${SIZE}-byte bodies, one RCPT each) | ${ms.rate} | ${pf.rate} | ${ratio} |`,
        `| p50 latency, end of DATA to 250 (ms) | ${ms.p50} | ${pf.p50} | |`,
        `| p99 latency, end of DATA to 250 (ms) | ${ms.p99} | ${pf.p99} | |`,
        `| server CPU per accepted message, all its processes (ms) | ${ms.cpuMs} | ${pf.cpuMs} | ${round(pf.cpuMs / ms.cpuMs, 2)} |`,
        `| accepted / rejected | ${ms.accepted} / ${ms.rejected} | ${pf.accepted} / ${pf.rejected} | |`,
        `| load average (1, 5, 15 min) before / after | ${loadBefore} | ${loadAfter} | |`,
      ]);
    }
  } finally {
    await Promise.allSettled([mailstead?.stop(), postfix?.stop()]);
  }
}

await main();
