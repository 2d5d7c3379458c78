import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleMessage } from '@mailstead/testing';
import { addUser, Client, startApi, type ApiHarness } from './api-harness';

let api: ApiHarness;
let alice: Client;
let bob: Client;
let aliceInbox: number;
let bobInbox: number;

interface SseEvent {
  id?: string;
  event: string;
  data: Record<string, unknown>;
}

/** Reads Server-Sent Events from a streaming fetch, one at a time. */
class EventReader {
  private buffer = '';
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private readonly decoder = new TextDecoder();

  constructor(
    readonly response: Response,
    private readonly abort: AbortController,
  ) {
    this.reader = response.body!.getReader();
  }

  async next(): Promise<SseEvent> {
    for (;;) {
      const end = this.buffer.indexOf('\n\n');
      if (end >= 0) {
        const block = this.buffer.slice(0, end);
        this.buffer = this.buffer.slice(end + 2);
        const fields: Record<string, string> = {};
        for (const line of block.split('\n')) {
          if (line.startsWith(':')) continue;
          const i = line.indexOf(':');
          fields[line.slice(0, i)] = line.slice(i + 1).trimStart();
        }
        if (fields.event) return { id: fields.id, event: fields.event, data: JSON.parse(fields.data ?? 'null') as Record<string, unknown> };
        continue;
      }
      const { value, done } = await this.reader.read();
      if (done) throw new Error('stream ended');
      this.buffer += this.decoder.decode(value, { stream: true });
    }
  }

  close(): void {
    this.abort.abort();
  }
}

async function openEvents(c: Client, headers: Record<string, string> = {}): Promise<EventReader> {
  const abort = new AbortController();
  const res = await fetch(`${c.base}/api/events`, { headers: { cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; '), ...headers }, signal: abort.signal });
  return new EventReader(res, abort);
}

beforeAll(async () => {
  api = await startApi();
  const a = await addUser(api.db, 'alice@events.test', 'alice-password');
  const b = await addUser(api.db, 'bob@events.test', 'bob-password');
  aliceInbox = (await api.db.store.mailboxes.findByName(a.id, 'INBOX'))!.id;
  bobInbox = (await api.db.store.mailboxes.findByName(b.id, 'INBOX'))!.id;
  alice = new Client(api.base);
  bob = new Client(api.base);
  await alice.login('alice@events.test', 'alice-password');
  await bob.login('bob@events.test', 'bob-password');
});
afterAll(async () => api?.stop());

describe('GET /api/events', () => {
  it('needs a session', async () => {
    expect((await fetch(`${api.base}/api/events`)).status).toBe(401);
  });

  it('streams new mail, flag changes and expunges of the own account only, with counts', async () => {
    const aliceEvents = await openEvents(alice);
    const bobEvents = await openEvents(bob);
    expect(aliceEvents.response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    // A change to Alice's INBOX from outside the API (as SMTP delivery or IMAP would do it).
    const [stored] = await api.db.store.messages.append(aliceInbox, [{ raw: sampleMessage(1) }]);
    const appended = await aliceEvents.next();
    expect(appended).toMatchObject({ event: 'change', id: `${aliceInbox}:${stored!.modseq}`, data: { mailboxId: aliceInbox, kind: 'append', total: 1, unread: 1 } });
    await alice.json('POST', '/api/messages/flags', { ids: [String(stored!.id)], add: ['\\Seen'] });
    expect(await aliceEvents.next()).toMatchObject({ event: 'change', data: { mailboxId: aliceInbox, kind: 'flags', total: 1, unread: 0 } });
    await alice.json('POST', '/api/messages/delete', { ids: [String(stored!.id)], permanent: true });
    // one expunge, not a \Deleted flag change first (the store's one expunge takes the UIDs as they are)
    const deleted = await aliceEvents.next();
    expect(deleted).toMatchObject({ event: 'change', data: { mailboxId: aliceInbox, kind: 'expunge', total: 0, unread: 0 } });
    const box = (await api.db.store.mailboxes.findById(aliceInbox))!;
    expect(deleted.id).toBe(`${aliceInbox}:${box.highestModseq}`);
    // Bob's stream saw none of that: his first event is about his own mailbox.
    await api.db.store.messages.append(bobInbox, [{ raw: sampleMessage(2) }]);
    expect(await bobEvents.next()).toMatchObject({ event: 'change', data: { mailboxId: bobInbox, kind: 'append' } });
    aliceEvents.close();
    bobEvents.close();
  });

  it('answers a reconnect with Last-Event-ID by a sync event carrying every mailbox count', async () => {
    const events = await openEvents(alice, { 'last-event-id': `${aliceInbox}:1` });
    const first = await events.next();
    expect(first.event).toBe('sync');
    const boxes = first.data.mailboxes as { name: string; total: number }[];
    expect(boxes.map((b) => b.name)).toEqual(expect.arrayContaining(['INBOX', 'Sent', 'Trash']));
    events.close();
  });

  it('ends open streams when the server shuts down instead of holding the shutdown', async () => {
    const second = await startApi();
    await addUser(second.db, 'carol@events.test', 'carol-password');
    const carol = new Client(second.base);
    await carol.login('carol@events.test', 'carol-password');
    const events = await openEvents(carol);
    await second.stop();
    await expect(events.next()).rejects.toThrow();
  });
});
