/**
 * METADATA (RFC 5464) entry names and GETMETADATA options. Storage is libs/store
 * `ImapMetadataRepository`; this validates what clients send before it gets there.
 */

export class MetadataSyntaxError extends Error {}

export type MetadataDepth = '0' | '1' | 'infinity';

/**
 * Validates and normalises an entry name (RFC 5464 section 3.2): starts with /private or /shared,
 * no "//", no trailing "/", no "*" or "%", ASCII only and no octets 0x00-0x19; compared
 * case-insensitively, so it is returned lower-cased. SETMETADATA entries need at least two
 * components, vendor entries at least four (/shared/vendor/<token>/...). GETMETADATA may also
 * name "/private" or "/shared" alone (useful with DEPTH). Throws MetadataSyntaxError (BAD).
 */
export function normalizeEntryName(name: string, purpose: 'get' | 'set'): string {
  if (name.length === 0 || name.length > 1024) throw new MetadataSyntaxError('Invalid entry name length');
  if (!name.startsWith('/') || name.endsWith('/') || name.includes('//')) throw new MetadataSyntaxError(`Invalid entry name ${name.slice(0, 60)}`);
  if (/[*%\u0000-\u0019\u007f-\uffff]/.test(name)) throw new MetadataSyntaxError(`Invalid character in entry name ${name.slice(0, 60)}`);
  const lower = name.toLowerCase();
  const parts = lower.split('/').slice(1);
  if (parts[0] !== 'private' && parts[0] !== 'shared') throw new MetadataSyntaxError('Entry names start with /private or /shared');
  const minimum = purpose === 'get' ? 1 : parts[1] === 'vendor' ? 4 : 2;
  if (parts.length < minimum) throw new MetadataSyntaxError(`Entry name ${name.slice(0, 60)} has too few components`);
  return lower;
}

export function isPrivateEntry(normalized: string): boolean {
  return normalized === '/private' || normalized.startsWith('/private/');
}

/** GETMETADATA (DEPTH x) option (RFC 5464 section 4.2.2); default 0. */
export function parseDepth(value: string): MetadataDepth {
  const lower = value.toLowerCase();
  if (lower === '0' || lower === '1' || lower === 'infinity') return lower;
  throw new MetadataSyntaxError(`Invalid DEPTH ${value.slice(0, 20)}`);
}

/** Whether stored entry `entry` answers `specifier` at `depth` (both normalised). */
export function entryMatches(specifier: string, entry: string, depth: MetadataDepth): boolean {
  if (entry === specifier) return true;
  if (depth === '0' || !entry.startsWith(`${specifier}/`)) return false;
  return depth === 'infinity' || !entry.slice(specifier.length + 1).includes('/');
}
