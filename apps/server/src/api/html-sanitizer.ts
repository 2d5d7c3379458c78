import { createRequire } from 'node:module';
import createDOMPurify, { type DOMPurify } from 'dompurify';
import { sanitizeReceivedMail, type ReceivedMailOptions, type SanitizedMail } from '@mailstead/html-policy';

export type SanitizeOptions = ReceivedMailOptions;
export type SanitizedHtml = SanitizedMail;

let purifier: DOMPurify | undefined;

/**
 * jsdom is loaded on the first sanitize, not at start: it is large (about 12 MiB of heap) and
 * processes without the api role (imap, smtp, pop3, worker) never need it.
 */
function instance(): DOMPurify {
  if (!purifier) {
    const { JSDOM } = createRequire(import.meta.url)('jsdom') as typeof import('jsdom');
    purifier = createDOMPurify(new JSDOM('').window as unknown as Window & typeof globalThis);
  }
  return purifier;
}

/**
 * Mail HTML for the message view (docs/architecture.md): libs/html-policy's received-mail profile on a
 * jsdom-backed DOMPurify. The webmail applies the same profile again in the browser and shows
 * the result in a sandboxed iframe under a strict CSP.
 */
export function sanitizeHtml(html: string, options: SanitizeOptions): SanitizedHtml {
  return sanitizeReceivedMail(instance(), html, options);
}

/**
 * A bounded LRU of sanitized bodies (by total characters): only bodies that were slow to
 * sanitize (large ones) are kept, so a burst of small messages does not push them out.
 */
export class SanitizedHtmlCache {
  private readonly entries = new Map<string, SanitizedHtml>();
  private chars = 0;

  constructor(
    private readonly maxChars = 32 * 1024 * 1024,
    private readonly minChars = 32 * 1024,
  ) {}

  get(key: string): SanitizedHtml | undefined {
    const hit = this.entries.get(key);
    if (hit) {
      // most recently used last
      this.entries.delete(key);
      this.entries.set(key, hit);
    }
    return hit;
  }

  set(key: string, value: SanitizedHtml): void {
    const size = value.html.length;
    if (size < this.minChars || size > this.maxChars / 4) return;
    const old = this.entries.get(key);
    if (old) {
      this.chars -= old.html.length;
      this.entries.delete(key);
    }
    this.entries.set(key, value);
    this.chars += size;
    for (const [k, v] of this.entries) {
      if (this.chars <= this.maxChars) break;
      this.entries.delete(k);
      this.chars -= v.html.length;
    }
  }

  get size(): number {
    return this.entries.size;
  }
}

