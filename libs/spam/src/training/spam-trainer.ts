import type { MailsteadConfig } from '@mailstead/config';
import type { Store } from '@mailstead/store';
import { RspamdClient } from '../rspamd/rspamd-client';
import { SpamClassifier } from '../classifier/spam-classifier';

/** Where training also goes when rspamd does the scoring (its /learnspam and /learnham). */
export interface ExternalLearner {
  learn(raw: Buffer, spam: boolean, user: string | null): Promise<void>;
}

export interface TrainingLogger {
  warn(obj: object, msg: string): void;
}

/** Most messages one user action trains (a MOVE of thousands into Junk trains the first ones). */
export const MAX_TRAINED_PER_ACTION = 200;

/**
 * What copying or moving messages between mailboxes of these special uses (RFC 6154) trains:
 * into Junk, spam; out of Junk into anything but Trash, ham (as Stalwart does); else nothing.
 */
export function filingVerdict(from: string | null, to: string | null): boolean | null {
  const fromJunk = from === '\\Junk';
  const toJunk = to === '\\Junk';
  if (toJunk && !fromJunk) return true;
  if (fromJunk && !toJunk && to !== '\\Trash') return false;
  return null;
}

/**
 * Training from what users do (issue 21 item 3): a message filed into Junk is learned as spam, one
 * taken out of Junk (into anything but Trash) as ham, in the account's model and the global one,
 * and by rspamd when it does the scoring. Training never fails the user's action: errors are logged.
 */
export class SpamTrainer {
  private readonly classifier: SpamClassifier;

  constructor(
    store: Pick<Store, 'spam'>,
    private readonly options: { external?: ExternalLearner; logger?: TrainingLogger } = {},
  ) {
    this.classifier = new SpamClassifier(store);
  }

  /** Learns the messages a user filed as spam or not; `user` names the account for rspamd. */
  async filed(accountId: number, messages: readonly Buffer[], spam: boolean, user: string | null = null): Promise<number> {
    let trained = 0;
    for (const raw of messages.slice(0, MAX_TRAINED_PER_ACTION)) {
      try {
        await this.classifier.learn(raw, spam, { accountId, global: true });
        await this.options.external?.learn(raw, spam, user);
        trained++;
      } catch (error) {
        this.options.logger?.warn({ err: error, account: accountId }, 'spam training failed');
      }
    }
    return trained;
  }
}

/** The trainer a running server uses: our models, and rspamd's when MAILSTEAD_RSPAMD_URL is set. */
export function spamTrainerFor(store: Pick<Store, 'spam'>, config: Pick<MailsteadConfig, 'spam'>, logger?: TrainingLogger): SpamTrainer {
  const { rspamd } = config.spam;
  const external = rspamd.url ? new RspamdClient(rspamd.url, { password: rspamd.password, timeoutMs: rspamd.timeout }) : undefined;
  return new SpamTrainer(store, { external, logger });
}
