// npm run bench:imap [-- --clients 20 --seconds 20 --messages 1000 --big 100000 --idle 1000]
// Mailstead vs Debian's Dovecot on loopback, same users, same messages, same client (imapflow).
import { execFileSync } from 'node:child_process';
import net from 'node:net';
import { parseArgs } from 'node:util';
import { ImapFlow } from 'imapflow';
import { startDovecot } from './lib/dovecot';
import { startMailstead } from './lib/mailstead';
import { benchMessage, machine, round } from './lib/stats';
import { freePort } from '@mailstead/testing';
import { appendResults } from './lib/results';

const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '20' },
    seconds: { type: 'string', default: '20' },
    messages: { type: 'string', default: '1000' },
    big: { type: 'string', default: '100000' },
    idle: { type: 'string', default: '1000' },
  },
});
const CLIENTS = Number(values.clients);
const SECONDS = Number(values.seconds);
const MESSAGES = Number(values.messages);
const BIG = Number(values.big);
const IDLE = Number(values.idle);
const PASSWORD = 'bench-password-1';
const users = Array.from({ length: CLIENTS }, (_, i) => `user${i}@bench.test`);
const corpus = Array.from({ length: MESSAGES }, (_, i) => benchMessage(i));

interface Target {
  name: string;
  port: number;
}

/** One client's loop of the command mix; returns the number of IMAP commands it completed. */
async function mix(target: Target, user: string, deadline: number): Promise<number> {
  let commands = 0;
  const small = benchMessage(999_999, 2_000);
  while (Date.now() < deadline) {
    const c = new ImapFlow({ host: '127.0.0.1', port: target.port, secure: false, auth: { user, pass: PASSWORD }, logger: false, disableAutoIdle: true, tls: { rejectUnauthorized: false } });
    await c.connect(); // CAPABILITY + LOGIN
    commands += 2;
    const box = await c.mailboxOpen('INBOX');
    commands++;
    const exists = box.exists;
    for await (const _ of c.fetch(`${Math.max(1, exists - 19)}:*`, { envelope: true, flags: true, uid: true })) void _;
    commands++;
    const n = 1 + Math.floor(Math.random() * Math.max(1, exists));
    await c.fetchOne(String(n), { source: true });
    commands++;
    await c.messageFlagsAdd(String(n), ['\\Flagged']);
    commands++;
    await c.search({ seen: false, flagged: true });
    commands++;
    const appended = await c.append('INBOX', small, ['\\Seen']);
    commands++;
    if (appended && appended.uid) {
      await c.messageDelete({ uid: String(appended.uid) }, { uid: true }); // STORE +FLAGS \Deleted, UID EXPUNGE
      commands += 2;
    }
    await c.logout();
    commands++;
  }
  return commands;
}

async function load(target: Target): Promise<{ commandsPerSecond: number }> {
  const started = Date.now();
  const deadline = started + SECONDS * 1000;
  const counts = await Promise.all(users.map((u) => mix(target, u, deadline)));
  const elapsed = (Date.now() - started) / 1000;
  return { commandsPerSecond: round(counts.reduce((a, b) => a + b, 0) / elapsed) };
}

async function bigMailbox(target: Target, user: string): Promise<{ selectMs: number; fetchMs: number }> {
  const c = new ImapFlow({ host: '127.0.0.1', port: target.port, secure: false, auth: { user, pass: PASSWORD }, logger: false, disableAutoIdle: true, tls: { rejectUnauthorized: false } });
  await c.connect();
  await c.mailboxOpen('INBOX'); // warm-up (Dovecot builds its index on first open)
  await c.mailboxClose();
  let t = performance.now();
  await c.mailboxOpen('INBOX');
  const selectMs = performance.now() - t;
  t = performance.now();
  let count = 0;
  for await (const _ of c.fetch('1:*', { uid: true, flags: true })) count++;
  const fetchMs = performance.now() - t;
  if (count !== BIG) throw new Error(`${target.name}: FETCH 1:* returned ${count} of ${BIG}`);
  await c.logout();
  return { selectMs: round(selectMs), fetchMs: round(fetchMs) };
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

function dovecotRssMiB(): number {
  const out = execFileSync('ps', ['-C', 'dovecot,imap,imap-login,auth,anvil,log,config,stats,pop3,pop3-login', '-o', 'rss=']).toString();
  return out.split('\n').filter(Boolean).reduce((a, b) => a + Number(b), 0) / 1024;
}

async function main(): Promise<void> {
  console.log(`bench:imap — ${CLIENTS} clients x ${SECONDS}s mix, ${MESSAGES} messages each; ${machine()}`);
  const mailstead = await startMailstead('api,imap');
  const dovecot = await startDovecot({ imapPort: await freePort(), pop3Port: await freePort(), users: [...users, 'big@bench.test', 'idle@bench.test'].map((name) => ({ name, password: PASSWORD })) });
  try {
    for (const u of users) {
      const { inboxId } = await mailstead.createUser(u, PASSWORD);
      await mailstead.seed(inboxId, corpus);
      dovecot.seed(u, corpus);
    }
    const ms = await load({ name: 'mailstead', port: mailstead.ports.imap });
    const dc = await load({ name: 'dovecot', port: dovecot.imapPort });
    const ratio = round(ms.commandsPerSecond / dc.commandsPerSecond, 2);
    console.log(`mix: mailstead ${ms.commandsPerSecond} cmd/s, dovecot ${dc.commandsPerSecond} cmd/s, ratio ${ratio}`);

    const bigCorpus = Array.from({ length: BIG }, (_, i) => benchMessage(i, 300));
    const big = await mailstead.createUser('big@bench.test', PASSWORD);
    await mailstead.seed(big.inboxId, bigCorpus);
    dovecot.seed('big@bench.test', bigCorpus);
    const bigMs = await bigMailbox({ name: 'mailstead', port: mailstead.ports.imap }, 'big@bench.test');
    const bigDc = await bigMailbox({ name: 'dovecot', port: dovecot.imapPort }, 'big@bench.test');
    console.log(`${BIG} messages: mailstead SELECT ${bigMs.selectMs} ms, FETCH 1:* (UID FLAGS) ${bigMs.fetchMs} ms; dovecot ${bigDc.selectMs} / ${bigDc.fetchMs} ms`);

    await mailstead.createUser('idle@bench.test', PASSWORD);
    dovecot.seed('idle@bench.test', corpus.slice(0, 10));
    const before = mailstead.rssMiB();
    const msIdle = await idlers(mailstead.ports.imap, 'idle@bench.test', IDLE);
    await new Promise((r) => setTimeout(r, 2000));
    const msRss = round(mailstead.rssMiB());
    msIdle.forEach((s) => s.destroy());
    const dcIdle = await idlers(dovecot.imapPort, 'idle@bench.test', IDLE);
    await new Promise((r) => setTimeout(r, 2000));
    const dcRss = round(dovecotRssMiB());
    dcIdle.forEach((s) => s.destroy());
    console.log(`${IDLE} IDLE connections: mailstead RSS ${msRss} MiB (was ${round(before)} before); dovecot processes ${dcRss} MiB in total`);

    appendResults('IMAP', `npm run bench:imap -- --clients ${CLIENTS} --seconds ${SECONDS} --messages ${MESSAGES} --big ${BIG} --idle ${IDLE}`, [
      `| command mix, ${CLIENTS} clients (cmd/s) | ${ms.commandsPerSecond} | ${dc.commandsPerSecond} | ${ratio} |`,
      `| SELECT, ${BIG}-message mailbox (ms) | ${bigMs.selectMs} | ${bigDc.selectMs} | |`,
      `| FETCH 1:* (UID FLAGS), ${BIG} messages (ms) | ${bigMs.fetchMs} | ${bigDc.fetchMs} | |`,
      `| RSS with ${IDLE} IDLE connections (MiB) | ${msRss} | ${dcRss} (all processes) | |`,
    ]);
  } finally {
    await Promise.allSettled([mailstead.stop(), dovecot.stop()]);
  }
}

await main();
