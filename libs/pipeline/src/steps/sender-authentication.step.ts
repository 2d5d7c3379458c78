import { addTrace, type DeliveryStep } from '../delivery-step';
import { joinMessage, removeFields, splitMessage } from '../message/message-headers';
import { smtpReply } from '../smtp-reply';

/** A DNS resolver as mailauth takes it (dns.promises.resolve's shape); tests pass a fake one. */
export type DnsResolver = (name: string, rrtype: string) => Promise<unknown>;

export interface SenderCheckResult {
  /** Received-SPF and Authentication-Results fields to put on top of the message */
  fields: string[];
  dmarc: { result: string; policy: string } | null;
}

/**
 * SPF, DKIM and DMARC of an inbound message with mailauth, summarised in an
 * Authentication-Results field (RFC 8601) under our host name.
 */
export async function checkSender(
  raw: Buffer,
  input: { ip: string; helo: string; sender: string; hostname: string; resolver?: DnsResolver },
): Promise<SenderCheckResult> {
  // Loaded on first use: mailauth is large (SPF, DKIM, DMARC, ARC, BIMI) and processes without
  // the smtp role (imap, pop3, api) never need it.
  const { authenticate } = await import('mailauth');
  const result = await authenticate(raw, {
    ip: input.ip.replace(/^::ffff:/, ''),
    helo: input.helo,
    sender: input.sender,
    mta: input.hostname,
    disableArc: true,
    disableBimi: true,
    ...(input.resolver ? { resolver: input.resolver as never } : {}),
  });
  const fields = result.headers
    .split(/\r\n(?![ \t])/)
    .map((f) => f.trim())
    .filter(Boolean);
  const dmarc = result.dmarc ? { result: String(result.dmarc.status?.result ?? 'none'), policy: String(result.dmarc.policy ?? 'none') } : null;
  return { fields, dmarc };
}

/**
 * RFC 8601 5: Authentication-Results fields that claim to come from us but arrived with the
 * message are forgeries and are removed before ours is added.
 */
export function removeForgedResults(raw: Buffer, hostname: string): Buffer {
  const { header, body } = splitMessage(raw);
  const id = hostname.toLowerCase();
  const cleaned = removeFields(header, ['authentication-results'], (line) => {
    const value = line.text.slice(line.text.indexOf(':') + 1).trim().toLowerCase();
    return !(value.startsWith(`${id};`) || value.startsWith(`${id} `));
  });
  return cleaned === header ? raw : joinMessage(cleaned, body);
}

/**
 * SPF, DKIM and DMARC of mail coming to the MX (RFC 7208, 6376, 7489), summarised in
 * Authentication-Results (RFC 8601) on top of our Received field. A DMARC failure under
 * p=reject is refused with `dmarcReject`; otherwise it, and one under p=quarantine, is filed
 * as junk (junk-filing.step.ts).
 */
export function senderAuthenticationStep(opts: { hostname: string; dmarcReject: boolean; resolver?: DnsResolver }): DeliveryStep {
  return {
    name: 'sender-authentication',
    sources: ['mx'],
    async message(message) {
      message.raw = removeForgedResults(message.raw, opts.hostname);
      const client = message.envelope.client;
      const verdict = await checkSender(message.raw, { ip: client?.ip ?? '', helo: client?.helo ?? '', sender: message.envelope.sender, hostname: opts.hostname, resolver: opts.resolver });
      addTrace(message, verdict.fields);
      const dmarc = verdict.dmarc;
      if (dmarc?.result === 'fail' && (dmarc.policy === 'reject' || dmarc.policy === 'quarantine')) {
        if (opts.dmarcReject && dmarc.policy === 'reject') return smtpReply(550, '5.7.1', "Message rejected by the sender domain's DMARC policy");
        message.junk = `dmarc=fail (p=${dmarc.policy})`;
      }
      return undefined;
    },
  };
}
