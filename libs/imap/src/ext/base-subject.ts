/**
 * RFC 5256 section 2.1 "Base Subject", used by SORT SUBJECT and both THREAD algorithms, and
 * the i;ascii-casemap comparison (RFC 4790 section 9.2) that SORT uses for every string key.
 */
import libmime from 'libmime';

export interface BaseSubject {
  /** The base subject, case preserved (compare with `compareAsciiCasemap`). */
  base: string;
  /**
   * True when extraction removed a subj-refwd ("Re:", "Fwd:"), a "(fwd)" trailer or a
   * "[fwd: ...]" wrapper (RFC 5256 section 2.1, last paragraph): THREAD=REFERENCES uses it
   * when grouping by subject (section 3, step 5.C).
   */
  isReplyOrForward: boolean;
}

// After step 1 every run of whitespace is one SP, so WSP below is a single " ".
// subj-blob = "[" *BLOBCHAR "]" *WSP. RFC 5256 limits BLOBCHAR to US-ASCII without "[" and "]";
// we accept any non-bracket character so that decoded non-ASCII list tags ("[Liste élèves]")
// are treated like ASCII ones. Anything the RFC removes, this removes too.
const BLOB = String.raw`\[[^\[\]]*\] ?`;
// subj-refwd = ("re" / ("fw" ["d"])) *WSP [subj-blob] ":"
const REFWD = String.raw`(?:re|fwd?) ?(?:${BLOB})?:`;
// subj-leader = (*subj-blob subj-refwd) / WSP
const LEADER = new RegExp(String.raw`^(?:(?:${BLOB})*${REFWD}| )`, 'i');
const LEADING_BLOB = new RegExp(`^${BLOB}`);
// subj-trailer = "(fwd)" / WSP
const TRAILER = /(?:\(fwd\)| )$/i;

const MAX_SUBJECT = 10_000;

/** Decodes RFC 2047 encoded words (any charset libmime knows); never throws. */
export function decodeEncodedWords(value: string): string {
  if (!value.includes('=?')) return value;
  try {
    return libmime.decodeWords(value);
  } catch {
    return value;
  }
}

/** RFC 5256 section 2.1 steps 1-7. */
export function extractBaseSubject(subject: string | null | undefined): BaseSubject {
  // (1) RFC 2047 words to UTF-8; tabs, line continuations and space runs to one SP.
  // NUL and other C0 controls are whitespace for our purposes (they never sort meaningfully).
  // Subjects are capped so the repeated prefix removals stay cheap on hostile input.
  let text = decodeEncodedWords((subject ?? '').slice(0, MAX_SUBJECT))
    .replace(/[\u0000-\u001f\u007f\s]+/g, ' ');
  let isReplyOrForward = false;
  for (;;) {
    // (2) Remove subj-trailer ("(fwd)" or WSP) repeatedly.
    for (let m = TRAILER.exec(text); m; m = TRAILER.exec(text)) {
      if (m[0] !== ' ') isReplyOrForward = true;
      text = text.slice(0, text.length - m[0].length);
    }
    // (5) Repeat (3) and (4) until neither applies.
    for (;;) {
      // (3) Remove subj-leader repeatedly.
      let changed = false;
      for (let m = LEADER.exec(text); m; m = LEADER.exec(text)) {
        if (m[0] !== ' ') isReplyOrForward = true;
        text = text.slice(m[0].length);
        changed = true;
      }
      // (4) Remove a leading subj-blob when something non-blank remains after it.
      const blob = LEADING_BLOB.exec(text);
      if (blob && text.slice(blob[0].length).trim() !== '') {
        text = text.slice(blob[0].length);
        changed = true;
      }
      if (!changed) break;
    }
    // (6) "[fwd:" ... "]" wrapper: unwrap and go back to (2).
    if (text.length >= 6 && text.slice(0, 5).toLowerCase() === '[fwd:' && text.endsWith(']')) {
      text = text.slice(5, -1);
      isReplyOrForward = true;
      continue;
    }
    break;
  }
  // (7) What is left is the base subject.
  return { base: text, isReplyOrForward };
}

/** Just the base subject string (RFC 5256 section 2.1). */
export function baseSubject(subject: string | null | undefined): string {
  return extractBaseSubject(subject).base;
}

/**
 * The i;ascii-casemap key of a string (RFC 4790 section 9.2): ASCII letters upper-cased,
 * everything else unchanged, compared as UTF-8 octets. Precompute it once per message.
 */
export function asciiCasemapKey(text: string): Buffer {
  return Buffer.from(text.replace(/[a-z]+/g, (s) => s.toUpperCase()), 'utf8');
}

/** i;ascii-casemap ordering: negative, 0 or positive. */
export function compareAsciiCasemap(a: string, b: string): number {
  return Buffer.compare(asciiCasemapKey(a), asciiCasemapKey(b));
}
