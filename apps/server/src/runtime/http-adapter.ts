import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { MailsteadConfig } from '@mailstead/config';

/**
 * The API's Fastify adapter. X-Forwarded-For and X-Forwarded-Proto are believed only from
 * MAILSTEAD_TRUSTED_PROXIES (Fastify's trustProxy as a list of addresses/CIDRs; nothing by
 * default), as Dovecot's login_trusted_networks and nginx's set_real_ip_from do: request.ip (login
 * throttle, sessions, audit log) and request.protocol (Secure cookies) follow the same rule.
 */
export function createHttpAdapter(config: MailsteadConfig): FastifyAdapter {
  const { trustedProxies } = config.http;
  return new FastifyAdapter({ trustProxy: trustedProxies.length > 0 ? trustedProxies : false });
}
