import { createRequire } from 'node:module';
import createDOMPurify, { type DOMPurify } from 'dompurify';

export interface SanitizeOptions {
  /** Load http(s) images (the user asked for them); otherwise they are removed. */
  allowRemoteImages: boolean;
  /** Maps a cid: reference (without "cid:", no angle brackets) to the attachment URL, if the message has that part. */
  cidUrl: (contentId: string) => string | undefined;
}

export interface SanitizedHtml {
  html: string;
  remoteImagesBlocked: boolean;
}

/** Tags that never belong in a mail body shown in the webmail: active content, forms, document-level tags. */
const FORBID_TAGS = [
  'script', 'iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'form', 'input', 'button', 'textarea', 'select', 'option',
  'meta', 'link', 'base', 'svg', 'math', 'template', 'noscript', 'portal', 'audio', 'video', 'source', 'track',
];
const FORBID_ATTR = ['srcset', 'background', 'action', 'formaction', 'ping', 'poster', 'xlink:href', 'lowsrc', 'dynsrc', 'http-equiv'];
/** CSS that can fetch or execute: url(), image-set(), @import, IE expression()/behavior, -moz-binding. */
const DANGEROUS_CSS = /url\s*\(|image-set\s*\(|@import|expression\s*\(|behavior\s*:|-moz-binding|javascript:|\\/i;
const SAFE_DATA_IMAGE = /^data:image\/(png|jpe?g|gif|webp);base64,[a-z0-9+/=\s]+$/i;

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
 * Server-side DOMPurify for mail HTML (DESIGN.md 7): nothing executable survives (scripts,
 * handlers, javascript:/vbscript:/data: URLs other than inline raster images, CSS that
 * fetches or executes), remote images go unless asked for, cid: images point at the
 * attachment URL, links open in a new tab without a referrer. The webmail still shows the
 * result in a sandboxed iframe under a strict CSP.
 */
export function sanitizeHtml(html: string, options: SanitizeOptions): SanitizedHtml {
  const purify = instance();
  let blocked = false;
  purify.removeAllHooks();
  purify.addHook('uponSanitizeElement', (node, data) => {
    if (data.tagName === 'style' && DANGEROUS_CSS.test(node.textContent ?? '')) node.textContent = '';
  });
  purify.addHook('afterSanitizeAttributes', (node) => {
    const el = node as Element;
    const style = el.getAttribute?.('style');
    if (style && DANGEROUS_CSS.test(style)) el.removeAttribute('style');
    if (el.tagName === 'IMG') {
      const src = (el.getAttribute('src') ?? '').trim();
      if (/^cid:/i.test(src)) {
        const url = options.cidUrl(decodeURIComponent(src.slice(4)).replace(/^<|>$/g, ''));
        if (url) el.setAttribute('src', url);
        else el.removeAttribute('src');
      } else if (/^https?:/i.test(src) || src.startsWith('//')) {
        if (!options.allowRemoteImages) {
          blocked = true;
          el.removeAttribute('src');
        }
      } else if (src && !SAFE_DATA_IMAGE.test(src)) {
        el.removeAttribute('src');
      }
    }
    if (el.tagName === 'A') {
      const href = (el.getAttribute('href') ?? '').trim();
      if (href && !/^(https?:|mailto:|#)/i.test(href)) el.removeAttribute('href');
      else if (href && !href.startsWith('#')) {
        el.setAttribute('target', '_blank');
        el.setAttribute('rel', 'noopener noreferrer');
      }
    }
  });
  const clean = purify.sanitize(html, {
    FORBID_TAGS,
    FORBID_ATTR,
    ALLOW_DATA_ATTR: false,
    ADD_ATTR: ['target'],
    ALLOWED_URI_REGEXP: /^(?:(?:https?|mailto|cid):|data:image\/(?:png|jpe?g|gif|webp);base64,|#|[^a-z]|[a-z+.-]+(?:[^a-z+.\-:]|$))/i,
    WHOLE_DOCUMENT: false,
  });
  purify.removeAllHooks();
  return { html: clean, remoteImagesBlocked: blocked };
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

