// npm run bench:imap [-- --clients 20 --seconds 20 --messages 1000 --big 100000 --idle 1000]
//   [--only mix,big,idle] [--no-reference] [--cpu-prof DIR] [--no-record]   (--help lists them)
// Mailstead vs Debian's Dovecot on loopback, same users, same messages, same client (imapflow).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ImapFlow } from 'imapflow';
import { startDovecot } from './lib/dovecot';
import { startMailstead } from './lib/mailstead';
import { benchMessage, machine, round, summarize } from './lib/stats';
import { freePort } from '@mailstead/testing';
import { appendResults } from './lib/results';

const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '20' },
    seconds: { type: 'string', default: '20' },
    messages: { type: 'string', default: '1000' },
    big: { type: 'string', default: '100000' },
    idle: { type: 'string', default: '1000' },
    only: { type: 'string', default: 'mix,big,idle' },
    rounds: { type: 'string', default: '3' },
    'no-reference': { type: 'boolean', default: false },
    'cpu-prof': { type: 'string' },
    'no-record': { type: 'boolean', default: false },
    fsync: { type: 'boolean', default: false },
    rev1: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(`npm run bench:imap -- [options]
  --clients N      clients in the command mix (default 20)
  --seconds N      length of each command-mix run (default 20)
  --rounds N       command-mix runs per server, alternating Mailstead and Dovecot so that the
                   machine's load drifts over both alike (default 3)
  --messages N     messages in each mix user's INBOX (default 1000)
  --big N          messages in the big mailbox for SELECT and FETCH 1:* (UID FLAGS) (default 100000);
                   the FETCH is timed once, then 5 times more on the same session (median)
  --idle N         IDLE connections for the RSS measure (default 1000; raise ulimit -n above 2N)
  --only LIST      parts to run, of mix,big,idle (default all)
  --no-reference   Mailstead only (no Dovecot run, no ratio)
  --cpu-prof DIR   run the Mailstead server under node --cpu-prof, profiles written to DIR on exit
  --no-record      print only; do not append to e2e/bench/RESULTS.md
  --rev1           mix clients stay IMAP4rev1 (imapflow's disableIMAP4rev2); by default imapflow
                   enables IMAP4rev2 on Mailstead (the reference Dovecot does not offer it)
  --fsync          keep Postgres' synchronous commit for Mailstead (by default the bench turns it
                   off, as the reference Dovecot runs with mail_fsync = never)
  The mix also prints Mailstead's per-command client-side latency (p50/p99 ms).`);
  process.exit(0);
}
const ONLY = new Set(values.only.split(','));
const ROUNDS = Math.max(1, Number(values.rounds));
const REFERENCE = !values['no-reference'];
const CLIENTS = Number(values.clients);
const SECONDS = Number(values.seconds);
const MESSAGES = Number(values.messages);
const BIG = Number(values.big);
const IDLE = Number(values.idle);
const FETCH_REPEATS = 5;
const PASSWORD = 'bench-password-1';
const users = Array.from({ length: CLIENTS }, (_, i) => `user${i}@bench.test`);
const corpus = Array.from({ length: MESSAGES }, (_, i) => benchMessage(i));

interface Target {
  name: string;
  port: number;
}

type Latencies = Map<string, number[]>;

/** One client's loop of the command mix; returns the number of IMAP commands it completed. */
async function mix(target: Target, user: string, deadline: number, latencies: Latencies): Promise<number> {
  let commands = 0;
  const small = benchMessage(999_999, 2_000);
  const timed = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    const t = performance.now();
    const result = await work();
    const list = latencies.get(name) ?? [];
    list.push(performance.now() - t);
    latencies.set(name, list);
    return result;
  };
  while (Date.now() < deadline) {
    // No COMPRESS: the reference Dovecot is not configured with imap_zlib, so both run uncompressed.
    const c = new ImapFlow({
      host: '127.0.0.1', port: target.port, secure: false, auth: { user, pass: PASSWORD }, logger: false, disableAutoIdle: true,
      disableCompression: true, tls: { rejectUnauthorized: false }, disableIMAP4rev2: values.rev1,
    });
    await timed('connect+CAPABILITY+LOGIN', () => c.connect());
    commands += 2;
    const box = await timed('SELECT', () => c.mailboxOpen('INBOX'));
    commands++;
    const exists = box.exists;
    await timed('FETCH last 20 (ENVELOPE FLAGS UID)', async () => {
      for await (const _ of c.fetch(`${Math.max(1, exists - 19)}:*`, { envelope: true, flags: true, uid: true })) void _;
    });
    commands++;
    const n = 1 + Math.floor(Math.random() * Math.max(1, exists));
    await timed('FETCH BODY[]', () => c.fetchOne(String(n), { source: true }));
    commands++;
    await timed('STORE +FLAGS', () => c.messageFlagsAdd(String(n), ['\\Flagged']));
    commands++;
    await timed('SEARCH UNSEEN FLAGGED', () => c.search({ seen: false, flagged: true }));
    commands++;
    const appended = await timed('APPEND', () => c.append('INBOX', small, ['\\Seen']));
    commands++;
    if (appended && appended.uid) {
      await timed('STORE \\Deleted + UID EXPUNGE', () => c.messageDelete({ uid: String(appended.uid) }, { uid: true }));
      commands += 2;
    }
    await timed('LOGOUT', () => c.logout());
    commands++;
  }
  return commands;
}

interface LoadTotals {
  commands: number;
  seconds: number;
  cpuSeconds: number;
  /** the server process alone (Mailstead: Node, with its argon2 threads), without Postgres/Redis */
  ownCpuSeconds: number;
  latencies: Latencies;
}

/** CPU seconds of one process (without its children). */
function ownCpuSeconds(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** One command-mix run against a target, added to its totals (commands, wall and server CPU seconds, latencies). */
async function load(target: Target, totals: LoadTotals, cpuSeconds: () => number, ownPid?: number): Promise<number> {
  const cpu = cpuSeconds();
  const own = ownPid ? ownCpuSeconds(ownPid) : 0;
  const started = Date.now();
  const deadline = started + SECONDS * 1000;
  const counts = await Promise.all(users.map((u) => mix(target, u, deadline, totals.latencies)));
  const elapsed = (Date.now() - started) / 1000;
  const commands = counts.reduce((a, b) => a + b, 0);
  totals.commands += commands;
  totals.seconds += elapsed;
  totals.cpuSeconds += cpuSeconds() - cpu;
  if (ownPid) totals.ownCpuSeconds += ownCpuSeconds(ownPid) - own;
  return round(commands / elapsed);
}

const newTotals = (): LoadTotals => ({ commands: 0, seconds: 0, cpuSeconds: 0, ownCpuSeconds: 0, latencies: new Map() });

function printLatencies(name: string, latencies: Latencies): void {
  for (const [command, list] of latencies) {
    const { p50, p99, count } = summarize(list);
    console.log(`  ${name} ${command}: p50 ${p50} ms, p99 ${p99} ms (${count})`);
  }
}

/** A raw IMAP connection: the big-mailbox FETCH is timed without a client library's parsing in the way. */
async function rawSession(port: number, user: string): Promise<{ command(tag: string, text: string, onData?: (chunk: Buffer) => void): Promise<string>; close(): void }> {
  const s = net.connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    s.once('data', () => resolve());
    s.once('error', reject);
  });
  let waiting: { tag: string; resolve: (text: string) => void; onData?: (chunk: Buffer) => void } | undefined;
  let tail = '';
  let text = '';
  s.on('data', (chunk: Buffer) => {
    if (!waiting) return;
    waiting.onData?.(chunk);
    if (!waiting.onData) text += chunk.toString('latin1');
    tail = (tail + chunk.toString('latin1')).slice(-4096);
    const done = new RegExp(`(^|\r\n)${waiting.tag} (OK|NO|BAD)[^\r\n]*\r\n$`).test(tail);
    if (done) {
      const w = waiting;
      waiting = undefined;
      w.resolve(w.onData ? tail : text);
    }
  });
  const command = (tag: string, line: string, onData?: (chunk: Buffer) => void) =>
    new Promise<string>((resolve) => {
      tail = '';
      text = '';
      waiting = { tag, resolve, onData };
      s.write(`${tag} ${line}\r\n`);
    });
  const login = await command('l1', `LOGIN ${user} ${PASSWORD}`);
  if (!/l1 OK/.test(login)) throw new Error(`login failed: ${login}`);
  return { command, close: () => s.destroy() };
}

/** FETCH 1:* (UID FLAGS) on a selected raw session, timed, counting the untagged FETCH responses as they stream in. */
async function timedFetch(target: Target, c: Awaited<ReturnType<typeof rawSession>>, tag: string): Promise<number> {
  let count = 0;
  let carry = '';
  const t = performance.now();
  await c.command(tag, 'FETCH 1:* (UID FLAGS)', (chunk) => {
    const text = carry + chunk.toString('latin1');
    count += text.split(' FETCH (').length - 1;
    carry = text.slice(-10);
    if (carry.includes(' FETCH (')) carry = carry.slice(carry.lastIndexOf(' FETCH (') + 8);
  });
  const ms = performance.now() - t;
  if (count !== BIG) throw new Error(`${target.name}: FETCH 1:* returned ${count} of ${BIG}`);
  return ms;
}

/**
 * SELECT, then FETCH 1:* (UID FLAGS) once (the first pass over freshly stored messages) and
 * FETCH_REPEATS times more (what a client reopening the folder gets), on the same session.
 */
async function bigMailbox(target: Target, user: string): Promise<{ selectMs: number; fetchMs: number; againMs: number[] }> {
  const c = await rawSession(target.port, user);
  await c.command('w1', 'SELECT INBOX'); // warm-up (Dovecot builds its index on first open)
  await c.command('w2', 'CLOSE');
  const t = performance.now();
  const selected = await c.command('s1', 'SELECT INBOX');
  const selectMs = performance.now() - t;
  if (!selected.includes(`* ${BIG} EXISTS`)) throw new Error(`${target.name}: SELECT did not report ${BIG} messages`);
  const fetchMs = await timedFetch(target, c, 'f1');
  const againMs: number[] = [];
  for (let i = 0; i < FETCH_REPEATS; i++) againMs.push(round(await timedFetch(target, c, `f${i + 2}`)));
  c.close();
  return { selectMs: round(selectMs), fetchMs: round(fetchMs), againMs };
}

/** Opens `count` raw connections that LOGIN, SELECT and IDLE; resolves when all are idling. */
async function idlers(port: number, user: string, count: number): Promise<net.Socket[]> {
  const sockets: net.Socket[] = [];
  const open = () =>
    new Promise<void>((resolve, reject) => {
      const s = net.connect(port, '127.0.0.1');
      sockets.push(s);
      let buf = '';
      let sent = false;
      s.on('error', reject);
      s.on('data', (d) => {
        buf += d.toString();
        if (!sent && buf.includes('\r\n')) {
          sent = true;
          s.write(`a1 LOGIN ${user} ${PASSWORD}\r\na2 SELECT INBOX\r\na3 IDLE\r\n`);
        }
        if (/(^|\r\n)\+ /.test(buf)) resolve();
        if (/(^|\r\n)a[123] (NO|BAD)/.test(buf)) reject(new Error(`idle setup failed: ${buf}`));
      });
    });
  for (let i = 0; i < count; i += 50) await Promise.all(Array.from({ length: Math.min(50, count - i) }, open));
  return sockets;
}

/** CPU seconds (user + system) used so far by a process and all its descendants (Postgres, Redis). */
function treeCpuSeconds(rootPid: number): number {
  const ticks = 100; // USER_HZ on Linux
  const procs = new Map<number, { ppid: number; cpu: number; comm: string }>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const fields = stat.slice(close + 2).split(' ');
      // utime + stime + cutime + cstime: children that already exited (Dovecot's imap processes) count too
      const cpu = (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / ticks;
      procs.set(Number(entry), { ppid: Number(fields[1]), cpu, comm: stat.slice(stat.indexOf('(') + 1, close) });
    } catch {
      // gone
    }
  }
  let total = 0;
  for (const [pid, p] of procs) {
    for (let x: number | undefined = pid; x !== undefined && x > 1; x = procs.get(x)?.ppid) {
      if (x === rootPid) {
        total += p.cpu;
        break;
      }
    }
  }
  return total;
}

/** CPU seconds used by Dovecot's master process and its children. */
function dovecotCpuSeconds(dir: string): number {
  return treeCpuSeconds(Number(fs.readFileSync(path.join(dir, 'run', 'master.pid'), 'utf8').trim()));
}

function dovecotRssMiB(): number {
  const out = execFileSync('ps', ['-C', 'dovecot,imap,imap-login,auth,anvil,log,config,stats,pop3,pop3-login', '-o', 'rss=']).toString();
  return out.split('\n').filter(Boolean).reduce((a, b) => a + Number(b), 0) / 1024;
}

async function main(): Promise<void> {
  console.log(`bench:imap — ${CLIENTS} clients x ${SECONDS}s mix, ${MESSAGES} messages each; ${machine()}; load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  const nodeArgs = values['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${values['cpu-prof']}`] : [];
  const mailstead = await startMailstead('api,imap', values['fsync'] ? {} : { PGOPTIONS: '-c synchronous_commit=off' }, nodeArgs);
  const dovecot = REFERENCE
    ? await startDovecot({ imapPort: await freePort(), pop3Port: await freePort(), users: [...users, 'big@bench.test', 'idle@bench.test'].map((name) => ({ name, password: PASSWORD })) })
    : undefined;
  const rows: string[] = [];
  const dash = '–';
  try {
    if (ONLY.has('mix')) {
      for (const u of users) {
        const { inboxId } = await mailstead.createUser(u, PASSWORD);
        await mailstead.seed(inboxId, corpus);
        dovecot?.seed(u, corpus);
      }
      // CPU per command (server and its Postgres/Redis; Dovecot's processes) is steadier than cmd/s on a busy machine.
      const msTotals = newTotals();
      const dcTotals = newTotals();
      for (let r = 1; r <= ROUNDS; r++) {
        const m = await load({ name: 'mailstead', port: mailstead.ports.imap }, msTotals, () => treeCpuSeconds(mailstead.pid), mailstead.pid);
        const d = dovecot ? await load({ name: 'dovecot', port: dovecot.imapPort }, dcTotals, () => dovecotCpuSeconds(dovecot.dir)) : undefined;
        console.log(`round ${r}: mailstead ${m} cmd/s, dovecot ${d ?? dash} cmd/s; load average ${os.loadavg()[0]!.toFixed(2)}`);
      }
      printLatencies('mailstead', msTotals.latencies);
      if (dovecot) printLatencies('dovecot', dcTotals.latencies);
      const ms = { commandsPerSecond: round(msTotals.commands / msTotals.seconds) };
      const dc = dovecot ? { commandsPerSecond: round(dcTotals.commands / dcTotals.seconds) } : undefined;
      const msCpu = round((msTotals.cpuSeconds * 1000) / msTotals.commands, 2);
      const dcCpu = dovecot ? round((dcTotals.cpuSeconds * 1000) / dcTotals.commands, 2) : undefined;
      const msOwn = round((msTotals.ownCpuSeconds * 1000) / msTotals.commands, 2);
      console.log(`CPU per command: mailstead (server + Postgres + Redis) ${msCpu} ms (the Node process ${msOwn} ms), dovecot ${dcCpu ?? dash} ms`);
      const ratio = dc ? round(ms.commandsPerSecond / dc.commandsPerSecond, 2) : undefined;
      console.log(`mix (${ROUNDS} alternating rounds of ${SECONDS} s): mailstead ${ms.commandsPerSecond} cmd/s, dovecot ${dc?.commandsPerSecond ?? dash} cmd/s, ratio ${ratio ?? dash}; load average ${os.loadavg()[0]!.toFixed(2)}`);
      rows.push(`| command mix, ${CLIENTS} clients (cmd/s) | ${ms.commandsPerSecond} | ${dc?.commandsPerSecond ?? dash} | ${ratio ?? ''} |`);
      rows.push(`| CPU per command in the mix (ms, server processes; Mailstead's Node process alone ${msOwn}) | ${msCpu} | ${dcCpu ?? dash} | |`);
    }

    if (ONLY.has('big')) {
      const bigCorpus = Array.from({ length: BIG }, (_, i) => benchMessage(i, 300));
      const big = await mailstead.createUser('big@bench.test', PASSWORD);
      let t = performance.now();
      await mailstead.seed(big.inboxId, bigCorpus);
      const seedMs = performance.now() - t;
      t = performance.now();
      dovecot?.seed('big@bench.test', bigCorpus);
      console.log(`seeded ${BIG} messages: mailstead ${round(seedMs / 1000)} s (store appends, 500 a batch), dovecot ${dovecot ? round((performance.now() - t) / 1000) : dash} s (files into the Maildir)`);
      const bigMs = await bigMailbox({ name: 'mailstead', port: mailstead.ports.imap }, 'big@bench.test');
      const bigDc = dovecot ? await bigMailbox({ name: 'dovecot', port: dovecot.imapPort }, 'big@bench.test') : undefined;
      console.log(
        `${BIG} messages: mailstead SELECT ${bigMs.selectMs} ms, FETCH 1:* (UID FLAGS) ${bigMs.fetchMs} ms; dovecot ${bigDc?.selectMs ?? dash} / ${bigDc?.fetchMs ?? dash} ms; load average ${os.loadavg()[0]!.toFixed(2)}`,
      );
      console.log(`  the same FETCH ${FETCH_REPEATS} times more: mailstead ${bigMs.againMs.join('/')} ms; dovecot ${bigDc?.againMs.join('/') ?? dash} ms`);
      rows.push(`| SELECT, ${BIG}-message mailbox (ms) | ${bigMs.selectMs} | ${bigDc?.selectMs ?? dash} | |`);
      rows.push(`| FETCH 1:* (UID FLAGS), ${BIG} messages (ms) | ${bigMs.fetchMs} | ${bigDc?.fetchMs ?? dash} | |`);
      const again = (ms: number[]) => summarize(ms).p50;
      rows.push(`| the same FETCH again, median of ${FETCH_REPEATS} (ms) | ${again(bigMs.againMs)} | ${bigDc ? again(bigDc.againMs) : dash} | |`);
    }

    if (ONLY.has('idle')) {
      const idleUser = await mailstead.createUser('idle@bench.test', PASSWORD);
      await mailstead.seed(idleUser.inboxId, corpus.slice(0, 10));
      dovecot?.seed('idle@bench.test', corpus.slice(0, 10));
      const before = mailstead.rssMiB();
      const msIdle = await idlers(mailstead.ports.imap, 'idle@bench.test', IDLE);
      await new Promise((r) => setTimeout(r, 2000));
      const msRss = round(mailstead.rssMiB());
      msIdle.forEach((s) => s.destroy());
      let dcRss: number | undefined;
      if (dovecot) {
        const dcIdle = await idlers(dovecot.imapPort, 'idle@bench.test', IDLE);
        await new Promise((r) => setTimeout(r, 2000));
        dcRss = round(dovecotRssMiB());
        dcIdle.forEach((s) => s.destroy());
      }
      console.log(`${IDLE} IDLE connections: mailstead RSS ${msRss} MiB (was ${round(before)} before); dovecot processes ${dcRss ?? dash} MiB in total`);
      rows.push(`| RSS with ${IDLE} IDLE connections, api+imap process (MiB) | ${msRss} | ${dcRss === undefined ? dash : `${dcRss} (all processes)`} | |`);
      // The same on a process running only the imap role, as IMAP is scaled out (DESIGN.md 8),
      // so the api role's share of the process does not count as IMAP's.
      const imapOnly = await mailstead.startRoleProcess('imap');
      const roleBefore = imapOnly.rssMiB();
      const roleIdle = await idlers(imapOnly.imapPort, 'idle@bench.test', IDLE);
      await new Promise((r) => setTimeout(r, 2000));
      const roleRss = round(imapOnly.rssMiB());
      roleIdle.forEach((s) => s.destroy());
      console.log(`${IDLE} IDLE connections: imap-role process RSS ${roleRss} MiB (was ${round(roleBefore)} before)`);
      rows.push(`| RSS with ${IDLE} IDLE connections, imap-role process (MiB) | ${roleRss} | ${dcRss === undefined ? dash : `${dcRss} (all processes)`} | |`);
    }

    if (!values['no-record']) {
      const flags = `${values.only !== 'mix,big,idle' ? ` --only ${values.only}` : ''}${REFERENCE ? '' : ' --no-reference'}`;
      appendResults('IMAP', `npm run bench:imap -- --clients ${CLIENTS} --seconds ${SECONDS} --rounds ${ROUNDS} --messages ${MESSAGES} --big ${BIG} --idle ${IDLE}${flags}`, rows);
    }
  } finally {
    await Promise.allSettled([mailstead.stop(), dovecot?.stop()]);
  }
}

await main();
