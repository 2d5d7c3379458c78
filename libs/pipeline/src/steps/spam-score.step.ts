import type { MailsteadConfig } from '@mailstead/config';
import { parseMessage } from '@mailstead/mime';
import {
  authVerdict,
  bayesSymbol,
  levelsFor,
  messageFeatures,
  runRules,
  SPAM_FIELDS,
  spamAction,
  spamFields,
  tokensOf,
  addressDomain,
  SpamClassifier,
  ClamdClient,
  NO_AUTH_VERDICT,
  RspamdClient,
  RspamdUnavailableError,
  rspamdAction,
  type AuthVerdict,
  type MessageTokens,
  type SpamLevels,
  type SpamVerdict,
} from '@mailstead/spam';
import type { Store } from '@mailstead/store';
import { addSymbol, addTrace, type DeliveryStep, type MessageUnderCheck, type StepResult } from '../delivery-step';
import type { PipelineLogger } from '../delivery-pipeline';
import { joinMessage, removeFields, splitMessage } from '../message/message-headers';
import { smtpReply } from '../smtp-reply';
import type { MalwareScanOptions } from './malware-scan.step';

export interface AutolearnPolicy {
  enabled: boolean;
  /** rules-only score from which a message is learned as spam */
  spamScore: number;
  /** rules-only score up to which an authenticated message is learned as ham */
  hamScore: number;
}

export interface SpamScoreOptions {
  hostname: string;
  /** MAILSTEAD_RSPAMD_URL: its score and action replace the rules and the classifier (which take over when it cannot be reached) */
  rspamd?: RspamdClient;
  levels: SpamLevels;
  classifier: SpamClassifier;
  autolearn: AutolearnPolicy;
  logger?: PipelineLogger;
  now?: () => Date;
}

/** What the spam-score step decided for a message, per recipient account; the spam-verdict copy step acts on it. */
export interface MessageSpamState {
  /** null when rspamd scored the message (it learns by itself) */
  tokens: MessageTokens | null;
  auth: AuthVerdict;
  /** the score of every symbol but the classifier's (rules, DNS lists): what auto-learning looks at */
  ruleScore: number;
  accounts: Map<number, SpamVerdict>;
  /** every account's fields are the same, so they went into the trace once (no per-copy edit) */
  fieldsInTrace: boolean;
  /** decoded, for the quarantine's list */
  subject: string;
  fromAddress: string;
}

const states = new WeakMap<MessageUnderCheck, MessageSpamState>();

/** The spam verdict for one recipient account of a message (its own classifier model and thresholds); Sieve's spamtest reads its score. */
export function spamVerdictFor(message: MessageUnderCheck, accountId: number): SpamVerdict | undefined {
  return states.get(message)?.accounts.get(accountId);
}

export function spamStateOf(message: MessageUnderCheck): MessageSpamState | undefined {
  return states.get(message);
}

function traceValues(trace: readonly string[], name: string): string[] {
  const prefix = `${name.toLowerCase()}:`;
  return trace.filter((f) => f.toLowerCase().startsWith(prefix)).map((f) => f.slice(prefix.length).replace(/\r\n[ \t]/g, ' ').trim());
}

function recipientAccounts(message: MessageUnderCheck): number[] {
  const ids = new Set<number>(message.plan.mailboxes.map((m) => m.accountId));
  for (const list of message.plan.lists) for (const m of list.mailboxes) ids.add(m.accountId);
  return [...ids];
}

/**
 * Message scoring on mail to the MX (issue 21 item 2), after sender authentication: incoming
 * X-Spam-* fields are removed (only ours count), the rules add their symbols, and the
 * statistical classifier adds BAYES_SPAM/BAYES_HAM per recipient account (its own model once it
 * learned enough, else the global one: one query for all of them). `message.score` carries the
 * sole account's score (or, for several, the global model's), which Sieve's spamtest reads;
 * spamVerdictFor gives each account's. When every local recipient's score reaches its reject
 * level the message is refused at DATA (550 5.7.1: the client bounces it, we never do).
 * Committed messages with clear rule scores train the global model (auto-learn).
 */
export function spamScoreStep(store: Pick<Store, 'spam' | 'recipients'>, opts: SpamScoreOptions): DeliveryStep {
  const autolearn = async (state: MessageSpamState, session: string | undefined) => {
    if (!opts.autolearn.enabled || !state.tokens) return;
    const authenticated = state.auth.dmarc === 'pass' || state.auth.dkim.includes('pass');
    const spam = state.ruleScore >= opts.autolearn.spamScore ? true : state.ruleScore <= opts.autolearn.hamScore && authenticated ? false : null;
    if (spam === null) return;
    try {
      await opts.classifier.learnTokens(state.tokens, spam, { accountId: null, global: true });
    } catch (error) {
      opts.logger?.warn({ session, err: error }, 'spam auto-learn failed');
    }
  };
  /**
   * rspamd's verdict instead of ours: its symbols and score on the message, its action for every
   * recipient (reject: 550 at DATA; add header / rewrite subject: Junk, or the quarantine from the
   * account's quarantine level on; soft reject: 451). Undefined when it answered and the message
   * goes on, null when it could not be asked (the built-in scoring then runs).
   */
  const checkWithRspamd = async (rspamd: RspamdClient, message: MessageUnderCheck, subject: string, fromAddress: string): Promise<StepResult | null> => {
    const client = message.envelope.client;
    let verdict;
    try {
      verdict = await rspamd.check(message.raw, {
        from: message.envelope.sender,
        recipients: message.recipients.map((r) => r.resolution.address),
        ip: client?.ip ?? null,
        helo: client?.helo || null,
        hostname: client?.hostname && !client.hostname.startsWith('[') ? client.hostname : null,
        user: message.envelope.submitter?.address ?? null,
        queueId: client?.sessionId,
      });
    } catch (error) {
      if (!(error instanceof RspamdUnavailableError)) throw error;
      opts.logger?.warn({ session: client?.sessionId, err: error }, 'rspamd unavailable: built-in spam scoring used');
      return null;
    }
    for (const symbol of verdict.symbols) addSymbol(message, symbol);
    message.score = verdict.score;
    const action = rspamdAction(verdict.action);
    if (action === 'tempfail') return smtpReply(451, '4.7.1', 'Message deferred by the spam filter, try again later');
    if (action === 'reject') return smtpReply(550, '5.7.1', `Message refused as spam (score ${verdict.score.toFixed(1)})`);
    const accountIds = recipientAccounts(message);
    const thresholds = await store.spam.thresholds(accountIds);
    const accounts = new Map<number, SpamVerdict>();
    for (const id of accountIds) {
      const levels = levelsFor(opts.levels, thresholds.get(id));
      const filed: SpamVerdict['action'] = action === 'junk' ? (verdict.score >= levels.quarantine ? 'quarantine' : 'junk') : 'inbox';
      accounts.set(id, { score: verdict.score, spam: action === 'junk', symbols: [...message.symbols], probability: null, levels, action: filed });
    }
    const fields = [...accounts.values()].map((v) => spamFields(v).join('\r\n'));
    const fieldsInTrace = fields.length > 0 && fields.every((f) => f === fields[0]);
    if (fieldsInTrace) addTrace(message, spamFields(accounts.values().next().value!));
    states.set(message, { tokens: null, auth: NO_AUTH_VERDICT, ruleScore: verdict.score, accounts, fieldsInTrace, subject, fromAddress });
    return undefined;
  };
  return {
    name: 'spam-score',
    sources: ['mx'],
    async message(message) {
      const { header, body } = splitMessage(message.raw);
      const cleaned = removeFields(header, SPAM_FIELDS);
      if (cleaned !== header) message.raw = joinMessage(cleaned, body);
      const features = messageFeatures(message.raw, parseMessage(message.raw));
      if (opts.rspamd) {
        const external = await checkWithRspamd(opts.rspamd, message, features.parsed.subject, features.parsed.from[0]?.address ?? '');
        if (external !== null) return external;
      }
      const auth = authVerdict(traceValues(message.trace, 'Authentication-Results'), opts.hostname);
      const fromDomain = addressDomain(features.parsed.from[0]?.address);
      const localDomains = new Set<string>();
      if (fromDomain && (await store.recipients.localDomain(fromDomain))) localDomains.add(fromDomain);
      for (const hit of runRules({ features, auth, localDomains, now: opts.now?.() ?? new Date() })) addSymbol(message, hit);

      const ruleScore = message.score;
      const tokens = tokensOf(features);
      const accountIds = recipientAccounts(message);
      const [classified, thresholds] = await Promise.all([opts.classifier.classify(tokens, accountIds), store.spam.thresholds(accountIds)]);
      const accounts = new Map<number, SpamVerdict>();
      for (const id of accountIds) {
        const c = classified.accounts.get(id)!;
        const bayes = bayesSymbol(c.probability);
        const score = ruleScore + (bayes?.score ?? 0);
        const levels = levelsFor(opts.levels, thresholds.get(id));
        accounts.set(id, { score, symbols: [...message.symbols, ...(bayes ? [bayes] : [])], probability: c.probability, levels, action: spamAction(score, levels) });
      }
      const sole = accountIds.length === 1 ? accounts.get(accountIds[0]!)! : null;
      const bayes = bayesSymbol(sole ? sole.probability : classified.global.probability);
      if (bayes) addSymbol(message, bayes);

      const fields = [...accounts.values()].map((v) => spamFields(v).join('\r\n'));
      const fieldsInTrace = fields.length > 0 && fields.every((f) => f === fields[0]);
      if (fieldsInTrace) addTrace(message, spamFields(accounts.values().next().value!));
      const state: MessageSpamState = { tokens, auth, ruleScore, accounts, fieldsInTrace, subject: features.parsed.subject, fromAddress: features.parsed.from[0]?.address ?? '' };
      states.set(message, state);

      const verdicts = [...accounts.values()];
      const rejected = verdicts.length > 0 ? verdicts.every((v) => v.action === 'reject') : message.score >= opts.levels.reject;
      if (rejected) {
        await autolearn(state, message.envelope.client?.sessionId);
        const score = Math.min(...(verdicts.length > 0 ? verdicts.map((v) => v.score) : [message.score]));
        const tests = message.symbols.map((s) => s.name).slice(0, 8).join(', ');
        return smtpReply(550, '5.7.1', `Message refused as spam (score ${score.toFixed(1)}: ${tests})`);
      }
      return undefined;
    },
    async committed(message) {
      const state = states.get(message);
      if (state) await autolearn(state, message.envelope.client?.sessionId);
    },
  };
}

/** The built-in scoring's settings. */
export interface SpamScoringOptions {
  rspamd?: RspamdClient;
  levels: SpamLevels;
  classifier: SpamClassifier;
  autolearn: AutolearnPolicy;
}

/** What the MX's spam and malware steps need (PipelineOptions.spam); a part left out is off. */
export interface SpamPipelineOptions {
  scoring?: SpamScoringOptions;
  malware?: MalwareScanOptions;
}

/** The spam and malware steps' settings from config (MAILSTEAD_SPAM_*, MAILSTEAD_CLAMD*). */
export function spamPipelineOptions(store: Pick<Store, 'spam'>, config: Pick<MailsteadConfig, 'spam'>): SpamPipelineOptions {
  const { spam } = config;
  return {
    ...(spam.filter
      ? {
          scoring: {
            levels: { junk: spam.junkScore, quarantine: spam.quarantineScore, reject: spam.rejectScore },
            classifier: new SpamClassifier(store),
            autolearn: spam.autolearn,
            ...(spam.rspamd.url ? { rspamd: new RspamdClient(spam.rspamd.url, { password: spam.rspamd.password, timeoutMs: spam.rspamd.timeout }) } : {}),
          },
        }
      : {}),
    ...(spam.clamd.address ? { malware: { scanner: new ClamdClient(spam.clamd.address, spam.clamd.timeout), failure: spam.clamd.failure } } : {}),
  };
}
