import { describe, expect, it } from 'vitest';
import { envelope, messageUnderCheck } from '../test-support/pipeline-fixtures';
import { submissionHeadersStep } from './submission-headers.step';

describe('submission-headers step (RFC 6409 8, RFC 5322 3.6.3)', () => {
  const owned = new Set(['me@local.test']);
  const step = submissionHeadersStep({ accounts: { canSendAs: async (_id: number, a: string) => owned.has(a.toLowerCase()) } } as never, 'mail.local.test');
  const submitted = envelope({ source: 'submission', sender: 'me@local.test', submitter: { accountId: 1, address: 'me@local.test' } });

  it('adds From, Date and Message-ID when missing; Bcc stays in the Sent copy only', async () => {
    const message = messageUnderCheck('To: you@remote.test\r\nBcc: secret@remote.test\r\nSubject: hi\r\n\r\nbody\r\n', { envelope: submitted });
    expect(await step.message!(message)).toBeUndefined();
    const delivered = message.raw.toString('latin1');
    expect(delivered).toMatch(/^To: you@remote\.test\r\nSubject: hi\r\nFrom: <me@local\.test>\r\nDate: \w{3}, \d{1,2} \w{3} \d{4} [\d:]{8} \+0000\r\nMessage-ID: <[^@]+@mail\.local\.test>\r\n\r\nbody\r\n$/);
    expect(delivered).not.toMatch(/^bcc:/im);
    expect(message.sentCopy!.toString('latin1')).toMatch(/^To: you@remote\.test\r\nBcc: secret@remote\.test\r\nSubject: hi\r\nFrom: <me@local\.test>\r\nDate: /);
  });

  it('leaves a complete message as it is', async () => {
    const raw = 'From: Me <me@local.test>\r\nDate: Mon, 1 Jan 2026 00:00:00 +0000\r\nMessage-ID: <a@b>\r\nSubject: hi\r\n\r\nbody\r\n';
    const message = messageUnderCheck(raw, { envelope: submitted });
    await step.message!(message);
    expect(message.raw.toString('latin1')).toBe(raw);
    expect(message.sentCopy!.toString('latin1')).toBe(raw);
  });

  it('refuses a From: address the submitter may not send as (553 5.7.1)', async () => {
    const message = messageUnderCheck('From: me@local.test, ceo@local.test\r\nSubject: hi\r\n\r\n', { envelope: submitted });
    expect((await step.message!(message))?.line).toMatch(/^553 5\.7\.1 /);
  });

  // Issue 19 item 5: the webmail shows a display name that is an address as the sender.
  it.each([
    ['an encoded word', 'From: =?utf-8?q?sec2=40example=2Etest?='],
    ['an encoded word beside an owned mailbox', 'From: =?utf-8?q?sec2=40example=2Etest?= <me@local.test>'],
    ['a base64 encoded word', `From: =?utf-8?b?${Buffer.from('ceo@local.test').toString('base64')}?= <me@local.test>`],
    ['a quoted name', 'From: "ceo@local.test" <me@local.test>'],
    ['a fullwidth at sign', 'From: =?utf-8?q?ceo=EF=BC=A0local.test?= <me@local.test>'],
  ])('refuses a From: display name showing an address the submitter does not own: %s (553 5.7.1)', async (_label, field) => {
    const message = messageUnderCheck(`${field}\r\nSubject: hi\r\n\r\n`, { envelope: submitted });
    expect((await step.message!(message))?.line).toMatch(/^553 5\.7\.1 /);
  });

  it('accepts a display name that shows the submitter own address', async () => {
    const message = messageUnderCheck('From: =?utf-8?q?Me_=28me=40local.test=29?= <me@local.test>\r\nSubject: hi\r\n\r\n', { envelope: submitted });
    expect(await step.message!(message)).toBeUndefined();
  });

  it('refuses two From fields, even both owned, and a From field without an address (550 5.6.0), instead of adding a second one', async () => {
    for (const header of ['From: me@local.test\r\nFrom: me@local.test', 'From: me@local.test\r\nfrom: ceo@local.test', 'From: =?utf-8?q?me=40local.test?=', 'From: nobody']) {
      const message = messageUnderCheck(`${header}\r\nSubject: hi\r\n\r\n`, { envelope: submitted });
      expect((await step.message!(message))?.line, header).toMatch(/^550 5\.6\.0 /);
    }
  });
});
