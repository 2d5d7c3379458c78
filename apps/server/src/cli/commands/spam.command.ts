import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { lfToCrlf, readMbox } from '@mailstead/mime';
import { SpamClassifier } from '@mailstead/spam';
import type { SpamLearnResult } from '@mailstead/store';
import { UsageError, type CliContext } from '../cli-context';

const PROGRESS_EVERY = 100;

/** The messages of a Maildir (cur/ and new/), a directory of message files, or an mbox file. */
async function* messagesAt(source: string, maxMessageSize: number): AsyncGenerator<Buffer> {
  const stat = fs.statSync(source, { throwIfNoEntry: false });
  if (!stat) throw new UsageError(`${source}: no such file or directory`);
  if (stat.isFile()) {
    for await (const entry of readMbox(fs.createReadStream(source), { maxMessageSize })) yield entry.raw;
    return;
  }
  const maildir = ['cur', 'new'].filter((d) => fs.statSync(path.join(source, d), { throwIfNoEntry: false })?.isDirectory());
  const dirs = maildir.length > 0 ? maildir.map((d) => path.join(source, d)) : [source];
  for (const dir of dirs) {
    for (const name of fs.readdirSync(dir).sort()) {
      const file = path.join(dir, name);
      const s = fs.statSync(file);
      if (!s.isFile() || name.startsWith('.')) continue;
      if (s.size > maxMessageSize) continue;
      yield lfToCrlf(fs.readFileSync(file));
    }
  }
}

export function spamCommand(program: Command, ctx: CliContext): void {
  const spam = program.command('spam').description('the spam classifier: bulk training and statistics');
  spam
    .command('train')
    .description('learn messages as spam or ham: each source a Maildir, a directory of message files, or an mbox file')
    .option('--spam <source...>', 'sources of spam')
    .option('--ham <source...>', 'sources of ham (legitimate mail)')
    .option('--user <address>', "train this account's own model instead of the global one")
    .action(async (opts: { spam?: string[]; ham?: string[]; user?: string }) => {
      if (!opts.spam?.length && !opts.ham?.length) throw new UsageError('give at least one --spam or --ham source');
      const store = await ctx.store();
      let accountId: number | null = null;
      if (opts.user) {
        const account = await store.accounts.findByAddress(opts.user.trim());
        if (!account) throw new UsageError(`no account ${opts.user}`);
        accountId = account.id;
      }
      const classifier = new SpamClassifier(store);
      const model = accountId === null ? 'the global model' : `${opts.user}'s model`;
      const counts: Record<SpamLearnResult, number> = { learned: 0, relearned: 0, known: 0 };
      let seen = 0;
      const started = Date.now();
      for (const [isSpam, sources] of [[true, opts.spam ?? []], [false, opts.ham ?? []]] as const) {
        for (const source of sources) {
          for await (const raw of messagesAt(source, ctx.config.smtp.maxMessageSize)) {
            const [result] = await classifier.learn(raw, isSpam, { accountId, global: accountId === null });
            counts[result!]++;
            if (++seen % PROGRESS_EVERY === 0) ctx.out(`  ${seen} messages (${isSpam ? 'spam' : 'ham'} from ${source})`);
          }
        }
      }
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      ctx.out(`trained ${model} on ${seen} messages in ${seconds}s: ${counts.learned} learned, ${counts.relearned} moved to the other class, ${counts.known} already known`);
      const stats = await store.spam.stats({ accountId });
      ctx.out(`${model} now holds ${stats.spamLearned} spam and ${stats.hamLearned} ham messages, ${stats.tokens} tokens`);
    });
  spam
    .command('thresholds')
    .description("show or set a domain's or an account's spam thresholds (junk, quarantine, reject); unset ones fall back to the domain's, then MAILSTEAD_SPAM_*_SCORE")
    .option('--domain <name>', 'the domain')
    .option('--user <address>', 'the account (wins over its domain)')
    .option('--junk <score>', 'score from which mail goes to Junk ("default" to unset)')
    .option('--quarantine <score>', 'score from which mail is held in the quarantine ("default" to unset)')
    .option('--reject <score>', 'score from which mail is refused at DATA ("default" to unset)')
    .action(async (opts: { domain?: string; user?: string; junk?: string; quarantine?: string; reject?: string }) => {
      if (Boolean(opts.domain) === Boolean(opts.user)) throw new UsageError('give --domain or --user');
      const store = await ctx.store();
      let owner: { accountId: number } | { domainId: number };
      if (opts.user) {
        const account = await store.accounts.findByAddress(opts.user.trim());
        if (!account) throw new UsageError(`no account ${opts.user}`);
        owner = { accountId: account.id };
      } else {
        const domain = await store.recipients.localDomain(opts.domain!.trim().toLowerCase());
        if (!domain) throw new UsageError(`no domain ${opts.domain}`);
        owner = { domainId: domain.id };
      }
      const current = await store.spam.ownThresholds(owner);
      const parse = (name: 'junk' | 'quarantine' | 'reject'): number | null => {
        const given = opts[name];
        if (given === undefined) return current[name];
        if (given === 'default') return null;
        const n = Number(given);
        if (given.trim() === '' || !Number.isFinite(n)) throw new UsageError(`--${name} must be a number or "default"`);
        return n;
      };
      const next = { junk: parse('junk'), quarantine: parse('quarantine'), reject: parse('reject') };
      if (next.junk !== null && next.quarantine !== null && next.junk > next.quarantine) throw new UsageError('--junk must not be above --quarantine');
      if (next.quarantine !== null && next.reject !== null && next.quarantine > next.reject) throw new UsageError('--quarantine must not be above --reject');
      if (opts.junk !== undefined || opts.quarantine !== undefined || opts.reject !== undefined) await store.spam.setThresholds(owner, next);
      const show = (v: number | null) => (v === null ? 'default' : String(v));
      ctx.out(`${opts.user ?? opts.domain}: junk ${show(next.junk)}, quarantine ${show(next.quarantine)}, reject ${show(next.reject)}`);
    });
  spam
    .command('stats')
    .description('what the global model and the accounts\' own models learned, and what the quarantine holds')
    .action(async () => {
      const store = await ctx.store();
      const global = await store.spam.stats({ accountId: null });
      ctx.out(`global model: ${global.spamLearned} spam, ${global.hamLearned} ham, ${global.tokens} tokens`);
      const accounts = await store.spam.accountModels();
      if (accounts.length === 0) ctx.out('no account has a model of its own yet');
      for (const a of accounts) ctx.out(`${a.address}: ${a.spamLearned} spam, ${a.hamLearned} ham`);
      const held = await store.spam.quarantined(null, 10_000);
      ctx.out(`quarantine: ${held.length} message${held.length === 1 ? '' : 's'} held`);
    });
}
