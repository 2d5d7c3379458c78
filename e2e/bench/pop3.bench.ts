// npm run bench:pop3 [-- --clients 10 --messages 1000 --rounds 3]
// N clients at once each log in, LIST, RETR every message and QUIT, against Mailstead and Debian's
// dovecot-pop3d holding the same 1,000-message maildrops (one per client: a maildrop is locked
// per session), loaded by the same raw-socket client in the same run.
import net from 'node:net';
import { parseArgs } from 'node:util';
import { freePort } from '@mailstead/testing';
import { startDovecot } from './lib/dovecot';
import { startMailstead } from './lib/mailstead';
import { appendResults } from './lib/results';
import { benchMessage, machine, round } from './lib/stats';

const { values } = parseArgs({ options: { clients: { type: 'string', default: '10' }, messages: { type: 'string', default: '1000' }, rounds: { type: 'string', default: '3' } } });
const CLIENTS = Number(values.clients);
const MESSAGES = Number(values.messages);
const ROUNDS = Number(values.rounds);
const PASSWORD = 'bench-password-1';
const users = Array.from({ length: CLIENTS }, (_, i) => `pop${i}@bench.test`);
const corpus = Array.from({ length: MESSAGES }, (_, i) => benchMessage(i));

/** A minimal pipelining-free POP3 client: one command, one reply (multi-line ends with "."). */
class Pop3Client {
  private buffer = Buffer.alloc(0);
  private waiter: (() => void) | undefined;
  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (d) => {
      this.buffer = Buffer.concat([this.buffer, d]);
      this.waiter?.();
    });
  }
  static async connect(port: number): Promise<Pop3Client> {
    const socket = net.connect(port, '127.0.0.1');
    await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    const c = new Pop3Client(socket);
    await c.reply(false);
    return c;
  }
  private async reply(multiline: boolean): Promise<Buffer> {
    for (;;) {
      const end = multiline ? this.buffer.indexOf('\r\n.\r\n') : this.buffer.indexOf('\r\n');
      if (end >= 0 && this.buffer.subarray(0, 1).toString() === '-') {
        throw new Error(this.buffer.subarray(0, this.buffer.indexOf('\r\n')).toString());
      }
      if (end >= 0) {
        const cut = end + (multiline ? 5 : 2);
        const out = this.buffer.subarray(0, cut);
        this.buffer = this.buffer.subarray(cut);
        return out;
      }
      await new Promise<void>((r) => (this.waiter = r));
    }
  }
  async command(line: string, multiline = false): Promise<Buffer> {
    this.socket.write(`${line}\r\n`);
    return this.reply(multiline);
  }
  close(): void {
    this.socket.destroy();
  }
}

async function session(port: number, user: string): Promise<number> {
  const c = await Pop3Client.connect(port);
  await c.command(`USER ${user}`);
  await c.command(`PASS ${PASSWORD}`);
  const list = (await c.command('LIST', true)).toString().split('\r\n').slice(1, -2);
  for (const line of list) await c.command(`RETR ${line.split(' ')[0]}`, true);
  await c.command('QUIT');
  c.close();
  return list.length;
}

async function load(port: number): Promise<number> {
  const started = performance.now();
  let retrieved = 0;
  for (let r = 0; r < ROUNDS; r++) retrieved += (await Promise.all(users.map((u) => session(port, u)))).reduce((a, b) => a + b, 0);
  return round(retrieved / ((performance.now() - started) / 1000));
}

async function main(): Promise<void> {
  console.log(`bench:pop3 — ${CLIENTS} clients x ${ROUNDS} rounds, ${MESSAGES} messages each; ${machine()}`);
  const mailstead = await startMailstead('api,pop3');
  const dovecot = await startDovecot({ imapPort: await freePort(), pop3Port: await freePort(), users: users.map((name) => ({ name, password: PASSWORD })) });
  try {
    for (const u of users) {
      const { inboxId } = await mailstead.createUser(u, PASSWORD);
      await mailstead.seed(inboxId, corpus);
      dovecot.seed(u, corpus);
    }
    const ms = await load(mailstead.ports.pop3);
    const dc = await load(dovecot.pop3Port);
    const ratio = round(ms / dc, 2);
    console.log(`RETR: mailstead ${ms} msg/s, dovecot ${dc} msg/s, ratio ${ratio}`);
    appendResults('POP3', `npm run bench:pop3 -- --clients ${CLIENTS} --messages ${MESSAGES} --rounds ${ROUNDS}`, [
      `| login + LIST + RETR all + QUIT, ${CLIENTS} clients (messages/s) | ${ms} | ${dc} | ${ratio} |`,
    ]);
  } finally {
    await Promise.allSettled([mailstead.stop(), dovecot.stop()]);
  }
}

await main();
