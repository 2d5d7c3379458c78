import { decodePartBody, parseMessage, partText, type BodyPart, type ParsedMessage } from '@mailstead/mime';

/** What the rules and the classifier read from one message, extracted once. */
export interface MessageFeatures {
  parsed: ParsedMessage;
  /** the decoded text of each body text part (HTML as text), attachments left out */
  texts: string[];
  hasPlainText: boolean;
  hasHtml: boolean;
  /** absolute http(s) URLs found in text parts and HTML links, lower-cased host kept as written */
  urls: string[];
}

const MAX_TEXT_PARTS = 20;
const MAX_URLS = 200;
const URL_IN_TEXT = /\bhttps?:\/\/[^\s<>"'()[\]{}]+/gi;

function isBodyText(part: BodyPart): boolean {
  return part.type === 'text' && (part.subtype === 'plain' || part.subtype === 'html') && part.disposition?.type !== 'attachment';
}

function textParts(root: BodyPart): BodyPart[] {
  const out: BodyPart[] = [];
  const visit = (part: BodyPart): void => {
    if (out.length >= MAX_TEXT_PARTS) return;
    if (part.children.length > 0) part.children.forEach(visit);
    else if (isBodyText(part)) out.push(part);
  };
  visit(root);
  return out;
}

export function messageFeatures(raw: Buffer, parsed: ParsedMessage = parseMessage(raw)): MessageFeatures {
  const parts = textParts(parsed.body);
  const texts: string[] = [];
  const urls = new Set<string>();
  const addUrls = (text: string) => {
    for (const m of text.matchAll(URL_IN_TEXT)) {
      if (urls.size >= MAX_URLS) break;
      urls.add(m[0].replace(/[.,;:!?]+$/, ''));
    }
  };
  for (const part of parts) {
    const text = partText(raw, part);
    texts.push(text);
    addUrls(text);
    // links hide behind anchor text in HTML: read the markup too
    if (part.subtype === 'html') addUrls(decodePartBody(raw, part).toString('latin1'));
  }
  return {
    parsed,
    texts,
    hasPlainText: parts.some((p) => p.subtype === 'plain'),
    hasHtml: parts.some((p) => p.subtype === 'html'),
    urls: [...urls],
  };
}

/** The host of a URL, lower-cased, or null when it does not parse. */
export function urlHost(url: string): string | null {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return null;
  }
}

/** The domain of an address ("a@B.example" -> "b.example"), '' for none. */
export function addressDomain(address: string | null | undefined): string {
  const at = address?.lastIndexOf('@') ?? -1;
  return at < 0 ? '' : address!.slice(at + 1).toLowerCase().replace(/[>\s]+$/, '');
}
