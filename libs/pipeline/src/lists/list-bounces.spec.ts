import { describe, expect, it } from 'vitest';
import type { Store } from '@mailstead/store';
import { countListBounces, parseDeliveryStatus, processListBounceReport } from './list-bounces';

const report = (groups: string) =>
  Buffer.from(`Content-Type: multipart/report; report-type=delivery-status; boundary=x\r\n\r\n--x\r\nContent-Type: text/plain\r\n\r\nsorry\r\n--x\r\ncontent-type: Message/Delivery-Status\r\n\r\nReporting-MTA: dns; a\r\n\r\n${groups}\r\n--x--\r\n`);

describe('parseDeliveryStatus (RFC 3464 2.1-2.3)', () => {
  it('reads per-recipient groups, folded lines and Original-Recipient', () => {
    const raw = report('Original-Recipient: rfc822;orig@a.test\r\nFinal-Recipient: rfc822;\r\n <final@a.test>\r\nAction: Failed\r\nStatus: 5.2.2 (mailbox full)\r\n\r\nFinal-Recipient: rfc822; two@a.test\r\nAction: delayed');
    expect(parseDeliveryStatus(raw)).toEqual([
      { finalRecipient: 'final@a.test', originalRecipient: 'orig@a.test', action: 'failed', status: '5.2.2' },
      { finalRecipient: 'two@a.test', originalRecipient: null, action: 'delayed', status: null },
    ]);
  });

  it('finds a global delivery-status part (RFC 6533) and ignores non-rfc822 address types', () => {
    const raw = Buffer.from('Content-Type: multipart/report; boundary=y\r\n\r\n--y\r\nContent-Type: message/global-delivery-status\r\n\r\nReporting-MTA: dns; b\r\n\r\nFinal-Recipient: utf-8; zoë@b.test\r\nAction: failed\r\n\r\nFinal-Recipient: x400; whatever\r\nAction: failed\r\n--y--\r\n');
    expect(parseDeliveryStatus(raw).map((r) => r.finalRecipient)).toEqual(['zoë@b.test', null]);
  });

  it('never throws on junk: no part, a part without a body, binary noise', () => {
    expect(parseDeliveryStatus(Buffer.from('Subject: hello\r\n\r\nnot a report'))).toEqual([]);
    expect(parseDeliveryStatus(Buffer.from('Content-Type: message/delivery-status'))).toEqual([]);
    expect(parseDeliveryStatus(Buffer.from([0, 255, 10, 13, 10, 45, 45]))).toEqual([]);
    expect(parseDeliveryStatus(report('Action: failed\r\nno colon here'))).toEqual([{ finalRecipient: null, originalRecipient: null, action: 'failed', status: null }]);
  });
});

describe('list bounce counting', () => {
  const members = new Set(['gone@m.test', 'orig@a.test']);
  const calls: string[] = [];
  const store = {
    listBounces: {
      recordBounce: async (listId: number, address: string) => {
        calls.push(address);
        return members.has(address) ? { listId, member: address, bounceCount: 1, outcome: 'counted' as const } : null;
      },
    },
  } as unknown as Store;
  const list = { id: 7, address: 'team@l.test' };
  const policy = { threshold: 3, action: 'disable' as const };

  it('counts each failed member once, skipping addresses that are not members', async () => {
    calls.length = 0;
    const results = await countListBounces(store, list, ['Gone@M.test', 'gone@m.test', 'stranger@m.test'], policy);
    expect(results.map((r) => r.member)).toEqual(['gone@m.test']);
    expect(calls).toEqual(['gone@m.test', 'stranger@m.test']);
  });

  it('counts failed groups of a report only, falling back to Original-Recipient', async () => {
    calls.length = 0;
    const raw = report('Original-Recipient: rfc822; orig@a.test\r\nFinal-Recipient: rfc822; rewritten@a.test\r\nAction: failed\r\n\r\nFinal-Recipient: rfc822; gone@m.test\r\nAction: delayed');
    const results = await processListBounceReport(store, list, raw, policy);
    expect(results.map((r) => r.member)).toEqual(['orig@a.test']);
    expect(calls).toEqual(['rewritten@a.test', 'orig@a.test']);
  });
});
