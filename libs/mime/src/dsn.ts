import { randomBytes } from 'node:crypto';

export interface DsnRecipient {
  address: string;
  /** Original recipient (ORCPT, RFC 3461 4.2), "rfc822;addr". */
  orcpt: string | null;
  action: 'failed' | 'delayed';
  /** Enhanced status code (RFC 3463), e.g. "5.1.1". */
  status: string;
  /** The host that gave the reply, if any. */
  remoteMta: string | null;
  /** The remote's reply ("550 5.1.1 no such user") or our own reason. */
  diagnostic: string;
  /** For delayed recipients: when we give up (RFC 3464 2.3.9). */
  willRetryUntil?: Date;
}

export interface DsnInput {
  /** Our host name: Reporting-MTA and the MAILER-DAEMON address. */
  reportingMta: string;
  /** Who gets the report: the original envelope sender. */
  to: string;
  originalEnvelopeId: string | null;
  arrivalDate: Date;
  /** RFC 3461 RET: HDRS returns only the header; FULL (or small messages) the whole message. */
  ret: string | null;
  original: Buffer;
  recipients: DsnRecipient[];
  now?: Date;
}

/** Messages up to this size come back whole unless RET=HDRS asked for headers only. */
export const FULL_RETURN_LIMIT = 256 * 1024;

/** The original message's header block (up to and without the blank line). */
export function headerBlock(raw: Buffer): Buffer {
  const crlf = raw.indexOf('\r\n\r\n');
  const lf = raw.indexOf('\n\n');
  const end = crlf >= 0 && (lf < 0 || crlf < lf) ? crlf + 2 : lf >= 0 ? lf + 1 : raw.length;
  return raw.subarray(0, end);
}

function rfc5322Date(d: Date): string {
  return d.toUTCString().replace('GMT', '+0000');
}

/** Fields of a DSN must be ASCII and one line (RFC 3464 2.1.1). */
function field(value: string): string {
  return value.replace(/[\r\n]+/g, ' ').replace(/[^\x20-\x7e]/g, '?');
}

function addressType(address: string): string {
  return /[^\x00-\x7f]/.test(address) ? 'utf-8' : 'rfc822';
}

/**
 * Builds an RFC 3464 delivery status notification: multipart/report (RFC 6522) with a human
 * part, a message/delivery-status part (one per-recipient block for every failed recipient)
 * and the original message (message/rfc822) or its header (text/rfc822-headers).
 */
export function buildDsn(input: DsnInput): Buffer {
  const now = input.now ?? new Date();
  const boundary = `=_dsn_${randomBytes(12).toString('hex')}`;
  const failed = input.recipients.some((r) => r.action === 'failed');
  const human = failed
    ? [
        `This is the mail system at ${input.reportingMta}.`,
        '',
        'Your message could not be delivered to one or more recipients.',
        '',
        ...input.recipients.map((r) => `<${r.address}>: ${r.diagnostic}`),
      ]
    : [
        `This is the mail system at ${input.reportingMta}.`,
        '',
        'Your message has not been delivered yet; delivery will be retried.',
        '',
        ...input.recipients.map((r) => `<${r.address}>: ${r.diagnostic}`),
      ];

  const perMessage = [`Reporting-MTA: dns; ${input.reportingMta}`];
  if (input.originalEnvelopeId) perMessage.push(`Original-Envelope-Id: ${field(input.originalEnvelopeId)}`);
  perMessage.push(`Arrival-Date: ${rfc5322Date(input.arrivalDate)}`);
  const perRecipient = input.recipients.map((r) => {
    const lines = [`Final-Recipient: ${addressType(r.address)}; ${field(r.address)}`];
    if (r.orcpt) lines.push(`Original-Recipient: ${field(r.orcpt.includes(';') ? r.orcpt : `rfc822;${r.orcpt}`)}`);
    lines.push(`Action: ${r.action}`, `Status: ${r.status}`);
    if (r.remoteMta) lines.push(`Remote-MTA: dns; ${field(r.remoteMta)}`);
    lines.push(`Diagnostic-Code: smtp; ${field(r.diagnostic)}`, `Last-Attempt-Date: ${rfc5322Date(now)}`);
    if (r.willRetryUntil) lines.push(`Will-Retry-Until: ${rfc5322Date(r.willRetryUntil)}`);
    return lines.join('\r\n');
  });

  const headersOnly = input.ret === 'HDRS' || (input.ret !== 'FULL' && input.original.length > FULL_RETURN_LIMIT);
  const returned = headersOnly ? headerBlock(input.original) : input.original;

  const head = [
    `From: Mail Delivery System <MAILER-DAEMON@${input.reportingMta}>`,
    `To: <${input.to}>`,
    `Subject: ${failed ? 'Undelivered Mail Returned to Sender' : 'Delayed Mail (still being retried)'}`,
    `Date: ${rfc5322Date(now)}`,
    `Message-ID: <${Date.now().toString(36)}.${randomBytes(6).toString('hex')}@${input.reportingMta}>`,
    // RFC 3834 5: automatic responses must not trigger further automatic responses.
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=delivery-status; boundary="${boundary}"`,
    '',
    'This is a MIME-encapsulated delivery status notification.',
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=us-ascii',
    'Content-Description: Notification',
    '',
    ...human.map(field),
    '',
    `--${boundary}`,
    'Content-Type: message/delivery-status',
    'Content-Description: Delivery report',
    '',
    perMessage.join('\r\n'),
    '',
    perRecipient.join('\r\n\r\n'),
    '',
    `--${boundary}`,
    `Content-Type: ${headersOnly ? 'text/rfc822-headers' : 'message/rfc822'}`,
    `Content-Description: ${headersOnly ? 'Undelivered message headers' : 'Undelivered message'}`,
    '',
    '',
  ].join('\r\n');
  const tail = `\r\n--${boundary}--\r\n`;
  return Buffer.concat([Buffer.from(head), returned, Buffer.from(tail)]);
}
