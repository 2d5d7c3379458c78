import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface PostfixInstance {
  port: number;
  /** the master process (smtpd, cleanup, qmgr... are its children) */
  pid: number;
  dir: string;
  /** Messages delivered into the users' maildirs so far (files in new/ and cur/). */
  delivered(): number;
  /** Messages still in Postfix's queue (incoming, active, deferred). */
  queued(): number;
  stop(): Promise<void>;
}

const id = (flag: '-u' | '-g', user: string) => Number(execFileSync('id', [flag, user]).toString().trim());

function countFiles(dir: string): number {
  let n = 0;
  if (!fs.existsSync(dir)) return 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    n += entry.isDirectory() ? countFiles(path.join(dir, entry.name)) : 1;
  }
  return n;
}

/** A private Postfix started by startPrivatePostfix: its directories, its master, its log. */
export interface PrivatePostfix {
  port: number;
  pid: number;
  dir: string;
  conf: string;
  queue: string;
  log(): string;
  stop(): Promise<void>;
}

/**
 * A private Postfix (Debian's package) for the benchmarks: its own config_directory,
 * queue_directory and data_directory under a temp dir, loopback only, smtpd on its own port from
 * its own master.cf (no chroot, no systemd). `mainCf` adds the lines of one role (MX to maildirs,
 * relay to sinks) to the shared base; `prepare` writes that role's tables into `conf`.
 */
export async function startPrivatePostfix(opts: {
  port: number;
  name: string;
  mainCf(dirs: { dir: string; conf: string }): string;
  prepare?(dirs: { dir: string; conf: string }): void;
  /** most smtp client processes (the relay's outbound concurrency); '-' is Postfix's default */
  smtpProcessLimit?: number;
}): Promise<PrivatePostfix> {
  if (!fs.existsSync('/usr/lib/postfix/sbin/master')) throw new Error('postfix is not installed: apt-get install -y postfix');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `bench-${opts.name}-`));
  fs.chmodSync(dir, 0o755);
  const conf = path.join(dir, 'conf');
  const queue = path.join(dir, 'queue');
  const data = path.join(dir, 'data');
  for (const d of [conf, queue, data]) fs.mkdirSync(d, { recursive: true });
  fs.chownSync(data, id('-u', 'postfix'), id('-g', 'postfix'));
  opts.prepare?.({ dir, conf });
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
alias_maps =
alias_database =
local_recipient_maps =
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
smtpd_peername_lookup = no
smtpd_banner = $myhostname ESMTP
biff = no
maillog_file_prefixes = ${dir}
maillog_file = ${dir}/maillog
${opts.mainCf({ dir, conf })}`,
  );
  // Debian's services without chroot (the queue dir here has no copies of /etc files), plus
  // our smtpd on its own loopback port in place of port 25.
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
smtp      unix  -       -       n       -       ${opts.smtpProcessLimit ?? '-'}       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
local     unix  -       n       n       -       -       local
virtual   unix  -       n       n       -       -       virtual
lmtp      unix  -       -       n       -       -       lmtp
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
`,
  );
  // creates the queue directories with Postfix's own owners and modes (its exit status only
  // reflects warnings about the system-wide install, which do not concern this instance)
  spawnSync('/usr/sbin/postfix', ['-c', conf, 'check'], { stdio: 'ignore' });
  if (!fs.existsSync(path.join(queue, 'incoming'))) throw new Error(`postfix check did not create ${queue}/incoming`);
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
    pid: master.pid!,
    dir,
    conf,
    queue,
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

/**
 * The reference MX: virtual_mailbox_domains / virtual_mailbox_maps delivering each user into a
 * Maildir. Postfix answers 250 once the queue file is written and fsynced (its durability
 * point), then delivers to the maildir.
 */
export async function startPostfix(opts: { port: number; domain: string; users: string[] }): Promise<PostfixInstance> {
  let mail = '';
  const postfix = await startPrivatePostfix({
    port: opts.port,
    name: 'postfix',
    prepare({ dir, conf }) {
      mail = path.join(dir, 'mail');
      fs.mkdirSync(mail, { recursive: true });
      fs.chownSync(mail, id('-u', 'mail'), id('-g', 'mail'));
      fs.writeFileSync(path.join(conf, 'vmailbox'), opts.users.map((u) => `${u} ${u.split('@')[0]}/`).join('\n') + '\n');
    },
    mainCf: ({ conf }) => `message_size_limit = 52428800
virtual_mailbox_domains = ${opts.domain}
virtual_mailbox_base = ${mail}
virtual_mailbox_maps = texthash:${conf}/vmailbox
virtual_minimum_uid = 1
virtual_uid_maps = static:${id('-u', 'mail')}
virtual_gid_maps = static:${id('-g', 'mail')}
virtual_mailbox_limit = 0
default_process_limit = 200
`,
  });
  return {
    port: postfix.port,
    pid: postfix.pid,
    dir: postfix.dir,
    delivered: () => countFiles(mail),
    queued: () => ['incoming', 'active', 'deferred', 'maildrop'].reduce((n, q) => n + countFiles(path.join(postfix.queue, q)), 0),
    stop: () => postfix.stop(),
  };
}
