/** One DNS record as a zone file and the DNS page show it. */
export interface ZoneRecord {
  type: string;
  /** Owner name, without the trailing dot. */
  name: string;
  /** RDATA as written in a zone file, except TXT: the value as one unquoted string. */
  value: string;
}

const utf8 = new TextEncoder();

/**
 * A TXT value cut into character-strings of at most 255 octets (RFC 1035 3.3.14: one string's
 * length is one octet); DNS clients join them again (RFC 7208 3.3, RFC 6376 3.6.2.2). A DKIM
 * key of 2048 bits is about 410 characters, so it needs two.
 */
export function txtStrings(value: string): string[] {
  const strings: string[] = [];
  let current = '';
  let octets = 0;
  for (const char of value) {
    const size = utf8.encode(char).length;
    if (octets + size > 255) {
      strings.push(current);
      current = '';
      octets = 0;
    }
    current += char;
    octets += size;
  }
  strings.push(current);
  return strings;
}

/** RFC 1035 5.1: inside a quoted string, `"` and `\` are escaped with a backslash. */
const quoted = (text: string) => `"${text.replace(/["\\]/g, (c) => `\\${c}`)}"`;

/**
 * The record as one zone-file line: `name. [ttl] IN TYPE rdata`, a TXT value quoted, and a
 * long one as several strings in parentheses.
 */
export function zoneFileLine(record: ZoneRecord, ttl?: number): string {
  const owner = `${record.name.replace(/\.$/, '')}. ${ttl === undefined ? '' : `${ttl} `}IN ${record.type}`;
  if (record.type !== 'TXT') return `${owner} ${record.value}`;
  const strings = txtStrings(record.value).map(quoted);
  return strings.length === 1 ? `${owner} ${strings[0]}` : `${owner} ( ${strings.join(' ')} )`;
}
