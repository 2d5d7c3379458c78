import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisUrl, sampleMessage } from '@mailstead/testing';
import { RawImap, startImapServer, type ImapTestServer } from './imap-harness';

let t: ImapTestServer;
let peer: ChildProcess | undefined;

beforeAll(async () => {
  t = await startImapServer();
});

afterAll(async () => {
  if (peer && peer.exitCode === null) {
    const exited = new Promise((resolve) => peer!.once('exit', resolve));
    peer.kill('SIGTERM');
    await exited;
  }
  await t?.close();
});

/** Starts support/imap-peer-process.ts under tsx and resolves with its IMAP port. */
async function startPeerProcess(): Promise<number> {
  const script = fileURLToPath(new URL('./support/imap-peer-process.ts', import.meta.url));
  const tsx = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));
  peer = spawn(tsx, [script, t.db.url, redisUrl(), `imap-peer:${t.db.name}`], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise<number>((resolve, reject) => {
    peer!.stdout!.on('data', (d: Buffer) => {
      output += d.toString();
      const m = /READY (\d+)/.exec(output);
      if (m) resolve(Number(m[1]));
    });
    peer!.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    peer!.once('exit', (code) => reject(new Error(`peer exited with ${code}: ${output}`)));
  });
}

describe('two IMAP server processes on one Postgres', () => {
  it('an IDLE client on process A sees a message appended through process B, and flag changes from B', async () => {
    const port = await startPeerProcess();
    await t.store.mailboxes.create(t.aliceId, 'Across');
    const a = await RawImap.connect(t.port);
    await a.login();
    expect(await a.command('a1', 'SELECT Across')).toContain('* 0 EXISTS');
    a.write('a2 IDLE\r\n');
    await a.until((x) => x.startsWith('+ '));
    a.take();

    const b = await RawImap.connect(port);
    await b.login();
    const msg = sampleMessage(1, { subject: 'From process B' });
    b.write(`b1 APPEND Across {${msg.length}+}\r\n`);
    b.write(Buffer.concat([msg, Buffer.from('\r\n')]));
    expect(await b.response('b1')).toMatch(/^b1 OK \[APPENDUID \d+ 1\]/);
    await a.until((x) => x.includes('RECENT\r\n'));
    expect(a.take()).toBe('* 1 EXISTS\r\n* 1 RECENT\r\n');

    await b.command('b2', 'SELECT Across');
    expect(await b.command('b3', 'STORE 1 +FLAGS.SILENT (\\Flagged)')).toMatch(/b3 OK/);
    await a.until((x) => x.includes('FETCH'));
    expect(a.take()).toBe('* 1 FETCH (UID 1 FLAGS (\\Flagged \\Recent))\r\n');
    expect(await b.command('b4', 'STORE 1 +FLAGS.SILENT (\\Deleted)')).toMatch(/b4 OK/);
    expect(await b.command('b5', 'EXPUNGE')).toBe('* 1 EXPUNGE\r\nb5 OK EXPUNGE completed\r\n');
    await a.until((x) => x.includes('EXPUNGE'));
    expect(a.take()).toContain('* 1 EXPUNGE\r\n');
    a.write('DONE\r\n');
    expect(await a.response('a2')).toBe('a2 OK IDLE terminated\r\n');
    a.close();
    b.close();
  });
});
