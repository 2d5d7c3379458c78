import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMessage } from '@mailstead/mime';
import { sampleMessage } from '@mailstead/testing';
import { addUser, Client, startApi, type ApiHarness } from '../api/api-harness';

/** The API endpoints the webmail added this session: the display name and the conversation of a message. */
let api: ApiHarness;
let alice: Client;
let bob: Client;
let aliceId: number;

async function box(accountId: number, name: string) {
  return (await api.db.store.mailboxes.findByName(accountId, name))!;
}

beforeAll(async () => {
  api = await startApi();
  aliceId = (await addUser(api.db, 'alice@thread.test', 'alice-password')).id;
  await addUser(api.db, 'bob@thread.test', 'bob-password');
  alice = new Client(api.base);
  bob = new Client(api.base);
  await alice.login('alice@thread.test', 'alice-password');
  await bob.login('bob@thread.test', 'bob-password');
});
afterAll(async () => api?.stop());

describe('display name', () => {
  it('is saved, shown by /me and sent in the From header; an empty name removes it', async () => {
    const me = await alice.json('PATCH', '/api/auth/profile', { displayName: '  Alice Liddell ' });
    expect(me.account.displayName).toBe('Alice Liddell');
    expect((await alice.json('GET', '/api/auth/me')).account.displayName).toBe('Alice Liddell');

    await alice.json('POST', '/api/send', { from: 'alice@thread.test', to: ['bob@thread.test'], subject: 'Named', text: 'hi' });
    const bobId = (await api.db.store.accounts.findByAddress('bob@thread.test'))!.id;
    const inbox = await box(bobId, 'INBOX');
    const [m] = await api.db.store.messages.list(inbox.id);
    expect(parseMessage(await api.db.store.messages.raw(inbox.id, m!.uid)).from).toEqual([{ name: 'Alice Liddell', address: 'alice@thread.test' }]);

    expect((await alice.json('PATCH', '/api/auth/profile', { displayName: '' })).account.displayName).toBeNull();
    expect((await api.db.store.accounts.findByAddress('alice@thread.test'))!.displayName).toBeNull();
  });

  it('refuses control characters and overlong names with a field error, and needs a session and the CSRF token', async () => {
    const bad = await alice.json('PATCH', '/api/auth/profile', { displayName: 'Evil\r\nBcc: x@y' }, 400);
    expect(bad.error.fields.displayName).toBeTruthy();
    await alice.json('PATCH', '/api/auth/profile', { displayName: 'x'.repeat(201) }, 400);
    expect((await new Client(api.base).request('PATCH', '/api/auth/profile', { displayName: 'x' })).status).toBe(401);
    expect((await alice.request('PATCH', '/api/auth/profile', { displayName: 'x' }, { 'x-csrf-token': 'wrong' })).status).toBe(403);
  });
});

describe('conversation of a message', () => {
  it('lists the thread oldest first across folders (own reply in Sent), without Trash, and 404s for other accounts', async () => {
    const inbox = await box(aliceId, 'INBOX');
    const first = sampleMessage(1, { subject: 'Trip plans', from: 'Bob <bob@thread.test>', to: 'alice@thread.test', body: 'Where shall we go?' });
    const [stored] = await api.db.store.messages.append(inbox.id, [{ raw: first, internalDate: new Date('2026-11-01T10:00:00Z') }]);
    const firstId = stored!.id.toString();
    // Alice answers from the webmail: her copy lands in Sent, in the same thread.
    await alice.json('POST', '/api/send', { from: 'alice@thread.test', to: ['bob@thread.test'], subject: 'Re: Trip plans', text: 'The sea!', inReplyToId: firstId });
    // An unrelated message stays out.
    await api.db.store.messages.append(inbox.id, [{ raw: sampleMessage(2, { subject: 'Other', from: 'carol@else.test' }), internalDate: new Date('2026-11-02T10:00:00Z') }]);

    const thread = await alice.json('GET', `/api/messages/${firstId}/thread`);
    expect(thread.items.map((m: { subject: string }) => m.subject)).toEqual(['Trip plans', 'Re: Trip plans']);
    const sent = await box(aliceId, 'Sent');
    expect(thread.items[1].mailboxId).toBe(sent.id);
    expect(new Set(thread.items.map((m: { threadId: string }) => m.threadId)).size).toBe(1);

    // Her reply moved to Trash leaves the conversation seen from the inbox.
    await alice.json('POST', '/api/messages/delete', { ids: [thread.items[1].id] });
    expect((await alice.json('GET', `/api/messages/${firstId}/thread`)).items.map((m: { subject: string }) => m.subject)).toEqual(['Trip plans']);

    await bob.json('GET', `/api/messages/${firstId}/thread`, undefined, 404);
    await alice.json('GET', '/api/messages/abc/thread', undefined, 404);
  });
});

describe('rich-text mail', () => {
  it('sends html and text as multipart/alternative', async () => {
    await alice.json('POST', '/api/send', { from: 'alice@thread.test', to: ['bob@thread.test'], subject: 'Rich', text: 'Hello *bold*', html: '<p>Hello <strong>bold</strong></p>' });
    const bobId = (await api.db.store.accounts.findByAddress('bob@thread.test'))!.id;
    const inbox = await box(bobId, 'INBOX');
    const rich = (await api.db.store.messages.list(inbox.id)).find((m) => m.subject === 'Rich')!;
    const raw = (await api.db.store.messages.raw(inbox.id, rich.uid)).toString();
    expect(raw).toMatch(/content-type: multipart\/alternative/i);
    expect(raw).toMatch(/content-type: text\/plain/i);
    expect(raw).toMatch(/content-type: text\/html/i);
  });
});
