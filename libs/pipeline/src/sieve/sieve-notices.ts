import { buildDsn } from '@mailstead/mime';
import { newMessageId, rfc5322Date } from '../message/message-headers';
import { encodeWord } from './vacation-reply';
import type { SieveScriptError } from './sieve-engine';

/**
 * The message that tells a user their script failed (RFC 5228 2.10.6: the message was kept
 * in INBOX instead), sent once per script version. Plain text, from the mail system.
 */
export function scriptErrorNotice(input: {
  hostname: string;
  to: string;
  scriptName: string;
  version: number;
  /** compile errors with positions, or the run-time error */
  errors: readonly SieveScriptError[] | string;
  /** the Subject of the message that met the error */
  subject: string;
  now: Date;
}): Buffer {
  const detail =
    typeof input.errors === 'string'
      ? [`It stopped with an error while running: ${input.errors}`]
      : ['It does not compile:', ...input.errors.map((e) => `  line ${e.line}, column ${e.column}: ${e.message}`)];
  const text = [
    `Your mail filter script "${input.scriptName}" could not be applied to a message`,
    input.subject ? `("${input.subject}"), so it was kept in your INBOX unfiltered.` : 'so it was kept in your INBOX unfiltered.',
    '',
    ...detail,
    '',
    'Further messages are also kept in INBOX until the script is fixed; this notice is sent',
    `once for this version of the script (version ${input.version}).`,
    '',
  ].join('\r\n');
  const fields = [
    `From: Mail Delivery System <MAILER-DAEMON@${input.hostname}>`,
    `To: <${input.to}>`,
    `Subject: ${encodeWord(`Mail filter error in "${input.scriptName}"`)}`,
    `Date: ${rfc5322Date(input.now)}`,
    `Message-ID: ${newMessageId(input.hostname)}`,
    'Auto-Submitted: auto-generated',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
  ];
  return Buffer.from(`${fields.join('\r\n')}\r\n\r\n${text}`, 'utf8');
}

/**
 * The refusal of a Sieve `reject`/`ereject` that could not be given in the SMTP dialogue
 * (RFC 5429 2.1: after the message was accepted, a DSN to the envelope sender): Action failed,
 * status 5.7.1, the script's reason as the diagnostic.
 */
export function rejectionNotice(input: { hostname: string; sender: string; recipient: string; reason: string; original: Buffer; envid: string | null; now: Date }): Buffer {
  const reason = input.reason.replace(/[\r\n]+/g, ' ').trim() || 'Message rejected';
  return buildDsn({
    reportingMta: input.hostname,
    to: input.sender,
    originalEnvelopeId: input.envid,
    arrivalDate: input.now,
    ret: null,
    original: input.original,
    recipients: [{ address: input.recipient, orcpt: null, action: 'failed', status: '5.7.1', remoteMta: null, diagnostic: `550 5.7.1 ${reason}` }],
  });
}
