import { describe, expect, it } from 'vitest';
import { copyPart, listCopies } from '../recipients/delivery-plan';
import type { DeliveryPart } from '../recipients/delivery-plan';
import type { ListDelivery, LocalMailbox } from '../recipients/recipient-resolver';
import { unsubscribeToken, unsubscribeUrl, verifyUnsubscribeToken } from './unsubscribe-token';

const secret = Buffer.from('unit-test-secret');

describe('one-click unsubscribe tokens (RFC 8058)', () => {
  it('round-trips list id and member (lower-cased), URL-safe', () => {
    const token = unsubscribeToken(secret, { listId: 42, member: 'Bob.Smith+x@Example.TEST' });
    expect(token).toMatch(/^42\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
    expect(verifyUnsubscribeToken(secret, token)).toEqual({ listId: 42, member: 'bob.smith+x@example.test' });
    expect(unsubscribeUrl('https://mail.x.test', secret, { listId: 42, member: 'b@x.test' })).toMatch(/^https:\/\/mail\.x\.test\/api\/lists\/unsubscribe\/42\./);
  });

  it('refuses another secret, another list id, another member, a changed MAC and garbage', () => {
    const token = unsubscribeToken(secret, { listId: 7, member: 'a@x.test' });
    const [id, member, mac] = token.split('.') as [string, string, string];
    expect(verifyUnsubscribeToken(Buffer.from('other-secret'), token)).toBeNull();
    expect(verifyUnsubscribeToken(secret, `8.${member}.${mac}`)).toBeNull();
    expect(verifyUnsubscribeToken(secret, `${id}.${Buffer.from('b@x.test').toString('base64url')}.${mac}`)).toBeNull();
    const flipped = mac.slice(0, -1) + (mac.endsWith('A') ? 'B' : 'A');
    expect(verifyUnsubscribeToken(secret, `${id}.${member}.${flipped}`)).toBeNull();
    for (const bad of ['', '7', '7..', `0.${member}.${mac}`, `${token}.x`, `7.${member}=.${mac}`, 'x'.repeat(5000)]) expect(verifyUnsubscribeToken(secret, bad)).toBeNull();
  });
});

describe('listCopies', () => {
  const partsOf = (c: { local: Parameters<typeof copyPart>[0][]; outbound: DeliveryPart[] }) => [...c.local.map((l) => copyPart(l, 0)), ...c.outbound];
  const box = (accountId: number, address: string): LocalMailbox => ({ accountId, address, mailboxId: accountId * 10, folder: null, quotaBytes: 0n, usedBytes: 0n, messageCount: null });
  const list: ListDelivery['list'] = { id: 3, address: 'team@x.test', name: 'Team', policy: 'open', replyTo: 'list', subjectPrefix: null };
  const raw = Buffer.from('From: a@b\r\nSubject: hi\r\n\r\nbody\r\n');

  it('gives every member a copy with its own link, naming the membership that brought it (alias, nested list)', () => {
    const delivery: ListDelivery = {
      list,
      held: false,
      mailboxes: [box(1, 'u1@x.test'), box(2, 'u2@x.test')],
      remote: ['r@remote.test'],
      via: new Map([['account:2', { listId: 9, address: 'alias2@x.test' }]]),
    };
    const parts = partsOf(listCopies(raw, delivery, { links: { publicUrl: 'https://m.x.test', secret } }));
    expect(parts).toHaveLength(3);
    const claims = parts.map((p) => verifyUnsubscribeToken(secret, /List-Unsubscribe: <https:\/\/m\.x\.test\/api\/lists\/unsubscribe\/([^>]+)>/.exec(p.raw.toString())![1]!));
    expect(claims).toEqual([{ listId: 3, member: 'u1@x.test' }, { listId: 9, member: 'alias2@x.test' }, { listId: 3, member: 'r@remote.test' }]);
    expect(parts[0]!.raw.toString()).toMatch(/^Return-Path: <team-bounces@x\.test>\r\nDelivered-To: u1@x\.test\r\n/);
    expect(parts[2]!.options?.outbound).toEqual({ sender: 'team-bounces@x.test', recipients: [{ address: 'r@remote.test' }] });
  });

  it('without links carries no List-Unsubscribe (there would be nothing to answer it)', () => {
    const parts = partsOf(listCopies(raw, { list, held: false, mailboxes: [box(1, 'u1@x.test')], remote: [] }, {}));
    expect(parts[0]!.raw.toString()).not.toContain('List-Unsubscribe');
    expect(parts[0]!.raw.toString()).toContain('List-Id: "Team" <team.x.test>');
  });
});
