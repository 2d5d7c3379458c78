import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMessage } from '@mailstead/mime';
import { addUser, Client, startApi, type ApiHarness } from './api-harness';

let api: ApiHarness;
let alice: Client;
let bob: Client;
const ids: Record<string, number> = {};

async function box(account: string, name: string) {
  const a = await api.db.store.accounts.findByAddress(account);
  return (await api.db.store.mailboxes.findByName(a!.id, name))!;
}

async function rawOf(mailboxId: number, uid: number) {
  return api.db.store.messages.raw(mailboxId, uid);
}

beforeAll(async () => {
  api = await startApi();
  for (const name of ['alice', 'bob', 'dave']) ids[name] = (await addUser(api.db, `${name}@compose.test`, `${name}-password`)).id;
  await api.db.store.aliases.create('team@compose.test', ['bob@compose.test', 'erin@remote-two.example']);
  await api.db.store.aliases.create('sales@compose.test', ['alice@compose.test']);
  alice = new Client(api.base);
  bob = new Client(api.base);
  await alice.login('alice@compose.test', 'alice-password');
  await bob.login('bob@compose.test', 'bob-password');
});
afterAll(async () => api?.stop());

describe('sending', () => {
  it('stores a Sent copy, delivers to local INBOXes (aliases expanded, Bcc too) and queues remote recipients per domain', async () => {
    const result = await alice.json('POST', '/api/send', {
      from: 'alice@compose.test',
      to: ['bob@compose.test', { name: 'The Team', address: 'team@compose.test' }],
      cc: ['carol@remote-one.example'],
      bcc: ['dave@compose.test', 'hidden@remote-one.example'],
      subject: 'Lunch on Friday?',
      text: 'Pizza at noon.',
    });
    expect(result).toMatchObject({ localRecipients: 2, remoteRecipients: 3 });
    expect(result.messageIdHeader).toMatch(/^<[0-9a-f-]+@compose\.test>$/);

    const sent = await box('alice@compose.test', 'Sent');
    const [sentCopy] = await api.db.store.messages.list(sent.id);
    expect(sentCopy).toMatchObject({ seen: true, subject: 'Lunch on Friday?' });
    expect(sentCopy!.id.toString()).toBe(result.sentId);
    const parsed = parseMessage(await rawOf(sent.id, sentCopy!.uid));
    expect(parsed.messageId).toBe(result.messageIdHeader);
    expect(parsed.date).toBeInstanceOf(Date);
    // the Sent copy keeps Bcc, as with SMTP submission and Thunderbird; delivered copies lose it (RFC 5322 3.6.3)
    expect(parsed.bcc.map((a) => a.address)).toEqual(['dave@compose.test', 'hidden@remote-one.example']);

    for (const who of ['bob', 'dave']) {
      const inbox = await box(`${who}@compose.test`, 'INBOX');
      const messages = await api.db.store.messages.list(inbox.id);
      expect(messages.map((m) => m.subject)).toEqual(['Lunch on Friday?']);
      expect(messages[0]!.seen).toBe(false);
      expect((await rawOf(inbox.id, messages[0]!.uid)).toString()).not.toMatch(/^bcc:/im);
    }
    const queue = await api.db.store.outbound.list();
    expect(queue.map((q) => [q.domain, q.sender, q.recipients.map((r) => r.address).sort()]).sort()).toEqual([
      ['remote-one.example', 'alice@compose.test', ['carol@remote-one.example', 'hidden@remote-one.example']],
      ['remote-two.example', 'alice@compose.test', ['erin@remote-two.example']],
    ]);
  });

  it('refuses a sender address the account does not own, but accepts its own aliases', async () => {
    const res = await alice.request('POST', '/api/send', { from: 'bob@compose.test', to: ['dave@compose.test'], subject: 'spoof', text: 'x' });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { fields: Record<string, string[]> } }).error.fields.from).toEqual(['You may not send as bob@compose.test: it is not one of your addresses']);
    await alice.json('POST', '/api/send', { from: 'sales@compose.test', to: ['dave@compose.test'], subject: 'from the alias', text: 'x' });
  });

  it('validates the request: no recipients, bad addresses, unknown local recipients', async () => {
    expect((await alice.request('POST', '/api/send', { from: 'alice@compose.test', subject: 'x' })).status).toBe(400);
    const bad = await alice.request('POST', '/api/send', { from: 'alice@compose.test', to: ['not an address'] });
    expect(bad.status).toBe(400);
    expect(Object.keys(((await bad.json()) as { error: { fields: Record<string, string[]> } }).error.fields)).toEqual(['to.0']);
    const unknown = await alice.request('POST', '/api/send', { from: 'alice@compose.test', to: ['ghost@compose.test'], text: 'x' });
    expect(unknown.status).toBe(400);
    // a sentence a person understands, naming the address and the SMTP reason (issue 16)
    expect(((await unknown.json()) as { error: { message: string } }).error.message).toBe('Not sent: ghost@compose.test: No such user here (5.1.1)');
  });

  it('resolves recipients like SMTP RCPT (libs/pipeline RecipientResolver): plus-addressing, lists with their policies, refusals with the SMTP reply', async () => {
    await api.db.store.mailboxes.create(ids.bob!, 'receipts');
    const open = await api.db.store.lists.create({ address: 'club@compose.test', name: 'Club', policy: 'open', subjectPrefix: '[club]' });
    await api.db.store.lists.addMember(open.address, 'dave@compose.test');
    await api.db.store.lists.addMember(open.address, 'far@remote-three.example');
    const moderated = await api.db.store.lists.create({ address: 'board@compose.test', name: 'Board', policy: 'moderated' });
    await api.db.store.lists.addMember(moderated.address, 'dave@compose.test');

    const result = await alice.json('POST', '/api/send', { from: 'alice@compose.test', to: ['bob+receipts@compose.test', 'club@compose.test', 'board@compose.test'], subject: 'Resolver check', text: 'x' });
    expect(result).toMatchObject({ localRecipients: 2, remoteRecipients: 1 });
    const receipts = await box('bob@compose.test', 'receipts');
    expect((await api.db.store.messages.list(receipts.id)).map((m) => m.subject)).toEqual(['Resolver check']);
    // The list copy carries the list's headers and prefix, as over SMTP.
    const daveInbox = await box('dave@compose.test', 'INBOX');
    const listCopy = (await api.db.store.messages.list(daveInbox.id)).find((m) => /Resolver check/.test(m.subject ?? ''))!;
    expect(listCopy.subject).toBe('[club] Resolver check');
    expect((await rawOf(daveInbox.id, listCopy.uid)).toString()).toMatch(/^List-Id: .*club\.compose\.test/im);
    // The moderated list holds the post instead of sending it.
    expect((await api.db.store.recipients.moderationQueue('board@compose.test')).map((m) => m.sender)).toEqual(['alice@compose.test']);
    const remote = (await api.db.store.outbound.list({ domain: 'remote-three.example' }))[0]!;
    expect(await api.deliveryQueue.queue.getJob(`outbound-${remote.id}`)).toBeTruthy();

    await api.db.store.admin.updateUser(ids.dave!, { enabled: false });
    const refused = await alice.request('POST', '/api/send', { from: 'alice@compose.test', to: ['dave@compose.test', 'nobody@compose.test'], subject: 'x', text: 'x' });
    expect(refused.status).toBe(400);
    const fields = ((await refused.json()) as { error: { fields: { to: string[] } } }).error.fields.to;
    expect(fields).toEqual([expect.stringMatching(/^dave@compose\.test: .*\(5\.2\.1\)$/), expect.stringMatching(/^nobody@compose\.test: .*\(5\.1\.1\)$/)]);
    await api.db.store.admin.updateUser(ids.dave!, { enabled: true });
  });

  it('sends postmaster mail to the first admin when no postmaster address exists, as SMTP does (one resolver, RFC 5321 4.5.1)', async () => {
    await addUser(api.db, 'admin@mailstead.test', 'admin-password', 'admin');
    const result = await alice.json('POST', '/api/send', { from: 'alice@compose.test', to: ['postmaster@compose.test'], subject: 'Abuse report', text: 'x' });
    expect(result).toMatchObject({ localRecipients: 1, remoteRecipients: 0 });
    const inbox = await box('admin@mailstead.test', 'INBOX');
    const [delivered] = await api.db.store.messages.list(inbox.id);
    expect(delivered).toMatchObject({ subject: 'Abuse report' });
    // delivered like SMTP's copies: Return-Path and a Delivered-To naming the final recipient (RFC 5321 4.4)
    expect((await rawOf(inbox.id, delivered!.uid)).toString()).toMatch(/^Return-Path: <alice@compose\.test>\r\nDelivered-To: admin@mailstead\.test\r\n/);
  });

  it('replies with In-Reply-To and References, threads the reply and marks the original answered', async () => {
    const bobInbox = await box('bob@compose.test', 'INBOX');
    const [original] = await api.db.store.messages.list(bobInbox.id);
    const originalDetail = await bob.json('GET', `/api/messages/${original!.id}`);
    await bob.json('POST', '/api/send', { from: 'bob@compose.test', to: ['alice@compose.test'], subject: 'Re: Lunch on Friday?', text: '> Pizza at noon.\n\nYes!', inReplyToId: String(original!.id) });
    const aliceInbox = await box('alice@compose.test', 'INBOX');
    const [reply] = await api.db.store.messages.list(aliceInbox.id);
    const parsed = parseMessage(await rawOf(aliceInbox.id, reply!.uid));
    expect(parsed.inReplyTo).toBe(originalDetail.messageIdHeader);
    expect(parsed.references).toEqual([originalDetail.messageIdHeader]);
    expect((await bob.json('GET', `/api/messages/${original!.id}`)).answered).toBe(true);
    // Alice's reply lands in the same thread as her Sent copy.
    const sentThread = (await api.db.store.messages.list((await box('alice@compose.test', 'Sent')).id))[0]!.threadId;
    expect(reply!.threadId).toBe(sentThread);
    // Another account's message cannot be the parent.
    expect((await alice.request('POST', '/api/send', { from: 'alice@compose.test', to: ['bob@compose.test'], text: 'x', inReplyToId: String(original!.id) })).status).toBe(404);
  });

  it('attaches uploaded files; an upload belongs to the account that made it', async () => {
    const form = new FormData();
    form.append('file', new Blob([Buffer.from('col1,col2\n1,2\n')], { type: 'text/csv' }), 'numbers.csv');
    const upload = await alice.json('POST', '/api/uploads', form, 201);
    expect(upload).toMatchObject({ filename: 'numbers.csv', contentType: 'text/csv', size: 14 });
    expect((await bob.request('POST', '/api/send', { from: 'bob@compose.test', to: ['dave@compose.test'], text: 'x', attachments: [upload.id] })).status).toBe(400);
    await alice.json('POST', '/api/send', { from: 'alice@compose.test', to: ['bob@compose.test'], subject: 'numbers', text: 'see attached', attachments: [upload.id] });
    const bobInbox = await box('bob@compose.test', 'INBOX');
    const received = (await api.db.store.messages.list(bobInbox.id)).find((m) => m.subject === 'numbers')!;
    const detail = await bob.json('GET', `/api/messages/${received.id}`);
    expect(detail.attachments).toEqual([expect.objectContaining({ filename: 'numbers.csv', contentType: 'text/csv' })]);
    const file = await bob.get(detail.attachments[0].url);
    expect(await file.text()).toBe('col1,col2\n1,2\n');
    expect((await alice.request('POST', '/api/uploads', { not: 'multipart' })).status).toBe(400);
  });
});

describe('drafts', () => {
  it('saves a draft in Drafts (\\Draft, Bcc kept), replaces it, and removes it when sent', async () => {
    const drafts = await box('alice@compose.test', 'Drafts');
    const first = await alice.json('POST', '/api/drafts', { from: 'alice@compose.test', to: ['bob@compose.test'], bcc: ['dave@compose.test'], subject: 'Plan', text: 'v1' });
    expect(first.mailboxId).toBe(drafts.id);
    const second = await alice.json('POST', '/api/drafts', { from: 'alice@compose.test', to: ['bob@compose.test'], bcc: ['dave@compose.test'], subject: 'Plan', text: 'v2', draftId: first.id });
    const stored = await api.db.store.messages.list(drafts.id);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ draft: true, seen: true });
    expect(stored[0]!.id.toString()).toBe(second.id);
    const raw = (await rawOf(drafts.id, stored[0]!.uid)).toString();
    expect(raw).toContain('v2');
    expect(raw).toMatch(/^Bcc: dave@compose.test/m);
    expect((await alice.json('GET', `/api/messages/${second.id}`)).draft).toBe(true);
    await alice.json('POST', '/api/send', { from: 'alice@compose.test', to: ['bob@compose.test'], subject: 'Plan', text: 'final', draftId: second.id });
    expect(await api.db.store.messages.list(drafts.id)).toEqual([]);
    expect((await bob.request('POST', '/api/drafts', { from: 'bob@compose.test', text: 'x', draftId: second.id })).status).toBe(404);
  });
});

describe('reply and forward forms', () => {
  it('fills in reply, reply-all (without the own address) and forward (with the attachments uploaded again)', async () => {
    await alice.json('POST', '/api/send', {
      from: 'alice@compose.test',
      to: ['bob@compose.test', 'dave@compose.test'],
      cc: ['carol@remote-one.example'],
      subject: 'Quarterly plan',
      text: 'Line one\n> earlier quote',
    });
    const inbox = await box('bob@compose.test', 'INBOX');
    const original = (await api.db.store.messages.list(inbox.id)).find((m) => m.subject === 'Quarterly plan')!;
    const reply = await bob.json('GET', `/api/messages/${original.id}/reply`);
    expect(reply).toMatchObject({ from: 'bob@compose.test', to: [{ address: 'alice@compose.test' }], cc: [], subject: 'Re: Quarterly plan', inReplyToId: String(original.id) });
    expect(reply.text).toMatch(/wrote:\n> Line one\n>> earlier quote/);
    const all = await bob.json('GET', `/api/messages/${original.id}/reply?mode=all`);
    expect(all.to.map((a: { address: string }) => a.address)).toEqual(['alice@compose.test', 'dave@compose.test']);
    expect(all.cc.map((a: { address: string }) => a.address)).toEqual(['carol@remote-one.example']);

    const withFile = (await api.db.store.messages.list(inbox.id)).find((m) => m.subject === 'numbers')!;
    const forward = await bob.json('GET', `/api/messages/${withFile.id}/reply?mode=forward`);
    expect(forward).toMatchObject({ subject: 'Fwd: numbers', to: [] });
    expect(forward.text).toContain('---------- Forwarded message ----------');
    expect(forward.attachments).toHaveLength(1);
    await bob.json('POST', '/api/send', { from: 'bob@compose.test', to: ['dave@compose.test'], subject: forward.subject, text: forward.text, attachments: forward.attachments.map((a: { id: string }) => a.id) });
    const daveInbox = await box('dave@compose.test', 'INBOX');
    const forwarded = (await api.db.store.messages.list(daveInbox.id)).find((m) => m.subject === 'Fwd: numbers')!;
    const raw = (await rawOf(daveInbox.id, forwarded.uid)).toString();
    expect(raw).toContain('numbers.csv');
    expect((await alice.get(`/api/messages/${withFile.id}/reply`)).status).toBe(404);
    expect((await bob.get(`/api/messages/${withFile.id}/reply?mode=bounce`)).status).toBe(400);
  });
});
