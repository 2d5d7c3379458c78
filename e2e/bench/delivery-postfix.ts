import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

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
  if (!fs.existsSync('/usr/lib/postfix/sbin/master')) throw new Error('postfix is not installed: apt-get install -y postfix');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-postfix-relay-'));
  fs.chmodSync(dir, 0o755);
  const conf = path.join(dir, 'conf');
  const queue = path.join(dir, 'queue');
  const data = path.join(dir, 'data');
  for (const d of [conf, queue, data]) fs.mkdirSync(d, { recursive: true });
  const uid = Number(execFileSync('id', ['-u', 'postfix']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postfix']).toString().trim());
  fs.chownSync(data, uid, gid);
  fs.writeFileSync(path.join(conf, 'transport'), Object.entries(opts.routes).map(([domain, next]) => `${domain} ${next}`).join('\n') + '\n');
  fs.writeFileSync(
    path.join(conf, 'main.cf'),
    `compatibility_level = 3.6
queue_directory = ${queue}
data_directory = ${data}
command_directory = /usr/sbin
daemon_directory = /usr/lib/postfix/sbin
shlib_directory = /usr/lib/postfix
meta_directory = /etc/postfix
mail_owner = postfix
setgid_group = postdrop
myhostname = postfix.bench.invalid
mydomain = bench.invalid
myorigin = $myhostname
mydestination =
inet_interfaces = loopback-only
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
relayhost =
relay_domains =
alias_maps =
alias_database =
local_recipient_maps =
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
smtpd_peername_lookup = no
smtpd_banner = $myhostname ESMTP
transport_maps = texthash:${conf}/transport
smtp_tls_security_level = may
smtp_tls_loglevel = 0
smtp_helo_name = postfix.bench.invalid
default_destination_concurrency_limit = ${opts.perDomain}
initial_destination_concurrency = ${opts.perDomain}
biff = no
maillog_file = ${dir}/maillog
maillog_file_prefixes = ${dir}
`,
  );
  fs.writeFileSync(
    path.join(conf, 'master.cf'),
    `127.0.0.1:${opts.port} inet n - n - - smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
smtp      unix  -       -       n       -       ${opts.processLimit}       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
`,
  );
  execFileSync('/usr/sbin/postfix', ['-c', conf, 'check'], { stdio: 'pipe' });
  const master: ChildProcess = spawn('/usr/lib/postfix/sbin/master', ['-c', conf, '-d'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  master.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  master.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const log = () => (fs.existsSync(path.join(dir, 'maillog')) ? fs.readFileSync(path.join(dir, 'maillog'), 'utf8') : '');
  for (let i = 0; ; i++) {
    if (master.exitCode !== null) throw new Error(`postfix master exited: ${output}\n${log()}`);
    const up = await new Promise<boolean>((resolve) => {
      const s = net.connect(opts.port, '127.0.0.1');
      s.once('data', (d) => {
        s.destroy();
        resolve(d.toString().startsWith('220'));
      });
      s.once('error', () => resolve(false));
    });
    if (up) break;
    if (i > 100) throw new Error(`postfix did not answer on ${opts.port}: ${output}\n${log()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    port: opts.port,
    dir,
    log,
    async stop() {
      if (master.exitCode === null) {
        await new Promise<void>((resolve) => {
          master.once('exit', () => resolve());
          master.kill('SIGTERM');
          setTimeout(() => master.kill('SIGKILL'), 5000).unref();
        });
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
