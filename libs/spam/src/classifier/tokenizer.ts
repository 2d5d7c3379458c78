import { createHash } from 'node:crypto';
import { addressDomain, urlHost, type MessageFeatures } from '../rules/message-features';

/** Most distinct tokens taken from one message (the rest add little and cost a query parameter each). */
export const MAX_TOKENS = 1500;

const WORD = /[\p{L}\p{N}\p{Sc}][\p{L}\p{N}\p{Sc}'.-]*/gu;

function words(text: string, prefix: string, into: Set<string>): void {
  for (const m of text.toLowerCase().matchAll(WORD)) {
    if (into.size >= MAX_TOKENS) return;
    const w = m[0].replace(/[.'-]+$/, '');
    if (w.length < 3) continue;
    // SpamBayes' "skip" tokens: a long word is rarely repeated, its length class is.
    into.add(w.length > 20 ? `${prefix}skip:${w[0]} ${Math.floor(w.length / 10) * 10}` : `${prefix}${w}`);
  }
}

/**
 * The tokens of a message, each once (the model counts messages that contain a token): decoded
 * Subject words, the From and Reply-To domains and From's display-name words, a few structure
 * marks (content type, attachments), body words, and each URL's host and its parent domain.
 */
export function messageTokens(features: MessageFeatures): string[] {
  const { parsed } = features;
  const tokens = new Set<string>();
  words(parsed.subject, 'subject:', tokens);
  const from = parsed.from[0];
  const fromDomain = addressDomain(from?.address);
  if (fromDomain) tokens.add(`from:${fromDomain}`);
  if (from?.name) words(from.name, 'fromname:', tokens);
  const replyDomain = addressDomain(parsed.replyTo[0]?.address);
  if (replyDomain) tokens.add(`replyto:${replyDomain}`);
  tokens.add(`type:${parsed.body.type}/${parsed.body.subtype}`);
  if (features.hasHtml && !features.hasPlainText) tokens.add('html-only');
  for (const a of parsed.attachments) tokens.add(`attachment:${a.contentType.toLowerCase()}`);
  for (const url of features.urls) {
    const host = urlHost(url);
    if (!host) continue;
    tokens.add(`url:${host}`);
    const labels = host.split('.');
    if (labels.length > 2) tokens.add(`url:${labels.slice(-2).join('.')}`);
  }
  for (const text of features.texts) words(text, '', tokens);
  return [...tokens].slice(0, MAX_TOKENS);
}

/** A token's 64-bit key in the model tables (never 0: that row holds the message totals). */
export function tokenHash(token: string): bigint {
  const h = createHash('sha1').update(token).digest().readBigInt64BE(0);
  return h === 0n ? 1n : h;
}

/** The key a learned message is remembered by: its token set, so the same text learned twice counts once. */
export function tokensDigest(hashes: readonly bigint[]): string {
  const sorted = [...hashes].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return createHash('sha256').update(sorted.join(',')).digest('hex');
}
