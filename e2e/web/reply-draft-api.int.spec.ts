import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMessage } from '@mailstead/mime';
import { addUser, Client, startApi, type ApiHarness } from '../api/api-harness';
import { attachmentDigests, digestsOf, messageWithAttachments, threeAttachments } from './draft-fixtures';

/** GET /api/messages/:id/reply, the one reply/forward builder, over HTTP against the real store. */
let api: ApiHarness;
let alice: Client;
let aliceId: number;
let bobId: number;
const ids: Record<string, string> = {};

async function inbox(accountId: number) {
  return (await api.db.store.mailboxes.findByName(accountId, 'INBOX'))!;
}

async function deliver(accountId: number, name: string, raw: Buffer) {
  const box = await inbox(accountId);
  await api.db.store.messages.append(box.id, [{ raw }]);
  ids[name] = (await api.db.store.messages.list(box.id)).at(-1)!.id.toString();
}

const text = (headers: string[], body: string) => Buffer.from([...headers, 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8', '', body, ''].join('\r\n'));

beforeAll(async () => {
  api = await startApi();
  aliceId = (await addUser(api.db, 'alice@draft.test', 'alice-password')).id;
  bobId = (await addUser(api.db, 'bob@draft.test', 'bob-password')).id;
  await api.db.store.aliases.create('sales@draft.test', ['alice@draft.test']);
  alice = new Client(api.base);
  await alice.login('alice@draft.test', 'alice-password');
  await deliver(
    aliceId,
    'plan',
    text(
      [
        'From: Bob <bob@draft.test>',
        'To: sales@draft.test, "Carol, C." <carol@remote.example>',
        'Cc: Dave <dave@remote.example>, ALICE@draft.test',
        'Subject: RE: AW: Quarterly plan',
        'Date: Fri, 20 Nov 2026 12:00:00 +0000',
        'Message-ID: <plan@draft.test>',
      ],
      'Line one\r\n> earlier quote\r\n\r\nBob',
    ),
  );
  await deliver(
    aliceId,
    'newsletter',
    Buffer.from(
      [
        'From: News <news@letters.example>',
        'To: alice@draft.test',
        'Subject: Weekly news',
        'Date: Sat, 21 Nov 2026 08:00:00 +0000',
        'MIME-Version: 1.0',
        'Content-Type: multipart/alternative; boundary="alt"',
        '',
        '--alt',
        'Content-Type: text/plain; charset=utf-8',
        '',
        'A text part the reader does not show',
        '--alt',
        'Content-Type: text/html; charset=utf-8',
        '',
        '<style>h1 { color: navy }</style><h1>Fish &amp; chips</h1><p>Every <b>Friday</b></p><script>alert(1)</script>',
        '--alt--',
        '',
      ].join('\r\n'),
    ),
  );
  await deliver(
    aliceId,
    'files',
    messageWithAttachments({ From: 'Bob <bob@draft.test>', To: 'alice@draft.test', Subject: 'Fwd: the numbers', Date: 'Sun, 22 Nov 2026 09:00:00 +0000' }, 'Three files.', threeAttachments()),
  );
});
afterAll(async () => api?.stop());

describe('reply and reply-all', () => {
  it('answers from the alias it was sent to, "Re: " once, RFC 3676 quote under an attribution line, In-Reply-To through inReplyToId', async () => {
    const reply = await alice.json('GET', `/api/messages/${ids.plan}/reply`);
    expect(reply).toEqual({
      from: 'sales@draft.test',
      to: [{ name: 'Bob', address: 'bob@draft.test' }],
      cc: [],
      subject: 'Re: Quarterly plan',
      text: '\n\nOn Fri, 20 Nov 2026 12:00:00 GMT, Bob <bob@draft.test> wrote:\n> Line one\n>> earlier quote\n>\n> Bob\n',
      html: null,
      inReplyToId: ids.plan,
      attachments: [],
    });
  });

  it('reply-all adds the other recipients, To in To and Cc in Cc, never the account’s own addresses', async () => {
    const all = await alice.json('GET', `/api/messages/${ids.plan}/reply?mode=all`);
    expect(all.to).toEqual([
      { name: 'Bob', address: 'bob@draft.test' },
      { name: 'Carol, C.', address: 'carol@remote.example' },
    ]);
    expect(all.cc).toEqual([{ name: 'Dave', address: 'dave@remote.example' }]);
  });

  it('quotes the text of HTML mail as the reader shows it, and the sanitized HTML in a cite blockquote', async () => {
    const reply = await alice.json('GET', `/api/messages/${ids.newsletter}/reply`);
    expect(reply.text).toMatch(/wrote:\n> Fish & chips\n>\n> Every Friday\n$/);
    expect(reply.text).not.toMatch(/navy|text part|alert/);
    expect(reply.html).toMatch(/^<div><br><\/div><div>On [^<]+, News &lt;news@letters\.example&gt; wrote:<\/div><blockquote type="cite">[\s\S]*Fish &amp; chips[\s\S]*<\/blockquote>$/);
    expect(reply.html).not.toMatch(/<script|alert/);
  });

  it('a reply to one’s own sent message goes to its recipients, and sending it threads and flags the original', async () => {
    await alice.json('POST', '/api/send', { from: 'alice@draft.test', to: ['bob@draft.test'], subject: 'Agenda', text: 'Topics below.' });
    const sent = (await api.db.store.mailboxes.findSpecialUse(aliceId, '\\Sent'))!;
    const [copy] = await api.db.store.messages.list(sent.id);
    const reply = await alice.json('GET', `/api/messages/${copy!.id}/reply`);
    expect(reply).toMatchObject({ from: 'alice@draft.test', to: [{ address: 'bob@draft.test' }], cc: [], subject: 'Re: Agenda' });
    await alice.json('POST', '/api/send', { from: reply.from, to: reply.to, subject: reply.subject, text: `One more.${reply.text}`, inReplyToId: reply.inReplyToId });
    const bobInbox = await inbox(bobId);
    const answer = (await api.db.store.messages.list(bobInbox.id)).find((m) => m.subject === 'Re: Agenda')!;
    const parsed = parseMessage(await api.db.store.messages.raw(bobInbox.id, answer.uid));
    const sentMessageId = parseMessage(await api.db.store.messages.raw(sent.id, copy!.uid)).messageId;
    expect(parsed.headers.find((h) => h.key === 'in-reply-to')?.value).toBe(sentMessageId);
    expect((await api.db.store.messages.list(sent.id)).find((m) => m.id === copy!.id)?.answered).toBe(true);
  });
});

describe('forward', () => {
  it('lists the original attachments as uploads (name, type, size) and the sent forward carries the same bytes', async () => {
    const forward = await alice.json('GET', `/api/messages/${ids.files}/reply?mode=forward`);
    expect(forward).toMatchObject({ from: 'alice@draft.test', to: [], cc: [], subject: 'Fwd: the numbers', html: null });
    expect(forward.inReplyToId).toBeUndefined();
    expect(forward.text).toMatch(/^\n\n---------- Forwarded message ----------\nFrom: Bob <bob@draft.test>\nDate: Sun, 22 Nov 2026 09:00:00 GMT\nSubject: Fwd: the numbers\nTo: alice@draft.test\n\nThree files\./);
    expect(forward.attachments.map((a: { filename: string; contentType: string; size: number }) => [a.filename, a.contentType, a.size])).toEqual(
      threeAttachments().map((a) => [a.filename, a.contentType, a.data.length]),
    );
    await alice.json('POST', '/api/send', { from: forward.from, to: ['bob@draft.test'], subject: forward.subject, text: forward.text, attachments: forward.attachments.map((a: { id: string }) => a.id) });
    const bobInbox = await inbox(bobId);
    const copy = (await api.db.store.messages.list(bobInbox.id)).find((m) => m.subject === 'Fwd: the numbers')!;
    expect(attachmentDigests(await api.db.store.messages.raw(bobInbox.id, copy.uid))).toEqual(digestsOf(threeAttachments()));
  });

  it('forward as attachment carries the original byte for byte as message/rfc822', async () => {
    const forward = await alice.json('GET', `/api/messages/${ids.plan}/reply?mode=forward-as-attachment`);
    const original = await (await alice.get(`/api/messages/${ids.plan}/raw`)).arrayBuffer();
    expect(forward).toMatchObject({ to: [], subject: 'Fwd: Quarterly plan', text: '', html: null });
    expect(forward.attachments).toEqual([{ id: expect.stringMatching(/^[0-9a-f]{32}$/), filename: 'RE_ AW_ Quarterly plan.eml', contentType: 'message/rfc822', size: original.byteLength }]);
  });

  it('refuses another account’s message and an unknown mode', async () => {
    const bob = new Client(api.base);
    await bob.login('bob@draft.test', 'bob-password');
    expect((await bob.get(`/api/messages/${ids.plan}/reply`)).status).toBe(404);
    expect((await alice.get(`/api/messages/${ids.plan}/reply?mode=bounce`)).status).toBe(400);
  });
});
