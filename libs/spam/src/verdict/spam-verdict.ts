import type { SpamThresholds } from '@mailstead/store';
import type { SpamSymbol } from '../rules/spam-rules';

/** Scores at or above which a message goes to Junk, to the quarantine, or is refused at DATA. */
export interface SpamLevels {
  junk: number;
  quarantine: number;
  reject: number;
}

/** An account's levels: its own or its domain's where set (SpamRepository.thresholds), else the configured defaults. */
export function levelsFor(defaults: SpamLevels, own: SpamThresholds | undefined): SpamLevels {
  return { junk: own?.junk ?? defaults.junk, quarantine: own?.quarantine ?? defaults.quarantine, reject: own?.reject ?? defaults.reject };
}

export type SpamAction = 'inbox' | 'junk' | 'quarantine' | 'reject';

export function spamAction(score: number, levels: SpamLevels): SpamAction {
  if (score >= levels.reject) return 'reject';
  if (score >= levels.quarantine) return 'quarantine';
  if (score >= levels.junk) return 'junk';
  return 'inbox';
}

/** One recipient account's verdict: what fired, the score, the classifier's probability. */
export interface SpamVerdict {
  score: number;
  /** set when an external scanner (rspamd) decided whether it is spam */
  spam?: boolean;
  symbols: SpamSymbol[];
  /** the classifier's spam probability, null when it had no opinion */
  probability: number | null;
  levels: SpamLevels;
  action: SpamAction;
}

const fmt = (n: number) => (Math.round(n * 10) / 10).toFixed(1);

/** Fields that only we may write on delivered mail: removed from incoming messages before ours go on. */
export const SPAM_FIELDS = ['x-spam-score', 'x-spam-status', 'x-spam-flag', 'x-spam-level', 'x-spam-report'];

/**
 * SpamAssassin's fields, as clients and Sieve scripts know them: `X-Spam-Flag: YES` for spam,
 * `X-Spam-Score: 7.3`, and `X-Spam-Status: Yes, score=7.3 required=5.0 tests=A,B` (the tests
 * folded at commas, RFC 5322 2.2.3), the classifier's probability in the BAYES symbol's detail.
 */
export function spamFields(verdict: Pick<SpamVerdict, 'score' | 'symbols' | 'levels'> & { spam?: boolean }): string[] {
  // rspamd decides spam by its action, not by our junk level
  const spam = verdict.spam ?? verdict.score >= verdict.levels.junk;
  const tests = verdict.symbols.length === 0 ? 'none' : verdict.symbols.map((s) => (s.name.startsWith('BAYES_') && s.detail ? `${s.name}(${s.detail})` : s.name)).join(',');
  const status = `X-Spam-Status: ${spam ? 'Yes' : 'No'}, score=${fmt(verdict.score)} required=${fmt(verdict.levels.junk)} tests=${tests}`;
  const folded: string[] = [];
  let line = '';
  for (const piece of status.split(/(?<=,)/)) {
    if (line.length + piece.length > 76 && line !== '') {
      folded.push(line);
      line = '\t';
    }
    line += piece;
  }
  folded.push(line);
  return [...(spam ? ['X-Spam-Flag: YES'] : []), `X-Spam-Score: ${fmt(verdict.score)}`, folded.join('\r\n')];
}
