import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '@mailstead/store';
import { sampleMessage } from '@mailstead/testing';
import { imapflowClient, startImapServer, type ImapTestServer } from './imap-harness';

const run = promisify(execFile);
let t: ImapTestServer;

beforeAll(async () => {
  t = await startImapServer();
});

afterAll(async () => {
  await t?.close();
});

const ATTACHMENT_MESSAGE = Buffer.from(
  [
    'From: Carol <carol@example.test>',
    'To: alice@example.test',
    'Subject: With attachment',
    'Date: Sun, 22 Nov 2026 11:00:00 +0000',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="xx"',
    '',
    '--xx',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: quoted-printable',
    '',
    'Gr=C3=BC=C3=9Fe aus dem Test.',
    '--xx',
    'Content-Type: text/csv; name="numbers.csv"',
    'Content-Disposition: attachment; filename="numbers.csv"',
    'Content-Transfer-Encoding: base64',
    '',
    Buffer.from('a,b\n1,2\n').toString('base64'),
    '--xx--',
    '',
  ].join('\r\n'),
);

describe('imapflow against Mailstead', () => {
  it('logs in (STARTTLS), lists, manages folders, appends, selects, searches, fetches, stores, copies, moves, expunges', async () => {
    const client = imapflowClient(t.port);
    await client.connect();
    expect(client.secureConnection || (client as unknown as { _socket?: { encrypted?: boolean } })._socket?.encrypted).toBeTruthy();

    const folders = await client.list();
    const byPath = new Map(folders.map((f) => [f.path, f]));
    expect(byPath.get('INBOX')?.specialUse).toBe('\\Inbox');
    expect(byPath.get('Sent')?.specialUse).toBe('\\Sent');
    expect(byPath.get('Trash')?.specialUse).toBe('\\Trash');

    await client.mailboxCreate('Clients/Flow');
    await client.mailboxRename('Clients/Flow', 'Clients/Renamed');
    expect((await client.list()).map((f) => f.path)).toContain('Clients/Renamed');
    await client.mailboxDelete('Clients/Renamed');
    expect((await client.list()).map((f) => f.path)).not.toContain('Clients/Renamed');

    const appended = await client.append('INBOX', ATTACHMENT_MESSAGE, ['\\Flagged', '$Work'], new Date('2026-11-20T08:00:00Z'));
    expect(appended).toMatchObject({ destination: 'INBOX', uid: 1 });
    await client.append('INBOX', sampleMessage(7, { subject: 'Second one' }));

    const box = await client.mailboxOpen('INBOX');
    expect(box.exists).toBe(2);

    expect(await client.search({ subject: 'attachment' }, { uid: true })).toEqual([1]);
    expect(await client.search({ flagged: true })).toEqual([1]);
    expect(await client.search({ seen: false, from: 'alice' })).toEqual([2]);
    expect(await client.search({ or: [{ keyword: '$Work' }, { subject: 'Second' }] })).toEqual([1, 2]);
    expect(await client.search({ since: new Date('2026-11-19T00:00:00Z'), before: new Date('2026-11-21T00:00:00Z') })).toEqual([1]);

    const message = await client.fetchOne('1', { uid: true, flags: true, envelope: true, bodyStructure: true, internalDate: true, size: true });
    expect(message).toBeTruthy();
    if (!message) return;
    expect(message.uid).toBe(1);
    // imapflow enabled IMAP4rev2, which has no \Recent (RFC 9051 Appendix E); raw IMAP4rev1
    // transcripts cover \Recent.
    expect(client.enabled.has('IMAP4REV2')).toBe(true);
    expect([...(message.flags ?? [])].sort()).toEqual(['$Work', '\\Flagged']);
    expect(message.envelope?.subject).toBe('With attachment');
    expect(message.envelope?.from?.[0]).toMatchObject({ name: 'Carol', address: 'carol@example.test' });
    expect(new Date(message.internalDate ?? 0).toISOString()).toBe('2026-11-20T08:00:00.000Z');
    expect(message.size).toBe(ATTACHMENT_MESSAGE.length);
    const parts = message.bodyStructure?.childNodes ?? [];
    expect(message.bodyStructure?.type).toBe('multipart/mixed');
    expect(parts.map((p) => p.type)).toEqual(['text/plain', 'text/csv']);
    expect(parts[1]?.disposition).toBe('attachment');
    expect(parts[1]?.dispositionParameters?.filename).toBe('numbers.csv');

    const download = await client.download('1', '2');
    const chunks: Buffer[] = [];
    for await (const chunk of download.content ?? []) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe('a,b\n1,2\n');
    const text = await client.download('1', '1');
    const textChunks: Buffer[] = [];
    for await (const chunk of text.content ?? []) textChunks.push(chunk as Buffer);
    expect(Buffer.concat(textChunks).toString()).toBe('Grüße aus dem Test.');

    const headers = await client.fetchOne('2', { headers: ['subject'], source: { start: 0, maxLength: 5 } });
    expect(headers && headers.headers?.toString()).toMatch(/^Subject: Second one\r\n/);
    expect(headers && headers.source?.toString()).toBe('From:');

    await client.messageFlagsAdd('2', ['\\Seen', '\\Answered']);
    const afterStore = await client.fetchOne('2', { flags: true });
    expect(afterStore && [...(afterStore.flags ?? [])].sort()).toEqual(['\\Answered', '\\Seen']);
    await client.messageFlagsRemove('2', ['\\Answered']);
    await client.messageFlagsSet('1', ['\\Seen']);
    expect(await client.search({ seen: true })).toEqual([1, 2]);

    const copied = await client.messageCopy('1', 'Archive');
    expect(copied).toMatchObject({ destination: 'Archive' });
    expect(copied && copied.uidMap?.get(1)).toBe(1);
    const moved = await client.messageMove('2', 'Trash');
    expect(moved && moved.uidMap?.get(2)).toBe(1);
    expect(client.mailbox && client.mailbox.exists).toBe(1);
    expect(await client.messageDelete('1')).toBe(true);
    expect(client.mailbox && client.mailbox.exists).toBe(0);

    const status = await client.status('Archive', { messages: true, unseen: true, uidNext: true });
    expect(status).toMatchObject({ messages: 1, unseen: 0, uidNext: 2 });
    await client.logout();
  });

  it('IDLE sees a message delivered through another Store (another process) at once', async () => {
    const client = imapflowClient(t.tlsPort, { secure: true });
    await client.connect();
    await client.mailboxCreate('Watched');
    await client.mailboxOpen('Watched');
    const exists = new Promise<number>((resolve) => client.on('exists', (e: { count: number }) => resolve(e.count)));
    const idling = client.idle();
    const other = await Store.connect(t.db.url, { poolSize: 1 });
    const watched = (await other.mailboxes.findByName(t.aliceId, 'Watched'))!;
    await other.messages.append(watched.id, [{ raw: sampleMessage(99, { subject: 'Pushed' }) }]);
    expect(await exists).toBe(1);
    await other.close();
    const fetched = await client.fetchOne('*', { envelope: true });
    expect(fetched && fetched.envelope?.subject).toBe('Pushed');
    await idling.catch(() => undefined);
    await client.logout();
  });
});

const PYTHON_SESSION = String.raw`
import imaplib, ssl, sys, json
port, tls_port, user, password = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
out = {}
m = imaplib.IMAP4('127.0.0.1', port)
out['caps_before'] = sorted(m.capabilities)
m.starttls(ssl_context=ctx)
out['caps_after'] = sorted(m.capabilities)
out['login'] = m.login(user, password)[0]
typ, data = m.list()
out['list'] = [d.decode() for d in data]
out['create'] = m.create('Py/Folder')[0]
out['rename'] = m.rename('Py/Folder', 'Py/Renamed')[0]
out['append'] = m.append('Py/Renamed', '(\\Flagged)', imaplib.Time2Internaldate(1700000000), b'From: py@example.test\r\nSubject: From Python\r\n\r\nPython body line.\r\n')[1][0].decode()
typ, data = m.select('Py/Renamed')
out['exists'] = data[0].decode()
typ, data = m.search(None, 'SUBJECT', '"From Python"')
out['search'] = data[0].decode()
typ, data = m.fetch('1', '(FLAGS BODYSTRUCTURE BODY.PEEK[TEXT])')
out['fetch'] = [d.decode() if isinstance(d, bytes) else [x.decode() for x in d] for d in data]
typ, data = m.store('1', '+FLAGS', '(\\Seen)')
out['store'] = data[0].decode()
typ, data = m.uid('COPY', '1', 'INBOX')
out['copy'] = data[0].decode() if data[0] else typ
m.store('1', '+FLAGS.SILENT', '(\\Deleted)')
typ, data = m.expunge()
out['expunge'] = [d.decode() for d in data if d]
m.close()
out['delete'] = m.delete('Py/Renamed')[0]
out['logout'] = m.logout()[0]
s = imaplib.IMAP4_SSL('127.0.0.1', tls_port, ssl_context=ctx)
out['ssl_login'] = s.login(user, password)[0]
typ, data = s.status('INBOX', '(MESSAGES UIDNEXT)')
out['ssl_status'] = data[0].decode()
s.logout()
print(json.dumps(out))
`;

describe('Python imaplib against Mailstead', () => {
  it('runs a scripted session over STARTTLS and IMAPS with the self-signed certificate', async () => {
    const { stdout } = await run('python3', ['-c', PYTHON_SESSION, String(t.port), String(t.tlsPort), 'bob@example.test', 'bob-secret-pw'], { timeout: 30_000 });
    const out = JSON.parse(stdout) as Record<string, unknown>;
    expect(out.caps_before).toContain('STARTTLS');
    expect(out.caps_after).not.toContain('STARTTLS');
    expect(out.login).toBe('OK');
    expect((out.list as string[]).some((l) => l.includes('\\Sent') && l.endsWith('"Sent"'))).toBe(true);
    expect(out.create).toBe('OK');
    expect(out.rename).toBe('OK');
    expect(out.append).toMatch(/^\[APPENDUID \d+ 1\] APPEND completed$/);
    expect(out.exists).toBe('1');
    expect(out.search).toBe('1');
    const fetch = JSON.stringify(out.fetch);
    expect(fetch).toContain('FLAGS (\\\\Flagged \\\\Recent)');
    expect(fetch).toContain('BODYSTRUCTURE (\\"TEXT\\" \\"PLAIN\\" ');
    expect(fetch).toContain('Python body line.');
    expect(out.store).toBe('1 (FLAGS (\\Seen \\Flagged \\Recent))');
    expect(out.expunge).toEqual(['1']);
    expect(out.delete).toBe('OK');
    expect(out.logout).toBe('BYE');
    expect(out.ssl_login).toBe('OK');
    expect(out.ssl_status).toMatch(/^"INBOX" \(MESSAGES 1 UIDNEXT 2\)$/);
  });
});
