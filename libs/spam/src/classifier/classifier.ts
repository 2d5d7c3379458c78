/** Messages learned as spam and as ham that contained a token (or, for the totals, at all). */
export interface TokenCounts {
  spam: number;
  ham: number;
}

/** What the classifier needs of a model for one message: its totals and the counts of the message's tokens. */
export interface ModelCounts {
  totals: TokenCounts;
  tokens: ReadonlyMap<bigint, TokenCounts>;
}

export interface ClassifierOptions {
  /** messages of each class a model must have learned before it gives an opinion */
  minLearned: number;
  /** Robinson's s and x: the weight and value of the prior for a token seen few times */
  strength: number;
  unknown: number;
  /** tokens with |f(w) - 0.5| below this are left out (SpamBayes' minimum_prob_strength) */
  minStrength: number;
  /** most extreme tokens used */
  maxClues: number;
}

export const CLASSIFIER_DEFAULTS: ClassifierOptions = { minLearned: 5, strength: 0.45, unknown: 0.5, minStrength: 0.1, maxClues: 150 };

/**
 * The probability that χ² with `dof` (even) degrees of freedom is at least `x2`: the series
 * SpamBayes' chi2Q uses.
 */
export function chi2Q(x2: number, dof: number): number {
  const m = x2 / 2;
  let term = Math.exp(-m);
  let sum = term;
  for (let i = 1; i < dof / 2; i++) {
    term *= m / i;
    sum += term;
  }
  return Math.min(sum, 1);
}

/** Robinson's f(w): the token's spam probability, pulled toward `unknown` when it was seen few times. */
export function tokenProbability(counts: TokenCounts, totals: TokenCounts, opts: ClassifierOptions = CLASSIFIER_DEFAULTS): number {
  const spamRatio = totals.spam > 0 ? Math.min(1, counts.spam / totals.spam) : 0;
  const hamRatio = totals.ham > 0 ? Math.min(1, counts.ham / totals.ham) : 0;
  const n = counts.spam + counts.ham;
  const p = spamRatio + hamRatio > 0 ? spamRatio / (spamRatio + hamRatio) : opts.unknown;
  return (opts.strength * opts.unknown + n * p) / (opts.strength + n);
}

export interface Classification {
  /** 0 (ham) .. 1 (spam); null when the model has not learned enough of both classes */
  probability: number | null;
  /** how many tokens counted */
  clues: number;
}

/**
 * Robinson-Fisher chi-square combining (Gary Robinson, "A Statistical Approach to the Spam
 * Problem", 2003; SpamBayes' chi2_spamprob): Fisher's method is applied to the tokens' f(w)
 * for spamminess and to 1 - f(w) for hamminess, and the indicator is (1 + S - H) / 2.
 */
export function classify(hashes: readonly bigint[], model: ModelCounts, opts: ClassifierOptions = CLASSIFIER_DEFAULTS): Classification {
  if (model.totals.spam < opts.minLearned || model.totals.ham < opts.minLearned) return { probability: null, clues: 0 };
  const probabilities: number[] = [];
  for (const hash of new Set(hashes)) {
    const counts = model.tokens.get(hash);
    if (!counts || counts.spam + counts.ham === 0) continue;
    const f = tokenProbability(counts, model.totals, opts);
    if (Math.abs(f - 0.5) >= opts.minStrength) probabilities.push(f);
  }
  probabilities.sort((a, b) => Math.abs(b - 0.5) - Math.abs(a - 0.5));
  const clues = probabilities.slice(0, opts.maxClues);
  if (clues.length === 0) return { probability: 0.5, clues: 0 };
  let lnSpam = 0;
  let lnHam = 0;
  for (const f of clues) {
    // keep f off 0 and 1, where ln is infinite
    const p = Math.min(Math.max(f, 1e-6), 1 - 1e-6);
    lnSpam += Math.log(1 - p);
    lnHam += Math.log(p);
  }
  const s = 1 - chi2Q(-2 * lnSpam, 2 * clues.length);
  const h = 1 - chi2Q(-2 * lnHam, 2 * clues.length);
  return { probability: (1 + s - h) / 2, clues: clues.length };
}

/** Largest weights of the classifier's symbol, at probability 1 (spam) and 0 (ham). */
export const BAYES_SPAM_WEIGHT = 5.5;
export const BAYES_HAM_WEIGHT = 3.0;

/**
 * The classifier's opinion as a symbol: BAYES_SPAM above 0.6, BAYES_HAM below 0.4, its weight
 * growing with the square of the distance from 0.5 (0.9 gives 3.5 of 5.5, 0.99 gives 5.3), and
 * nothing in between (unsure).
 */
export function bayesSymbol(probability: number | null): { name: string; score: number; detail: string } | null {
  if (probability === null || Math.abs(probability - 0.5) < 0.1) return null;
  const strength = ((probability - 0.5) / 0.5) ** 2;
  const detail = probability.toFixed(4);
  return probability > 0.5
    ? { name: 'BAYES_SPAM', score: round2(BAYES_SPAM_WEIGHT * strength), detail }
    : { name: 'BAYES_HAM', score: -round2(BAYES_HAM_WEIGHT * strength), detail };
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
