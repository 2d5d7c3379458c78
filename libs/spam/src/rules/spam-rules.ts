import type { AuthVerdict } from './auth-results';
import { addressDomain, urlHost, type MessageFeatures } from './message-features';

/** A symbol a check attached to a message (as libs/pipeline's CheckSymbol and rspamd's symbols). */
export interface SpamSymbol {
  name: string;
  score: number;
  detail?: string;
}

export interface RuleInput {
  features: MessageFeatures;
  auth: AuthVerdict;
  /** the domains this server receives mail for, lower-cased */
  localDomains: ReadonlySet<string>;
  now: Date;
}

/**
 * One weighted test: `test` answers false/null when it does not fire, true or a detail string
 * when it does. Pure: everything it reads is in the input.
 */
export interface SpamRule {
  name: string;
  score: number;
  description: string;
  test(input: RuleInput): boolean | string | null;
}

const HOUR = 3_600_000;

/** Hosts of public URL shorteners: the link hides where it goes. */
export const URL_SHORTENERS: ReadonlySet<string> = new Set([
  'bit.ly', 'bitly.com', 'tinyurl.com', 't.co', 'goo.gl', 'ow.ly', 'is.gd', 'buff.ly', 'rebrand.ly', 'cutt.ly', 'shorturl.at', 'tiny.cc', 'rb.gy', 'v.gd', 'shorte.st', 'adf.ly', 'bl.ink', 't.ly', 'lnkd.in', 's.id',
]);

const fromDomain = (f: MessageFeatures) => addressDomain(f.parsed.from[0]?.address);

export const SPAM_RULES: readonly SpamRule[] = [
  {
    name: 'MISSING_DATE',
    score: 1.0,
    description: 'No Date field (RFC 5322 3.6 requires one)',
    test: ({ features }) => !features.parsed.headers.some((h) => h.key === 'date'),
  },
  {
    name: 'DATE_IN_FUTURE',
    score: 2.0,
    description: 'Date more than 12 hours ahead of our clock',
    test: ({ features, now }) => {
      const date = features.parsed.date;
      return date !== null && date.getTime() - now.getTime() > 12 * HOUR ? date.toISOString() : null;
    },
  },
  {
    name: 'DATE_IN_PAST',
    score: 1.0,
    description: 'Date more than 96 hours behind our clock',
    test: ({ features, now }) => {
      const date = features.parsed.date;
      return date !== null && now.getTime() - date.getTime() > 96 * HOUR ? date.toISOString() : null;
    },
  },
  {
    name: 'MISSING_MID',
    score: 0.5,
    description: 'No Message-ID field',
    test: ({ features }) => !features.parsed.headers.some((h) => h.key === 'message-id'),
  },
  {
    name: 'MISSING_SUBJECT',
    score: 0.5,
    description: 'No Subject field',
    test: ({ features }) => !features.parsed.headers.some((h) => h.key === 'subject'),
  },
  {
    name: 'FROM_REPLYTO_MISMATCH',
    score: 1.0,
    description: 'Reply-To points at another domain than From',
    test: ({ features }) => {
      const reply = addressDomain(features.parsed.replyTo[0]?.address);
      const from = fromDomain(features);
      return reply !== '' && from !== '' && reply !== from ? `${from} -> ${reply}` : null;
    },
  },
  {
    name: 'HTML_ONLY',
    score: 1.0,
    description: 'HTML with no plain-text alternative',
    test: ({ features }) => features.hasHtml && !features.hasPlainText,
  },
  {
    name: 'SUBJ_ALL_CAPS',
    score: 1.5,
    description: 'Subject written in capitals',
    test: ({ features }) => {
      const letters = features.parsed.subject.replace(/[^\p{L}]/gu, '');
      return letters.length >= 10 && letters === letters.toUpperCase() && letters !== letters.toLowerCase();
    },
  },
  {
    name: 'URL_SHORTENER',
    score: 1.5,
    description: 'Links through a URL shortener',
    test: ({ features }) => {
      const hosts = features.urls.map(urlHost).filter((h): h is string => h !== null && URL_SHORTENERS.has(h.replace(/^www\./, '')));
      return hosts.length > 0 ? [...new Set(hosts)].join(',') : null;
    },
  },
  {
    name: 'MANY_TO_RECIPIENTS',
    score: 1.0,
    description: 'Twenty or more addresses in To and Cc',
    test: ({ features }) => {
      const n = features.parsed.to.length + features.parsed.cc.length;
      return n >= 20 ? String(n) : null;
    },
  },
  {
    name: 'SPF_FAIL',
    score: 2.0,
    description: 'SPF fail (RFC 7208 2.6.4)',
    test: ({ auth }) => auth.spf === 'fail',
  },
  {
    name: 'SPF_SOFTFAIL',
    score: 1.0,
    description: 'SPF softfail (RFC 7208 2.6.5)',
    test: ({ auth }) => auth.spf === 'softfail',
  },
  {
    name: 'DKIM_FAIL',
    score: 1.5,
    description: 'A DKIM signature that does not verify, and none that does',
    test: ({ auth }) => auth.dkim.includes('fail') && !auth.dkim.includes('pass'),
  },
  {
    name: 'DMARC_FAIL',
    score: 3.0,
    description: "Fails the From domain's DMARC policy (RFC 7489)",
    test: ({ auth }) => auth.dmarc === 'fail',
  },
  {
    name: 'FORGED_OUR_DOMAIN',
    score: 3.0,
    description: 'From names one of our domains, yet came from outside without SPF, DKIM or DMARC passing',
    test: ({ features, auth, localDomains }) => {
      const from = fromDomain(features);
      if (!localDomains.has(from)) return null;
      const passed = auth.dmarc === 'pass' || auth.dkim.includes('pass') || auth.spf === 'pass';
      return passed ? null : from;
    },
  },
];

/** The rules that fire, as symbols. */
export function runRules(input: RuleInput, rules: readonly SpamRule[] = SPAM_RULES): SpamSymbol[] {
  const hits: SpamSymbol[] = [];
  for (const rule of rules) {
    const result = rule.test(input);
    if (result === false || result === null) continue;
    hits.push(typeof result === 'string' ? { name: rule.name, score: rule.score, detail: result } : { name: rule.name, score: rule.score });
  }
  return hits;
}
