import type { QuarantineItemDto, SpamSettingsDto, SpamSettingsRequest } from '@mailstead/contracts';
import type { SpamTrainer } from '@mailstead/spam';
import type { QuarantineItem, Store } from '@mailstead/store';
import { invalid, notFound } from './service-error';

function dto(item: QuarantineItem): QuarantineItemDto {
  return {
    id: item.id.toString(),
    from: item.fromAddress,
    sender: item.sender,
    recipient: item.recipient,
    subject: item.subject,
    score: Math.round(item.score * 10) / 10,
    probability: item.probability,
    symbols: item.symbols,
    size: item.size,
    receivedAt: item.createdAt.toISOString(),
  };
}

function idOf(text: string): bigint {
  if (!/^\d{1,19}$/.test(text)) throw invalid('Not a quarantine id', { id: ['Not a quarantine id'] });
  return BigInt(text);
}

/**
 * An account's spam quarantine (libs/spam, spam-verdict step): what was held and why; releasing a
 * message delivers it into INBOX and trains the classifier that it is not spam; deleting drops it.
 */
export class QuarantineService {
  constructor(
    private readonly store: Store,
    private readonly trainer: Pick<SpamTrainer, 'filed'>,
    private readonly messageLimit: number,
  ) {}

  async list(accountId: number): Promise<QuarantineItemDto[]> {
    return (await this.store.spam.quarantined(accountId)).map(dto);
  }

  /** Into INBOX, then out of the quarantine: a crash between the two leaves it in both, never in neither. */
  async release(accountId: number, id: string): Promise<{ mailboxId: number }> {
    const held = await this.store.spam.quarantinedMessage(accountId, idOf(id));
    if (!held) throw notFound('Quarantined message');
    const inbox = await this.store.mailboxes.findByName(accountId, 'INBOX');
    if (!inbox) throw notFound('INBOX');
    await this.store.messages.append(inbox.id, [{ raw: held.data, internalDate: held.createdAt }], { messageLimit: this.messageLimit });
    await this.store.spam.removeQuarantined(accountId, held.id);
    await this.trainer.filed(accountId, [held.data], false);
    return { mailboxId: inbox.id };
  }

  async remove(accountId: number, id: string): Promise<void> {
    if (!(await this.store.spam.removeQuarantined(accountId, idOf(id)))) throw notFound('Quarantined message');
  }
}

/** An account's own spam thresholds, over its domain's and the server's (MAILSTEAD_SPAM_*_SCORE). */
export class SpamSettingsService {
  constructor(
    private readonly store: Store,
    private readonly defaults: { junk: number; quarantine: number; reject: number },
  ) {}

  async get(accountId: number): Promise<SpamSettingsDto> {
    const own = await this.store.spam.ownThresholds({ accountId });
    const merged = (await this.store.spam.thresholds([accountId])).get(accountId);
    return {
      own,
      effective: { junk: merged?.junk ?? this.defaults.junk, quarantine: merged?.quarantine ?? this.defaults.quarantine, reject: merged?.reject ?? this.defaults.reject },
    };
  }

  async set(accountId: number, own: SpamSettingsRequest): Promise<SpamSettingsDto> {
    const account = await this.store.accounts.findById(accountId);
    if (!account) throw notFound('Account');
    // what would be in force: the account's values, else its domain's, else the server's
    const domain = await this.store.spam.ownThresholds({ domainId: account.domainId });
    const pick = (k: 'junk' | 'quarantine' | 'reject') => own[k] ?? domain[k] ?? this.defaults[k];
    const effective = { junk: pick('junk'), quarantine: pick('quarantine'), reject: pick('reject') };
    if (effective.junk > effective.quarantine) throw invalid('The Junk level must not be above the quarantine level', { junk: ['Must not be above the quarantine level'] });
    if (effective.quarantine > effective.reject) throw invalid('The quarantine level must not be above the refusal level', { quarantine: ['Must not be above the refusal level'] });
    await this.store.spam.setThresholds({ accountId }, own);
    return this.get(accountId);
  }
}
