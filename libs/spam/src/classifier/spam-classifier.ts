import { parseMessage } from '@mailstead/mime';
import type { SpamLearnResult, Store } from '@mailstead/store';
import { messageFeatures, type MessageFeatures } from '../rules/message-features';
import { CLASSIFIER_DEFAULTS, classify, type Classification, type ClassifierOptions } from './classifier';
import { messageTokens, tokenHash, tokensDigest } from './tokenizer';

export interface MessageTokens {
  hashes: bigint[];
  /** what a learned message is remembered by */
  digest: string;
}

export function tokensOf(features: MessageFeatures): MessageTokens {
  const hashes = messageTokens(features).map(tokenHash);
  return { hashes, digest: tokensDigest(hashes) };
}

export interface AccountClassification extends Classification {
  /** which model answered: the account's own once it learned enough, else the global one */
  model: 'account' | 'global';
}

/** What to train: the global model, an account's, or both (what a user files trains both). */
export interface TrainTarget {
  accountId: number | null;
  global: boolean;
}

/**
 * The classifier over the store's models: one query for a message's tokens in the global model
 * and in every recipient account's, bulk learning per model.
 */
export class SpamClassifier {
  constructor(
    private readonly store: Pick<Store, 'spam'>,
    readonly options: ClassifierOptions = CLASSIFIER_DEFAULTS,
  ) {}

  async classify(tokens: MessageTokens, accountIds: readonly number[]): Promise<{ global: Classification; accounts: Map<number, AccountClassification> }> {
    const counts = await this.store.spam.counts(tokens.hashes, accountIds);
    const global = classify(tokens.hashes, counts.global, this.options);
    const accounts = new Map<number, AccountClassification>();
    for (const id of accountIds) {
      const own = classify(tokens.hashes, counts.accounts.get(id)!, this.options);
      accounts.set(id, own.probability === null ? { ...global, model: 'global' } : { ...own, model: 'account' });
    }
    return { global, accounts };
  }

  /** Learns one message as spam or ham; the answers per model trained, global first. */
  async learn(raw: Buffer, spam: boolean, target: TrainTarget): Promise<SpamLearnResult[]> {
    return this.learnTokens(tokensOf(messageFeatures(raw, parseMessage(raw))), spam, target);
  }

  async learnTokens(tokens: MessageTokens, spam: boolean, target: TrainTarget): Promise<SpamLearnResult[]> {
    const results: SpamLearnResult[] = [];
    if (target.global) results.push(await this.store.spam.learn({ accountId: null }, tokens.digest, tokens.hashes, spam));
    if (target.accountId !== null) results.push(await this.store.spam.learn({ accountId: target.accountId }, tokens.digest, tokens.hashes, spam));
    return results;
  }
}
