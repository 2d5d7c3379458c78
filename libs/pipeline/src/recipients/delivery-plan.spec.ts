import { describe, expect, it } from 'vitest';
import { copyPart, listCopies, mergeRecipients } from './delivery-plan';
import { listCopy } from '../lists/list-post';
import { quotaVerdict, type ListDelivery, type LocalMailbox, type Resolution } from './recipient-resolver';

const box = (accountId: number): LocalMailbox => ({ accountId, address: `u${accountId}@x.test`, mailboxId: accountId * 10, folder: null, quotaBytes: 0n, usedBytes: 0n, messageCount: null });
const list: ListDelivery['list'] = { id: 1, address: 'team@x.test', name: 'Team', policy: 'open', replyTo: 'list', subjectPrefix: '[team]' };
const res = (address: string, r: Partial<Resolution>): Resolution => ({ address, local: true, mailboxes: [], remote: [], lists: [], ...r });

describe('mergeRecipients', () => {
  it('gives list members only the list copy, and everyone one copy', () => {
    const plan = mergeRecipients([
      { resolution: res('u1@x.test', { mailboxes: [box(1)] }) },
      { resolution: res('u2@x.test', { mailboxes: [box(2)] }) },
      { resolution: res('team@x.test', { lists: [{ list, held: false, mailboxes: [box(1), box(3)], remote: ['r@remote.test'] }] }) },
      { resolution: res('alias@x.test', { mailboxes: [box(2)], remote: ['r@remote.test', 'other@remote.test'] }) },
    ]);
    expect(plan.mailboxes.map((m) => m.accountId)).toEqual([2]);
    // a remote destination of a local alias is forwarded mail, not a recipient the client named
    expect(plan.remote).toEqual([]);
    expect(plan.forwarded).toEqual([{ via: 'alias@x.test', recipients: [{ address: 'other@remote.test', notify: [], orcpt: 'rfc822;alias@x.test' }] }]);
    expect(plan.lists).toHaveLength(1);
  });

  it('groups forwarded destinations by the forwarding domain; one the client also names directly goes out once, unforwarded', () => {
    const plan = mergeRecipients([
      { resolution: res('a@x.test', { remote: ['r1@remote.test', 'both@remote.test'] }) },
      { resolution: res('b@x.test', { remote: ['r2@remote.test'] }) },
      { resolution: res('c@y.test', { remote: ['r3@remote.test'] }) },
      { resolution: res('both@remote.test', { local: false, remote: ['both@remote.test'] }), orcpt: 'rfc822;both@remote.test' },
    ]);
    expect(plan.remote).toEqual([{ address: 'both@remote.test', notify: [], orcpt: 'rfc822;both@remote.test' }]);
    expect(plan.forwarded.map((f) => [f.via, f.recipients.map((r) => r.address)])).toEqual([
      ['a@x.test', ['r1@remote.test', 'r2@remote.test']],
      ['c@y.test', ['r3@remote.test']],
    ]);
  });

  it('keeps the direct copy when the list post is held for moderation', () => {
    const plan = mergeRecipients([
      { resolution: res('u1@x.test', { mailboxes: [box(1)] }) },
      { resolution: res('team@x.test', { lists: [{ list, held: true, mailboxes: [box(1)], remote: [] }] }) },
    ]);
    expect(plan.mailboxes.map((m) => m.accountId)).toEqual([1]);
  });
});

describe('listCopy', () => {
  it('adds the list fields, prefixes the subject once, replaces Reply-To and old list fields', () => {
    const raw = Buffer.from('From: a@b\r\nSubject: hello\r\nReply-To: a@b\r\nList-Id: <old.list>\r\n\r\nbody\r\n');
    const copy = listCopy(raw, list, 'https://mail.x.test/api/lists/unsubscribe/t').toString();
    expect(copy).toMatch(/^From: a@b\r\nSubject: \[team\] hello\r\nList-Id: "Team" <team\.x\.test>\r\n/);
    expect(copy).not.toContain('old.list');
    expect(copy).not.toContain('Reply-To: a@b');
    expect(copy).toContain('Reply-To: <team@x.test>\r\n\r\nbody\r\n');
    expect(listCopy(Buffer.from(copy), list, 'https://mail.x.test/api/lists/unsubscribe/t').toString()).toContain('Subject: [team] hello\r\n');
  });
});

describe('message quota', () => {
  it('quotaVerdict: an account holding the limit already is full (452 4.2.2); below it, or without a limit, it is not', () => {
    const at = (messageCount: number | null) => ({ ...box(1), messageCount });
    expect(quotaVerdict(at(5), 100, 5)?.line).toBe('452 4.2.2 Mailbox full, try again later');
    expect(quotaVerdict(at(7), 100, 5)?.line).toBe('452 4.2.2 Mailbox full, try again later');
    expect(quotaVerdict(at(4), 100, 5)).toBeNull();
    expect(quotaVerdict(at(5), 100, 0)).toBeNull();
    expect(quotaVerdict(at(null), 100, 5)).toBeNull();
    // a message that can never fit the storage quota stays a permanent 552
    expect(quotaVerdict({ ...at(5), quotaBytes: 10n }, 100, 5)?.line).toBe('552 5.2.2 Message exceeds the mailbox quota');
  });

  it('listCopies leaves out a member at the limit and asks the store to hold the others to it, skipping rather than failing', () => {
    const delivery: ListDelivery = { list, held: false, mailboxes: [{ ...box(1), messageCount: 3 }, { ...box(2), messageCount: 2 }], remote: [] };
    const parts = listCopies(Buffer.from('Subject: hi\r\n\r\nbody\r\n'), delivery, { messageLimit: 3 }).local.map((c) => copyPart(c, 3));
    expect(parts.map((p) => p.targets)).toEqual([[{ mailboxId: 20 }]]);
    expect(parts[0]!.options).toEqual({ limits: { messageLimit: 3 }, skipOverQuota: true });
  });
});
