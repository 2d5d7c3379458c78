import { envelopeAddressList } from './address';
import { firstValue } from './header';
import type { HeaderField, ImapEnvelope } from './types';

/**
 * RFC 3501 7.4.2 ENVELOPE from a header block: raw values of the first occurrence of each
 * field. "If the Sender or Reply-To lines are absent in the [RFC-2822] header, or are present
 * but empty, the server sets the corresponding member of the envelope to be the same value
 * as the from member".
 */
export function buildEnvelope(fields: readonly HeaderField[]): ImapEnvelope {
  const from = envelopeAddressList(firstValue(fields, 'from'));
  return {
    date: firstValue(fields, 'date'),
    subject: firstValue(fields, 'subject'),
    from,
    sender: envelopeAddressList(firstValue(fields, 'sender')) ?? from,
    replyTo: envelopeAddressList(firstValue(fields, 'reply-to')) ?? from,
    to: envelopeAddressList(firstValue(fields, 'to')),
    cc: envelopeAddressList(firstValue(fields, 'cc')),
    bcc: envelopeAddressList(firstValue(fields, 'bcc')),
    inReplyTo: firstValue(fields, 'in-reply-to'),
    messageId: firstValue(fields, 'message-id'),
  };
}

export function emptyEnvelope(): ImapEnvelope {
  return { date: null, subject: null, from: null, sender: null, replyTo: null, to: null, cc: null, bcc: null, inReplyTo: null, messageId: null };
}
