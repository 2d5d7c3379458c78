import { describe, expect, it } from 'vitest';
import { addTrace } from '../delivery-step';
import { envelope, messageUnderCheck, resolution } from '../test-support/pipeline-fixtures';
import { receivedTraceStep } from './received-trace.step';

describe('received-trace step (RFC 5321 4.4)', () => {
  const step = receivedTraceStep('mx.local.test');
  const client = { sessionId: 'S1', ip: '::ffff:192.0.2.7', helo: 'client.example', hostname: '[192.0.2.7]', protocol: 'ESMTPS', tls: { version: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384' } };

  it('names the one recipient, the TLS cipher and the session id', async () => {
    const message = messageUnderCheck('Subject: x\r\n\r\n', { envelope: envelope({ client }), recipients: [{ resolution: resolution('user1@local.test') }] });
    await step.message!(message);
    expect(message.trace).toHaveLength(1);
    expect(message.trace[0]).toMatch(/^Received: from client\.example \(\[192\.0\.2\.7\]\)\r\n\tby mx\.local\.test \(Mailstead\)\r\n\twith ESMTPS\r\n\t\(TLSv1\.3 cipher TLS_AES_256_GCM_SHA384\)\r\n\tid S1\r\n\tfor <user1@local\.test>;\r\n\t/);
  });

  it('does not reveal recipients of a message to several', async () => {
    const message = messageUnderCheck('Subject: x\r\n\r\n', { envelope: envelope({ client }), recipients: [{ resolution: resolution('a@local.test') }, { resolution: resolution('b@local.test') }] });
    await step.message!(message);
    expect(message.trace[0]).not.toContain('for <');
  });

  it('adds nothing without an SMTP client (the webmail), and a later step\'s fields go on top', async () => {
    const webmail = messageUnderCheck('Subject: x\r\n\r\n');
    await step.message!(webmail);
    expect(webmail.trace).toEqual([]);
    const message = messageUnderCheck('Subject: x\r\n\r\n', { envelope: envelope({ client }) });
    await step.message!(message);
    addTrace(message, ['Authentication-Results: mx.local.test; spf=pass']);
    expect(message.trace.map((f) => f.slice(0, f.indexOf(':')))).toEqual(['Authentication-Results', 'Received']);
  });
});
