import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleMessage } from '@mailstead/testing';
import { addUser, Client, startApi, type ApiHarness } from './api-harness';

let api: ApiHarness;
let alice: Client;
let bob: Client;
let aliceInbox: number;
let bobInbox: number;

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

function htmlMessage(): Buffer {
  return Buffer.from(
    [
      'From: Mallory <mallory@evil.test>',
      'To: alice@webmail.test',
      'Subject: Hostile newsletter',
      'Date: Mon, 02 Nov 2026 10:00:00 +0000',
      'Message-ID: <hostile@evil.test>',
      'MIME-Version: 1.0',
      'Content-Type: multipart/related; boundary="rel"',
      '',
      '--rel',
      'Content-Type: multipart/alternative; boundary="alt"',
      '',
      '--alt',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Plain version, caf\u00e9',
      '--alt',
      'Content-Type: text/html; charset=utf-8',
      '',
      '<p onclick="steal()">Hi <b>there</b></p><script>alert(1)</script><img src="x" onerror="alert(2)">',
      '<img src="https://tracker.evil.test/pixel.gif" alt="pixel"><img src="cid:logo@mail">',
      '<a href="javascript:alert(3)">click</a><a href="https://example.test/">site</a>',
      '<div style="background:url(https://evil.test/x.png)">styled</div><iframe src="https://evil.test"></iframe>',
      '--alt--',
      '--rel',
      'Content-Type: image/png; name="logo.png"',
      'Content-ID: <logo@mail>',
      'Content-Disposition: inline; filename="logo.png"',
      'Content-Transfer-Encoding: base64',
      '',
      PNG.toString('base64'),
      '--rel',
      'Content-Type: application/pdf; name="r\u00e9sum\u00e9.pdf"',
      'Content-Disposition: attachment; filename*=UTF-8\'\'r%C3%A9sum%C3%A9.pdf',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from('%PDF-1.4 fake').toString('base64'),
      '--rel--',
      '',
    ].join('\r\n'),
  );
}

async function firstPage(c: Client, mailboxId: number, query = ''): Promise<{ items: { id: string; subject: string; seen: boolean; flagged: boolean; keywords: string[]; threadSize?: number }[]; nextCursor: string | null }> {
  return c.json('GET', `/api/mailboxes/${mailboxId}/messages${query}`);
}

beforeAll(async () => {
  api = await startApi();
  const a = await addUser(api.db, 'alice@webmail.test', 'alice-password');
  const b = await addUser(api.db, 'bob@webmail.test', 'bob-password');
  aliceInbox = (await api.db.store.mailboxes.findByName(a.id, 'INBOX'))!.id;
  bobInbox = (await api.db.store.mailboxes.findByName(b.id, 'INBOX'))!.id;
  await api.db.store.messages.append(aliceInbox, [
    { raw: sampleMessage(1, { subject: 'Banana bread recipe', from: 'Carol <carol@friends.test>' }), internalDate: new Date('2026-11-01T10:00:00Z') },
    { raw: sampleMessage(2, { subject: 'apple pie', from: 'Dave <dave@friends.test>', body: 'quarterly invoice attached soon' }), internalDate: new Date('2026-11-03T10:00:00Z'), flags: ['\\Seen'] },
    { raw: htmlMessage(), internalDate: new Date('2026-11-02T10:00:00Z') },
  ]);
  // The reply comes later, so the store threads it with the message it answers.
  await api.db.store.messages.append(aliceInbox, [
    { raw: sampleMessage(4, { subject: 'Re: apple pie', from: 'Erin <erin@friends.test>', inReplyTo: `<msg-2-${process.pid}@example.test>` }), internalDate: new Date('2026-11-04T10:00:00Z'), flags: ['\\Flagged'] },
    { raw: sampleMessage(5, { subject: 'Cherry tart', to: 'zed@elsewhere.test' }), internalDate: new Date('2026-11-05T10:00:00Z') },
  ]);
  await api.db.store.messages.append(bobInbox, [{ raw: sampleMessage(9, { subject: 'Bob only secret' }) }]);
  alice = new Client(api.base);
  bob = new Client(api.base);
  await alice.login('alice@webmail.test', 'alice-password');
  await bob.login('bob@webmail.test', 'bob-password');
});
afterAll(async () => api?.stop());

describe('mailboxes', () => {
  it('lists mailboxes with unread and total counts', async () => {
    const boxes = await alice.json<{ id: number; name: string; total: number; unread: number; specialUse: string | null }[]>('GET', '/api/mailboxes');
    expect(boxes.map((b) => b.name)).toEqual(expect.arrayContaining(['INBOX', 'Drafts', 'Sent', 'Trash']));
    expect(boxes.find((b) => b.name === 'INBOX')).toMatchObject({ total: 5, unread: 4 });
    expect(boxes.find((b) => b.name === 'Sent')).toMatchObject({ specialUse: '\\Sent', total: 0 });
  });

  it('creates, renames, unsubscribes and deletes a mailbox, and validates names', async () => {
    const created = await alice.json('POST', '/api/mailboxes', { name: 'Projects' }, 201);
    expect((await alice.request('POST', '/api/mailboxes', { name: 'Projects' })).status).toBe(409);
    expect((await alice.request('POST', '/api/mailboxes', { name: 'a\u0001b' })).status).toBe(400);
    const renamed = await alice.json('PATCH', `/api/mailboxes/${created.id}`, { name: 'Work', subscribed: false });
    expect(renamed).toMatchObject({ id: created.id, name: 'Work', subscribed: false });
    await alice.json('DELETE', `/api/mailboxes/${created.id}`);
    expect((await alice.get(`/api/mailboxes/${created.id}/messages`)).status).toBe(404);
    expect((await alice.request('DELETE', `/api/mailboxes/${aliceInbox}`)).status).toBe(400);
  });
});

describe('message list', () => {
  it('pages with a cursor, newest first, without repeats or gaps', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await firstPage(alice, aliceInbox, `?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...page.items.map((i) => i.subject));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['Cherry tart', 'Re: apple pie', 'apple pie', 'Hostile newsletter', 'Banana bread recipe']);
  });

  it('sorts by subject and size, both ways, across pages', async () => {
    const bySubject = await firstPage(alice, aliceInbox, '?sort=subject&order=asc&limit=3');
    const rest = await firstPage(alice, aliceInbox, `?sort=subject&order=asc&limit=3&cursor=${bySubject.nextCursor}`);
    expect([...bySubject.items, ...rest.items].map((i) => i.subject)).toEqual(['apple pie', 'Banana bread recipe', 'Cherry tart', 'Hostile newsletter', 'Re: apple pie']);
    const bySize = await firstPage(alice, aliceInbox, '?sort=size&order=desc&limit=1');
    expect(bySize.items[0]!.subject).toBe('Hostile newsletter');
    const byFrom = await firstPage(alice, aliceInbox, '?sort=from&order=asc');
    expect(byFrom.items.map((i) => i.subject)).toEqual(['Cherry tart', 'Banana bread recipe', 'apple pie', 'Re: apple pie', 'Hostile newsletter']);
  });

  it('filters unread, flagged and with attachments, and groups conversations', async () => {
    expect((await firstPage(alice, aliceInbox, '?unread=true')).items).toHaveLength(4);
    expect((await firstPage(alice, aliceInbox, '?flagged=true')).items.map((i) => i.subject)).toEqual(['Re: apple pie']);
    expect((await firstPage(alice, aliceInbox, '?hasAttachment=true')).items.map((i) => i.subject)).toEqual(['Hostile newsletter']);
    const threads = await firstPage(alice, aliceInbox, '?threads=true');
    expect(threads.items).toHaveLength(4);
    expect(threads.items.find((i) => i.subject === 'Re: apple pie')!.threadSize).toBe(2);
  });

  it('answers 400 with field messages for bad query values', async () => {
    const res = await alice.get(`/api/mailboxes/${aliceInbox}/messages?limit=0&sort=colour&cursor=%%%`);
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as { error: { fields: Record<string, string[]> } };
    expect(Object.keys(error.fields)).toEqual(expect.arrayContaining(['limit', 'sort']));
  });
});

describe('message detail and downloads', () => {
  let hostileId: string;
  beforeAll(async () => {
    hostileId = (await firstPage(alice, aliceInbox, '?hasAttachment=true')).items[0]!.id;
  });

  it('sanitizes HTML: no script, handlers or javascript: links; remote images blocked; cid: rewritten', async () => {
    const m = await alice.json('GET', `/api/messages/${hostileId}`);
    expect(m.html).toContain('<b>there</b>');
    for (const bad of ['<script', 'onerror', 'onclick', 'javascript:', 'tracker.evil.test', 'url(', '<iframe']) expect(m.html).not.toContain(bad);
    expect(m.html).toContain(`/api/messages/${hostileId}/attachments/2?inline=true`);
    expect(m.html).toContain('rel="noopener noreferrer"');
    expect(m.remoteImagesBlocked).toBe(true);
    expect(m.text).toContain('café');
    expect(m.attachments.map((a: { filename: string }) => a.filename)).toEqual(['logo.png', 'résumé.pdf']);
    const withImages = await alice.json('GET', `/api/messages/${hostileId}?remoteImages=true`);
    expect(withImages.html).toContain('https://tracker.evil.test/pixel.gif');
    expect(withImages.remoteImagesBlocked).toBe(false);
  });

  it('clips a very long HTML body (htmlClipped) unless ?full=true, and the clipped part is still sanitized', async () => {
    const carl = await addUser(api.db, 'carl@webmail.test', 'carl-password');
    const inbox = (await api.db.store.mailboxes.findByName(carl.id, 'INBOX'))!;
    const html = `${'<p>Long <b>newsletter</b> <img src="x" onerror="alert(1)"> text</p>\n'.repeat(2_500)}<p id="the-end">END</p>`;
    const raw = Buffer.from(['From: news@big.test', 'To: carl@webmail.test', 'Subject: Long', 'MIME-Version: 1.0', 'Content-Type: text/html; charset=utf-8', '', html, ''].join('\r\n'));
    const [stored] = await api.db.store.messages.append(inbox.id, [{ raw }]);
    const c = new Client(api.base);
    await c.login('carl@webmail.test', 'carl-password');
    const clipped = await c.json('GET', `/api/messages/${stored!.id}`);
    expect(html.length).toBeGreaterThan(100_000);
    expect(clipped.htmlClipped).toBe(true);
    expect(clipped.html).toContain('<b>newsletter</b>');
    expect(clipped.html).not.toContain('the-end');
    expect(clipped.html).not.toContain('onerror');
    const whole = await c.json('GET', `/api/messages/${stored!.id}?full=true`);
    expect(whole.htmlClipped).toBe(false);
    expect(whole.html).toContain('id="the-end"');
    expect(whole.html).not.toContain('onerror');
    // A short body is never clipped.
    expect((await alice.json('GET', `/api/messages/${hostileId}`)).htmlClipped).toBe(false);
  });

  it('marks the message read when asked', async () => {
    const before = await alice.json('GET', `/api/messages/${hostileId}`);
    expect(before.seen).toBe(false);
    expect((await alice.json('GET', `/api/messages/${hostileId}?markSeen=true`)).seen).toBe(true);
    expect((await alice.json('GET', `/api/messages/${hostileId}`)).seen).toBe(true);
  });

  it('downloads the raw message and decoded attachments with the right headers', async () => {
    const raw = await alice.get(`/api/messages/${hostileId}/raw`);
    expect(raw.headers.get('content-type')).toBe('message/rfc822');
    expect(raw.headers.get('content-disposition')).toBe(`attachment; filename="Hostile newsletter.eml"; filename*=UTF-8''Hostile%20newsletter.eml`);
    expect(Buffer.from(await raw.arrayBuffer()).equals(htmlMessage())).toBe(true);
    const pdf = await alice.get(`/api/messages/${hostileId}/attachments/3`);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(pdf.headers.get('content-disposition')).toContain(`filename*=UTF-8''r%C3%A9sum%C3%A9.pdf`);
    expect(pdf.headers.get('content-disposition')).toMatch(/^attachment;/);
    expect(Buffer.from(await pdf.arrayBuffer()).toString()).toBe('%PDF-1.4 fake');
    const logo = await alice.get(`/api/messages/${hostileId}/attachments/2?inline=true`);
    expect(logo.headers.get('content-disposition')).toMatch(/^inline;/);
    expect(Buffer.from(await logo.arrayBuffer()).equals(PNG)).toBe(true);
    expect((await alice.get(`/api/messages/${hostileId}/attachments/1`)).status).toBe(404);
    expect((await alice.get(`/api/messages/${hostileId}/attachments/9.9`)).status).toBe(404);
  });
});

describe('bulk actions', () => {
  it('adds and removes flags and keywords in bulk, rejecting invalid flags', async () => {
    const ids = (await firstPage(alice, aliceInbox)).items.map((i) => i.id);
    expect(await alice.json('POST', '/api/messages/flags', { ids, add: ['\\Seen', '$Important'] })).toEqual({ count: 5 });
    let items = (await firstPage(alice, aliceInbox)).items;
    expect(items.every((i) => i.seen && i.keywords.includes('$Important'))).toBe(true);
    await alice.json('POST', '/api/messages/flags', { ids: ids.slice(0, 2), remove: ['\\Seen'] });
    items = (await firstPage(alice, aliceInbox)).items;
    expect(items.filter((i) => !i.seen)).toHaveLength(2);
    const boxes = await alice.json<{ name: string; unread: number }[]>('GET', '/api/mailboxes');
    expect(boxes.find((b) => b.name === 'INBOX')!.unread).toBe(2);
    expect((await alice.request('POST', '/api/messages/flags', { ids, add: ['\\Recent'] })).status).toBe(400);
    expect((await alice.request('POST', '/api/messages/flags', { ids, add: ['bad word'] })).status).toBe(400);
    // Only what IMAP can carry (libs/contracts flagProblem): an ASCII atom, so no non-ASCII keyword and no "[".
    for (const [keyword, message] of [['Wichtig→', /IMAP keywords are ASCII only/], ['open[', /is not a keyword/]] as const) {
      const refused = await alice.request('POST', '/api/messages/flags', { ids, remove: ['\\Flagged', keyword] });
      expect(refused.status).toBe(400);
      expect(((await refused.json()) as { error: { fields: Record<string, string[]> } }).error.fields['remove.1']![0]).toMatch(message);
    }
    expect((await alice.request('POST', '/api/messages/flags', { ids: [], add: ['\\Seen'] })).status).toBe(400);
  });

  it('copies, moves and deletes (to Trash, then for good)', async () => {
    const boxes = await alice.json<{ id: number; name: string; total: number }[]>('GET', '/api/mailboxes');
    const archive = boxes.find((b) => b.name === 'Archive')!.id;
    const trash = boxes.find((b) => b.name === 'Trash')!.id;
    const cherry = (await firstPage(alice, aliceInbox)).items.find((i) => i.subject === 'Cherry tart')!.id;
    expect(await alice.json('POST', '/api/messages/copy', { ids: [cherry], mailboxId: archive })).toEqual({ count: 1 });
    const copy = (await firstPage(alice, archive)).items[0]!;
    expect(copy.subject).toBe('Cherry tart');
    expect(await alice.json('POST', '/api/messages/move', { ids: [copy.id], mailboxId: aliceInbox })).toEqual({ count: 1 });
    expect((await firstPage(alice, archive)).items).toHaveLength(0);
    const inbox = (await firstPage(alice, aliceInbox)).items.filter((i) => i.subject === 'Cherry tart');
    expect(inbox).toHaveLength(2);
    expect(await alice.json('POST', '/api/messages/delete', { ids: [inbox[0]!.id] })).toEqual({ count: 1 });
    const inTrash = (await firstPage(alice, trash)).items;
    expect(inTrash.map((i) => i.subject)).toEqual(['Cherry tart']);
    expect(await alice.json('POST', '/api/messages/delete', { ids: [inTrash[0]!.id] })).toEqual({ count: 1 });
    expect((await firstPage(alice, trash)).items).toHaveLength(0);
    expect(await alice.json('POST', '/api/messages/delete', { ids: [inbox[1]!.id], permanent: true })).toEqual({ count: 1 });
    expect((await firstPage(alice, aliceInbox)).items.filter((i) => i.subject === 'Cherry tart')).toHaveLength(0);
  });
});

describe('search', () => {
  const search = async (q: string, extra = '') =>
    (await alice.json<{ items: { subject: string }[] }>('GET', `/api/search?q=${encodeURIComponent(q)}${extra}`)).items.map((i) => i.subject).sort();

  it('finds words in bodies and subjects with Postgres full text', async () => {
    expect(await search('invoice')).toEqual(['apple pie']);
    expect(await search('apple')).toEqual(['Re: apple pie', 'apple pie']);
    expect(await search('apple invoice')).toEqual(['apple pie']);
    expect(await search('nothingmatchesthis')).toEqual([]);
  });

  it('applies from:, to:, subject:, has:attachment, before: and after:', async () => {
    expect(await search('from:carol')).toEqual(['Banana bread recipe']);
    expect(await search('from:"Erin"')).toEqual(['Re: apple pie']);
    expect(await search('to:alice@webmail.test')).toEqual(['Hostile newsletter']);
    expect(await search('subject:"apple pie"')).toEqual(['Re: apple pie', 'apple pie']);
    expect(await search('has:attachment')).toEqual(['Hostile newsletter']);
    expect(await search('after:2026-11-03')).toEqual(['Re: apple pie', 'apple pie']);
    expect(await search('before:2026-11-02')).toEqual(['Banana bread recipe']);
    expect(await search('apple before:2026-11-04')).toEqual(['apple pie']);
    expect(await search('apple', `&mailboxId=${aliceInbox}`)).toEqual(['Re: apple pie', 'apple pie']);
    const bad = await alice.get(`/api/search?q=${encodeURIComponent('before:someday')}`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { fields: Record<string, string[]> } }).error.fields.q![0]).toMatch(/date/);
  });

  it('never returns another account\'s messages', async () => {
    expect(await search('secret')).toEqual([]);
    expect((await bob.json<{ items: unknown[] }>('GET', '/api/search?q=apple')).items).toEqual([]);
  });
});

describe('authorization boundary', () => {
  it('refuses every action on another account\'s messages and mailboxes with 404, changing nothing', async () => {
    const aliceMessage = (await firstPage(alice, aliceInbox)).items[0]!;
    const hostile = (await firstPage(alice, aliceInbox, '?hasAttachment=true')).items[0]!;
    const bobMessage = (await firstPage(bob, bobInbox)).items[0]!;
    expect((await bob.get(`/api/messages/${aliceMessage.id}`)).status).toBe(404);
    expect((await bob.get(`/api/messages/${aliceMessage.id}/raw`)).status).toBe(404);
    expect((await bob.get(`/api/messages/${hostile.id}/attachments/3`)).status).toBe(404);
    expect((await bob.get(`/api/mailboxes/${aliceInbox}/messages`)).status).toBe(404);
    expect((await bob.request('PATCH', `/api/mailboxes/${aliceInbox}`, { subscribed: false })).status).toBe(404);
    expect((await bob.request('DELETE', `/api/mailboxes/${aliceInbox}`)).status).toBe(404);
    expect((await bob.request('POST', '/api/messages/flags', { ids: [aliceMessage.id], add: ['\\Deleted'] })).status).toBe(404);
    // Mixing one's own id with a foreign one changes nothing at all.
    expect((await bob.request('POST', '/api/messages/flags', { ids: [bobMessage.id, aliceMessage.id], add: ['\\Flagged'] })).status).toBe(404);
    expect((await firstPage(bob, bobInbox)).items[0]!.flagged).toBe(false);
    expect((await bob.request('POST', '/api/messages/move', { ids: [aliceMessage.id], mailboxId: bobInbox })).status).toBe(404);
    expect((await bob.request('POST', '/api/messages/copy', { ids: [bobMessage.id], mailboxId: aliceInbox })).status).toBe(404);
    expect((await bob.request('POST', '/api/messages/delete', { ids: [aliceMessage.id], permanent: true })).status).toBe(404);
    expect((await bob.get(`/api/search?q=apple&mailboxId=${aliceInbox}`)).status).toBe(404);
    expect((await bob.get('/api/messages/99999999999')).status).toBe(404);
    expect((await bob.get('/api/messages/not-a-number')).status).toBe(404);
    const after = await firstPage(alice, aliceInbox);
    expect(after.items.find((i) => i.id === aliceMessage.id)).toMatchObject({ flagged: aliceMessage.flagged, keywords: aliceMessage.keywords });
    expect(after.items).toHaveLength(4);
  });
});
