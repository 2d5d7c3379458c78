import type { Envelope, LocalCopy, MessageUnderCheck } from '../delivery-step';
import { mergeRecipients, type RecipientInput } from '../recipients/delivery-plan';
import type { LocalMailbox, Resolution } from '../recipients/recipient-resolver';

/** Fixtures for the steps' unit tests: plain values, no store. */
export function envelope(overrides: Partial<Envelope> = {}): Envelope {
  return { source: 'mx', sender: 'sender@remote.test', submitter: null, client: null, dsn: null, declaredSize: 0, ...overrides };
}

export function mailbox(accountId: number, overrides: Partial<LocalMailbox> = {}): LocalMailbox {
  return { accountId, address: `user${accountId}@local.test`, mailboxId: accountId * 10, folder: null, quotaBytes: 0n, usedBytes: 0n, messageCount: null, ...overrides };
}

export function resolution(address: string, overrides: Partial<Resolution> = {}): Resolution {
  return { address, local: true, mailboxes: [], remote: [], lists: [], ...overrides };
}

export function messageUnderCheck(raw: string, opts: { envelope?: Envelope; recipients?: RecipientInput[] } = {}): MessageUnderCheck {
  const recipients = opts.recipients ?? [];
  const bytes = Buffer.from(raw, 'latin1');
  return { envelope: opts.envelope ?? envelope(), recipients, plan: mergeRecipients(recipients), received: bytes, raw: bytes, sentCopy: null, trace: [], junk: null, score: 0, symbols: [] };
}

export function localCopy(box: LocalMailbox): LocalCopy {
  return { mailbox: box, list: null, raw: Buffer.from('Subject: x\r\n\r\n'), mailboxId: box.mailboxId, flags: [] };
}
