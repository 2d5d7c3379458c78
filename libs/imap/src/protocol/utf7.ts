/**
 * Modified UTF-7 for mailbox names (RFC 3501 5.1.3): printable ASCII stands for itself
 * except "&", written "&-"; everything else is UTF-16 in modified base64 ("," for "/")
 * between "&" and "-".
 */
export function encodeMailboxName(name: string): string {
  let out = '';
  let pending: number[] = [];
  const flush = () => {
    if (pending.length === 0) return;
    const bytes = Buffer.alloc(pending.length * 2);
    pending.forEach((u, i) => bytes.writeUInt16BE(u, i * 2));
    out += `&${bytes.toString('base64').replace(/=+$/, '').replace(/\//g, ',')}-`;
    pending = [];
  };
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c >= 0x20 && c <= 0x7e) {
      flush();
      out += c === 0x26 ? '&-' : name[i];
    } else {
      pending.push(c);
    }
  }
  flush();
  return out;
}

/** The inverse; returns null for a name that is not valid modified UTF-7. */
export function decodeMailboxName(encoded: string): string | null {
  let out = '';
  for (let i = 0; i < encoded.length; i++) {
    const c = encoded[i]!;
    const code = c.charCodeAt(0);
    if (code < 0x20 || code > 0x7e) return null;
    if (c !== '&') {
      out += c;
      continue;
    }
    const end = encoded.indexOf('-', i + 1);
    if (end === -1) return null;
    const b64 = encoded.slice(i + 1, end);
    i = end;
    if (b64 === '') {
      out += '&';
      continue;
    }
    if (!/^[A-Za-z0-9+,]+$/.test(b64)) return null;
    const bytes = Buffer.from(b64.replace(/,/g, '/'), 'base64');
    if (bytes.length % 2 !== 0 || bytes.length === 0) return null;
    for (let j = 0; j < bytes.length; j += 2) out += String.fromCharCode(bytes.readUInt16BE(j));
  }
  return out;
}
