import fs from 'node:fs';
import path from 'node:path';
import { startPrivatePostfix } from './lib/postfix';

export interface PostfixRelay {
  port: number;
  dir: string;
  log(): string;
  stop(): Promise<void>;
}

/**
 * A private Postfix (Debian's package) as the reference outbound MTA: its own config, queue and
 * data directories under a temp dir, smtpd on a loopback port accepting relay from 127.0.0.0/8,
 * and a transport_maps table sending each destination domain to its sink (`smtp:[127.0.0.x]:port`,
 * no DNS). Opportunistic STARTTLS outbound like Mailstead; the same per-domain and total
 * connection limits as the Mailstead run.
 */
export async function startPostfixRelay(opts: { port: number; routes: Record<string, string>; processLimit: number; perDomain: number }): Promise<PostfixRelay> {
  const postfix = await startPrivatePostfix({
    port: opts.port,
    name: 'postfix-relay',
    smtpProcessLimit: opts.processLimit,
    prepare({ conf }) {
      fs.writeFileSync(path.join(conf, 'transport'), Object.entries(opts.routes).map(([domain, next]) => `${domain} ${next}`).join('\n') + '\n');
    },
    mainCf: ({ conf }) => `relay_domains =
transport_maps = texthash:${conf}/transport
smtp_tls_security_level = may
smtp_tls_loglevel = 0
smtp_helo_name = postfix.bench.invalid
default_destination_concurrency_limit = ${opts.perDomain}
initial_destination_concurrency = ${opts.perDomain}
`,
  });
  return { port: postfix.port, dir: postfix.dir, log: postfix.log, stop: () => postfix.stop() };
}
