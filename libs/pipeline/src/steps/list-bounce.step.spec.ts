import { describe, expect, it } from 'vitest';
import type { Store } from '@mailstead/store';
import { messageUnderCheck, resolution } from '../test-support/pipeline-fixtures';
import { listBounceStep } from './list-bounce.step';

const report = (recipient: string) =>
  [
    'From: MAILER-DAEMON@remote.test',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="b"',
    '',
    '--b',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; remote.test',
    '',
    `Final-Recipient: rfc822; ${recipient}`,
    'Action: failed',
    'Status: 5.1.1',
    '',
    '--b--',
    '',
  ].join('\r\n');

describe('list-bounce step', () => {
  const receipt = { stored: [], outboundIds: [], held: [], local: 0, remote: 0, sentMailboxId: null, failed: [] };

  it("counts a report to a list's bounce address for the failed member, and ignores other recipients", async () => {
    const recorded: [number, string][] = [];
    const store = { listBounces: { recordBounce: async (listId: number, address: string) => (recorded.push([listId, address]), null) } } as unknown as Store;
    const errors: string[] = [];
    const step = listBounceStep(store, { threshold: 3, action: 'disable' }, { info: () => undefined, warn: () => undefined, error: (_o, m) => errors.push(m) });
    const message = messageUnderCheck(report('gone@members.test'), {
      recipients: [{ resolution: resolution('team-bounces@l.test', { listBounce: { id: 4, address: 'team@l.test' } }) }, { resolution: resolution('user1@l.test') }],
    });
    await step.committed!(message, receipt);
    expect(recorded).toEqual([[4, 'gone@members.test']]);
    expect(errors).toEqual([]);
  });

  it('logs a failure instead of throwing: the message is committed already', async () => {
    const store = { listBounces: { recordBounce: async () => Promise.reject(new Error('database away')) } } as unknown as Store;
    const errors: string[] = [];
    const step = listBounceStep(store, { threshold: 3, action: 'disable' }, { info: () => undefined, warn: () => undefined, error: (_o, m) => errors.push(m) });
    const message = messageUnderCheck(report('gone@members.test'), { recipients: [{ resolution: resolution('team-bounces@l.test', { listBounce: { id: 4, address: 'team@l.test' } }) }] });
    await expect(step.committed!(message, receipt)).resolves.toBeUndefined();
    expect(errors).toEqual(['list bounce processing failed']);
  });
});
