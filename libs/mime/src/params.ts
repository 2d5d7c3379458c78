import libmime from 'libmime';
import { stripNul } from './bytes';

export interface Structured {
  value: string;
  /** lowercased keys; RFC 2231 continuations joined and charset-decoded */
  params: Record<string, string>;
}

/** `type/subtype; a=b` style values (Content-Type, Content-Disposition), comments dropped. */
export function parseStructured(value: string): Structured {
  try {
    const parsed = libmime.parseHeaderValue(value, { stripComments: true });
    const params: Record<string, string> = {};
    for (const [k, v] of Object.entries(parsed.params)) {
      const key = stripNul(k.trim().toLowerCase());
      if (key === '' || key === '__proto__' || typeof v !== 'string') continue;
      params[key] = stripNul(v);
    }
    return { value: stripNul(parsed.value.trim()), params };
  } catch {
    return { value: '', params: {} };
  }
}

/** RFC 2047 decoding (any charset libmime/iconv-lite knows); never throws. */
export function decodeWords(value: string): string {
  if (!value.includes('=?')) return value;
  try {
    return stripNul(libmime.decodeWords(value));
  } catch {
    return value;
  }
}
