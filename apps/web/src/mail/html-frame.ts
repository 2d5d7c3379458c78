import DOMPurify from 'dompurify';
import { sanitizeReceivedMail } from '@mailstead/html-policy';

/**
 * The iframe's sandbox: no allow-scripts (nothing in the message runs) and no allow-same-origin
 * (the frame is an opaque origin: no cookies, no storage, no reaching into the webmail).
 * Popups only so that links open in a new tab, outside the sandbox.
 */
export const MESSAGE_FRAME_SANDBOX = 'allow-popups allow-popups-to-escape-sandbox';

/**
 * Sanitizes the (already server-sanitized) HTML a second time in the browser, with the same
 * received-mail profile of libs/html-policy the API uses: whatever the server let through by
 * mistake, the frame still gets nothing that runs or loads unasked.
 */
export function sanitizeMessageHtml(html: string, options: { allowRemoteImages: boolean }): string {
  return sanitizeReceivedMail(DOMPurify(), html, { allowRemoteImages: options.allowRemoteImages }).html;
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
