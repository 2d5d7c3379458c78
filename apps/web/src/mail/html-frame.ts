import DOMPurify from 'dompurify';

/**
 * The iframe's sandbox: no allow-scripts (nothing in the message runs) and no allow-same-origin
 * (the frame is an opaque origin: no cookies, no storage, no reaching into the webmail).
 * Popups only so that links open in a new tab, outside the sandbox.
 */
export const MESSAGE_FRAME_SANDBOX = 'allow-popups allow-popups-to-escape-sandbox';

/**
 * Sanitizes the (already server-sanitized) HTML a second time in the browser: scripts,
 * event handlers, forms, frames and javascript: URLs go; remote images too unless allowed.
 */
export function sanitizeMessageHtml(html: string, options: { allowRemoteImages: boolean }): string {
  const purify = DOMPurify();
  purify.addHook('uponSanitizeAttribute', (_node, data) => {
    if (data.attrName.startsWith('on')) data.keepAttr = false;
  });
  purify.addHook('afterSanitizeAttributes', (node) => {
    if (node.tagName === 'A') {
      node.setAttribute('target', '_blank');
      node.setAttribute('rel', 'noopener noreferrer');
    }
    if (!options.allowRemoteImages) {
      for (const attr of ['src', 'srcset', 'background', 'poster']) {
        const value = node.getAttribute(attr);
        if (value && /^\s*(https?:)?\/\//i.test(value)) node.removeAttribute(attr);
      }
      const style = node.getAttribute('style');
      if (style && /url\s*\(\s*['"]?\s*(https?:)?\/\//i.test(style)) node.setAttribute('style', style.replace(/url\s*\([^)]*\)/gi, 'none'));
    }
  });
  return purify.sanitize(html, {
    FORBID_TAGS: ['script', 'iframe', 'frame', 'frameset', 'object', 'embed', 'form', 'input', 'button', 'textarea', 'select', 'meta', 'link', 'base'],
    FORBID_ATTR: ['formaction', 'action'],
    ALLOW_DATA_ATTR: false,
    WHOLE_DOCUMENT: false,
  });
}

/**
 * The iframe's srcdoc: the sanitized body under its own CSP (no scripts at all; images only
 * from this server, data: and, when the reader allowed them, https:).
 */
export function messageFrameDocument(html: string, options: { allowRemoteImages: boolean; dark: boolean }): string {
  const img = options.allowRemoteImages ? "'self' data: https: http:" : "'self' data:";
  const csp = `default-src 'none'; img-src ${img}; style-src 'unsafe-inline'; font-src data:; script-src 'none'; form-action 'none'`;
  const colors = options.dark ? 'color:#e6e6e6;background:#1a1e24;' : 'color:#1b1b1b;background:#ffffff;';
  return [
    '<!doctype html><html><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${csp}">`,
    '<base target="_blank">',
    `<style>html,body{margin:0;padding:12px;${colors}font:14px/1.5 system-ui,sans-serif;overflow-wrap:anywhere}img{max-width:100%;height:auto}a{color:${options.dark ? '#7db3f0' : '#1f5fa8'}}</style>`,
    '</head><body>',
    sanitizeMessageHtml(html, { allowRemoteImages: options.allowRemoteImages }),
    '</body></html>',
  ].join('');
}
