import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface DovecotInstance {
  imapPort: number;
  pop3Port: number;
  dir: string;
  /** Writes messages straight into a user's Maildir INBOX (as a delivery agent would). */
  seed(user: string, messages: Buffer[]): void;
  stop(): Promise<void>;
}

function uidOf(user: string): { uid: number; gid: number } {
  return { uid: Number(execFileSync('id', ['-u', user]).toString()), gid: Number(execFileSync('id', ['-g', user]).toString()) };
}

/**
 * A private Dovecot (Debian's dovecot-imapd/-pop3d) on loopback ports with its own config,
 * plain-text logins and Maildir storage: the reference server benchmarks compare against.
 */
export async function startDovecot(opts: { imapPort: number; pop3Port: number; users: { name: string; password: string }[] }): Promise<DovecotInstance> {
  if (!fs.existsSync('/usr/sbin/dovecot')) throw new Error('dovecot is not installed: apt-get install -y dovecot-imapd dovecot-pop3d');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-dovecot-'));
  fs.chmodSync(dir, 0o755);
  const vmail = uidOf('mail');
  for (const d of ['run', 'state', 'mail']) fs.mkdirSync(path.join(dir, d), { recursive: true });
  fs.chownSync(path.join(dir, 'mail'), vmail.uid, vmail.gid);
  fs.writeFileSync(path.join(dir, 'passwd'), opts.users.map((u) => `${u.name}:{PLAIN}${u.password}::::::`).join('\n') + '\n');
  const conf = path.join(dir, 'dovecot.conf');
  fs.writeFileSync(
    conf,
    `base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
protocols = imap pop3
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = 1
mail_location = maildir:${dir}/mail/%u
mail_fsync = never
default_vsz_limit = 1G
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/passwd
}
userdb {
  driver = static
  args = uid=${vmail.uid} gid=${vmail.gid} home=${dir}/mail/%u
}
service imap-login {
  inet_listener imap {
    port = ${opts.imapPort}
  }
  inet_listener imaps {
    port = 0
  }
  service_count = 0
  process_min_avail = 2
}
service pop3-login {
  inet_listener pop3 {
    port = ${opts.pop3Port}
  }
  inet_listener pop3s {
    port = 0
  }
  service_count = 0
}
service imap {
  process_limit = 2000
}
protocol imap {
  mail_max_userip_connections = 5000
}
pop3_uidl_format = %08Xu%08Xv
`,
  );
  const master: ChildProcess = spawn('/usr/sbin/dovecot', ['-F', '-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  master.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  master.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  for (let i = 0; i < 100 && !fs.existsSync(path.join(dir, 'run', 'login')); i++) await new Promise((r) => setTimeout(r, 50));
  await new Promise((r) => setTimeout(r, 300));
  if (master.exitCode !== null) throw new Error(`dovecot exited: ${output}\n${fs.readFileSync(path.join(dir, 'dovecot.log'), 'utf8')}`);
  let seq = 0;
  return {
    imapPort: opts.imapPort,
    pop3Port: opts.pop3Port,
    dir,
    seed(user, messages) {
      const md = path.join(dir, 'mail', user);
      for (const sub of ['cur', 'new', 'tmp']) fs.mkdirSync(path.join(md, sub), { recursive: true });
      const now = Math.floor(Date.now() / 1000);
      for (const m of messages) {
        fs.writeFileSync(path.join(md, 'cur', `${now}.M${seq++}P${process.pid}.bench,S=${m.length}:2,`), m);
      }
      execFileSync('chown', ['-R', `${vmail.uid}:${vmail.gid}`, md]);
    },
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
