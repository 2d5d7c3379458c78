const BASE = 'http://mailstead.invalid';

// C0 and C1 controls, DEL, and the Unicode spaces and invisible marks a URL parser or a browser
// may strip or treat as a separator (WHATWG URL strips tab/CR/LF: "/\t/evil" becomes "//evil").
const INVISIBLE = /[\u0000-\u0020\u007f-\u00a0\u00ad\u1680\u180e\u2000-\u200f\u2028-\u202f\u205f\u2060\u3000\ufeff]/;

/** One decoding step of %XX escapes; undefined when they are malformed. */
function percentDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

/** A path on this origin; `decoded` text is checked up to its query, where %20 and the like are data. */
function looksLocal(text: string, decoded: boolean): boolean {
  const checked = decoded ? text.split(/[?#]/, 1)[0]! : text;
  if (INVISIBLE.test(checked) || checked.includes('\\')) return false;
  return text.startsWith('/') && !text.startsWith('//');
}

/**
 * Where to go after logging in (the login page's ?next=): a path of the webmail or the console on
 * this origin, or `fallback`. Refused: absolute and scheme-relative URLs ("https://evil",
 * "//evil", "https:evil", "javascript:"), backslashes ("/\evil" is "//evil" to a browser), control
 * and invisible characters ("/\t/evil"), and the same hidden behind percent-encoding, once or
 * more ("/%5Cevil", "/%2F/evil", "/%252F/evil"). An open redirect here would make phishing links
 * to this server's login page land on the attacker's site.
 */
export function safeNext(next: string | null | undefined, fallback = '/mail'): string {
  if (!next || next.length > 2048) return fallback;
  let text = next;
  for (let depth = 0; depth < 4; depth++) {
    if (!looksLocal(text, depth > 0)) return fallback;
    const decoded = percentDecode(text);
    if (decoded === undefined) return fallback;
    if (decoded === text) break;
    text = decoded;
  }
  if (text.includes('%')) return fallback; // still encoded after four rounds: not a path anyone types
  const url = new URL(next, BASE);
  if (url.origin !== BASE) return fallback;
  const path = url.pathname;
  const inApp = (prefix: string) => path === prefix || path.startsWith(`${prefix}/`);
  // Only the two web apps; never the login page itself (a loop) nor the API (GET /api/... with the new session).
  if (!(inApp('/mail') || inApp('/admin')) || inApp('/mail/login')) return fallback;
  return `${url.pathname}${url.search}${url.hash}`;
}
