import { createHash } from 'node:crypto';
import { spamFields } from '@mailstead/spam';
import type { Store } from '@mailstead/store';
import type { DeliveryStep, LocalCopy, MessageUnderCheck } from '../delivery-step';
import { spamVerdictFor, spamStateOf } from './spam-score.step';

const TOP_FIELDS = /^(return-path|delivered-to):/i;

/** Inserts fields below the copy's Return-Path and Delivered-To (which stay on top, RFC 5321 4.4). */
function withFieldsBelowTop(raw: Buffer, fields: readonly string[]): Buffer {
  let offset = 0;
  for (;;) {
    const end = raw.indexOf('\r\n', offset);
    if (end < 0 || !TOP_FIELDS.test(raw.subarray(offset, Math.min(end, offset + 20)).toString('latin1'))) break;
    offset = end + 2;
  }
  return Buffer.concat([raw.subarray(0, offset), Buffer.from(fields.map((f) => `${f}\r\n`).join(''), 'latin1'), raw.subarray(offset)]);
}

/**
 * What each recipient's spam verdict (spam-score.step.ts) does to its copy: the account's
 * X-Spam-* fields when they differ between recipients (else they are in the trace already); at
 * the quarantine level the copy is held in the account's quarantine (stored before the commit,
 * idempotent on the received bytes, as a moderated list post is held) and not delivered; at the
 * junk level it is filed in the account's Junk mailbox.
 */
export function spamVerdictStep(store: Pick<Store, 'spam' | 'recipients'>): DeliveryStep {
  const receivedDigests = new WeakMap<MessageUnderCheck, string>();
  const digestOf = (message: MessageUnderCheck) => {
    let digest = receivedDigests.get(message);
    if (!digest) receivedDigests.set(message, (digest = createHash('sha256').update(message.received).digest('hex')));
    return digest;
  };
  return {
    name: 'spam-verdict',
    sources: ['mx'],
    async copy(message, copy: LocalCopy) {
      const verdict = spamVerdictFor(message, copy.mailbox.accountId);
      if (!verdict) return undefined;
      const state = spamStateOf(message)!;
      if (!state.fieldsInTrace) {
        copy.raw = withFieldsBelowTop(copy.raw, spamFields(verdict));
        copy.parsed = undefined;
      }
      if (verdict.action === 'quarantine' || verdict.action === 'reject') {
        await store.spam.hold({
          accountId: copy.mailbox.accountId,
          receivedDigest: digestOf(message),
          sender: message.envelope.sender,
          recipient: copy.mailbox.address,
          fromAddress: state.fromAddress,
          subject: state.subject,
          score: verdict.score,
          symbols: verdict.symbols,
          probability: verdict.probability,
          data: copy.raw,
        });
        copy.held = 'spam quarantine';
        return undefined;
      }
      if (verdict.action === 'junk') {
        const junk = await store.recipients.mailboxId(copy.mailbox.accountId, { specialUse: '\\Junk' });
        if (junk !== null) copy.mailboxId = junk;
      }
      return undefined;
    },
  };
}
