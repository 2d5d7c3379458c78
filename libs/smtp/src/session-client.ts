import type { ClientInfo } from '@mailstead/pipeline';
import type { SMTPServerSession } from 'smtp-server';

/**
 * One ClientInfo per SMTP session (smtp-server keeps one session object per connection and
 * resets its fields in place), so the pipeline's connection checks can keep their state on it from
 * connect to DATA. `sessionClient` brings HELO, TLS and the transmission type up to date.
 */
const clients = new WeakMap<SMTPServerSession, ClientInfo>();

export function sessionClient(session: SMTPServerSession): ClientInfo {
  let client = clients.get(session);
  if (!client) {
    client = { sessionId: session.id, ip: session.remoteAddress, localIp: session.localAddress, helo: '', hostname: session.clientHostname, protocol: 'ESMTP', tls: false };
    clients.set(session, client);
  }
  client.helo = session.hostNameAppearsAs || '';
  client.protocol = session.transmissionType || 'ESMTP';
  client.tls = session.secure && session.tlsOptions ? { version: session.tlsOptions.version ?? session.tlsOptions.standardName ?? 'TLS', cipher: session.tlsOptions.name } : false;
  return client;
}
