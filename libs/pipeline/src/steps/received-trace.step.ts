import { addTrace, type DeliveryStep } from '../delivery-step';
import { receivedField } from '../message/message-headers';

/**
 * Our Received field (RFC 5321 4.4) on top of the message, naming the recipient only when there
 * is one. The webmail's send has no SMTP client to name and adds none.
 */
export function receivedTraceStep(hostname: string): DeliveryStep {
  return {
    name: 'received-trace',
    sources: ['mx', 'submission'],
    async message(message) {
      const client = message.envelope.client;
      if (!client) return undefined;
      const recipients = message.recipients;
      addTrace(message, [
        receivedField({
          helo: client.helo,
          clientHostname: client.hostname,
          ip: client.ip,
          hostname,
          protocol: client.protocol,
          tls: client.tls,
          user: message.envelope.submitter?.address,
          id: client.sessionId,
          recipient: recipients.length === 1 ? recipients[0]!.resolution.address : undefined,
        }),
      ]);
      return undefined;
    },
  };
}
