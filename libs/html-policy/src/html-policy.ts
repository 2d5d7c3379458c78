import type { DOMPurify } from 'dompurify';

/**
 * The one HTML policy, in two profiles, each a function over a DOMPurify instance the caller
 * brings (jsdom's window on the server, the page's in the browser), so the rules live here once:
 *
 * - received mail (sanitizeReceivedMail): what anyone may send us, shown in the webmail. Broad
 *   formatting stays (styles, tables, images), but nothing executes, loads or navigates by
 *   itself: no scripts, handlers, frames, forms, SVG/MathML, no javascript:/vbscript:/data: URLs
 *   other than inline raster images, no CSS that fetches or executes; remote images only when
 *   the reader asked for them; cid: pictures mapped to their attachment URL; links open in a new
 *   tab without a referrer. The API applies it (apps/server html-sanitizer.ts) and the browser
 *   applies it again before the sandboxed frame (apps/web html-frame.ts).
 * - composed (sanitizeComposedHtml): what our own rich-text composer may send. A strict allowlist
 *   of text formatting, lists, links, quotes and simple tables, nothing else: no styles, no
 *   images, links only http(s)/mailto. Narrower than received mail on purpose: pasted or quoted
 *   HTML must not carry anything into a message we send in the user's name.
 */

export interface ReceivedMailOptions {
  /** Keep http(s) images (the reader asked for them); otherwise they are removed and reported. */
  allowRemoteImages: boolean;
  /** Maps a cid: reference (no "cid:", no angle brackets) to the part's URL; without it cid: images are dropped. */
  cidUrl?: (contentId: string) => string | undefined;
}

export interface SanitizedMail {
  html: string;
  /** Some remote image was removed (the reader may ask for them). */
  remoteImagesBlocked: boolean;
}

/** Tags that never belong in a mail body shown in the webmail: active content, forms, document-level tags. */
const RECEIVED_FORBID_TAGS = [
  'script', 'iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'form', 'input', 'button', 'textarea', 'select', 'option',
  'meta', 'link', 'base', 'svg', 'math', 'template', 'noscript', 'portal', 'audio', 'video', 'source', 'track',
];
const RECEIVED_FORBID_ATTR = ['srcset', 'background', 'action', 'formaction', 'ping', 'poster', 'xlink:href', 'lowsrc', 'dynsrc', 'http-equiv'];
/** CSS that can fetch or execute: url(), image-set(), @import, IE expression()/behavior, -moz-binding. */
const DANGEROUS_CSS = /url\s*\(|image-set\s*\(|@import|expression\s*\(|behavior\s*:|-moz-binding|javascript:|\\/i;
const SAFE_DATA_IMAGE = /^data:image\/(png|jpe?g|gif|webp);base64,[a-z0-9+/=\s]+$/i;
const RECEIVED_URI = /^(?:(?:https?|mailto|cid):|data:image\/(?:png|jpe?g|gif|webp);base64,|#|[^a-z]|[a-z+.-]+(?:[^a-z+.\-:]|$))/i;
const RECEIVED_LINK = /^(https?:|mailto:|#)/i;

export function sanitizeReceivedMail(purify: DOMPurify, html: string, options: ReceivedMailOptions): SanitizedMail {
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
        const url = options.cidUrl?.(decodeURIComponent(src.slice(4)).replace(/^<|>$/g, ''));
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
      if (href && !RECEIVED_LINK.test(href)) el.removeAttribute('href');
      else if (href && !href.startsWith('#')) {
        el.setAttribute('target', '_blank');
        el.setAttribute('rel', 'noopener noreferrer');
      }
    }
  });
  try {
    const clean = purify.sanitize(html, {
      FORBID_TAGS: RECEIVED_FORBID_TAGS,
      FORBID_ATTR: RECEIVED_FORBID_ATTR,
      ALLOW_DATA_ATTR: false,
      ADD_ATTR: ['target'],
      ALLOWED_URI_REGEXP: RECEIVED_URI,
      WHOLE_DOCUMENT: false,
    });
    return { html: clean, remoteImagesBlocked: blocked };
  } finally {
    purify.removeAllHooks();
  }
}

const COMPOSED_TAGS = ['p', 'div', 'br', 'span', 'b', 'strong', 'i', 'em', 'u', 's', 'strike', 'ul', 'ol', 'li', 'a', 'blockquote', 'pre', 'code', 'h1', 'h2', 'h3', 'h4', 'hr', 'table', 'thead', 'tbody', 'tr', 'td', 'th'];
const COMPOSED_ATTR = ['href', 'type', 'cite'];
const COMPOSED_LINK = /^(https?:|mailto:)/i;

/** A URL the composer may link to (http, https, mailto). */
export function isComposedLink(url: string): boolean {
  return COMPOSED_LINK.test(url.trim());
}

export function sanitizeComposedHtml(purify: DOMPurify, html: string): string {
  purify.removeAllHooks();
  purify.addHook('afterSanitizeAttributes', (node) => {
    if (node.tagName === 'A' && !isComposedLink(node.getAttribute('href') ?? '')) node.removeAttribute('href');
  });
  try {
    return purify.sanitize(html, { ALLOWED_TAGS: COMPOSED_TAGS, ALLOWED_ATTR: COMPOSED_ATTR, ALLOW_DATA_ATTR: false, WHOLE_DOCUMENT: false });
  } finally {
    purify.removeAllHooks();
  }
}
