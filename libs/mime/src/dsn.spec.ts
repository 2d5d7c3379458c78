import { describe, expect, it } from 'vitest';
import { buildDsn, FULL_RETURN_LIMIT, headerBlock } from './dsn';

const original = Buffer.from('From: a@x.test\r\nTo: b@y.test\r\nSubject: hi\r\n\r\nbody text\r\n');
const base = {
  reportingMta: 'mx.x.test',
  to: 'a@x.test',
  originalEnvelopeId: 'env1',
  arrivalDate: new Date('2026-11-22T10:00:00Z'),
  original,
  now: new Date('2026-11-22T11:00:00Z'),
  recipients: [{ address: 'b@y.test', orcpt: 'rfc822;B@y.test', action: 'failed' as const, status: '5.1.1', remoteMta: 'mx.y.test', diagnostic: '550 5.1.1 no\r\nsuch user' }],
};

describe('buildDsn (RFC 3464)', () => {
  it('is a multipart/report with per-message and per-recipient fields and the whole small original', () => {
    const dsn = buildDsn({ ...base, ret: null }).toString();
    expect(dsn).toMatch(/^From: Mail Delivery System <MAILER-DAEMON@mx\.x\.test>\r\nTo: <a@x\.test>\r\n/);
    expect(dsn).toMatch(/Content-Type: multipart\/report; report-type=delivery-status; boundary="([^"]+)"/);
    expect(dsn).toContain('Reporting-MTA: dns; mx.x.test\r\nOriginal-Envelope-Id: env1\r\nArrival-Date: Sun, 22 Nov 2026 10:00:00 +0000\r\n\r\n');
    expect(dsn).toContain(
      'Final-Recipient: rfc822; b@y.test\r\nOriginal-Recipient: rfc822;B@y.test\r\nAction: failed\r\nStatus: 5.1.1\r\nRemote-MTA: dns; mx.y.test\r\nDiagnostic-Code: smtp; 550 5.1.1 no such user\r\nLast-Attempt-Date: Sun, 22 Nov 2026 11:00:00 +0000',
    );
    expect(dsn).toContain('Content-Type: message/rfc822\r\nContent-Description: Undelivered message\r\n\r\nFrom: a@x.test');
    expect(dsn).toContain('body text');
    const boundary = /boundary="([^"]+)"/.exec(dsn)![1]!;
    expect(dsn.endsWith(`\r\n--${boundary}--\r\n`)).toBe(true);
  });

  it('returns only the header for RET=HDRS and for large messages', () => {
    const hdrs = buildDsn({ ...base, ret: 'HDRS' }).toString();
    expect(hdrs).toContain('Content-Type: text/rfc822-headers');
    expect(hdrs).not.toContain('body text');
    const big = Buffer.concat([original, Buffer.alloc(FULL_RETURN_LIMIT, 'x')]);
    expect(buildDsn({ ...base, ret: null, original: big }).length).toBeLessThan(FULL_RETURN_LIMIT);
    expect(buildDsn({ ...base, ret: 'FULL', original: big }).length).toBeGreaterThan(FULL_RETURN_LIMIT);
    expect(headerBlock(original).toString()).toBe('From: a@x.test\r\nTo: b@y.test\r\nSubject: hi\r\n');
  });
});
