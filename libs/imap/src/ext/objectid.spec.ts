import { describe, expect, it } from 'vitest';
import { emailObjectId, isObjectId, mailboxObjectId, parseObjectId, threadObjectId } from './objectid';

describe('OBJECTID (RFC 8474)', () => {
  it('formats prefixed ids that are valid objectids (section 4)', () => {
    expect(mailboxObjectId(12)).toBe('M12');
    expect(emailObjectId(345n)).toBe('E345');
    expect(threadObjectId(9223372036854775807n)).toBe('T9223372036854775807');
    for (const id of ['M12', 'E345', 'T9223372036854775807']) expect(isObjectId(id)).toBe(true);
  });

  it('parses only its own kind and valid numbers', () => {
    expect(parseObjectId('E345', 'E')).toBe(345n);
    expect(parseObjectId('E345', 'T')).toBeNull();
    expect(parseObjectId('E', 'E')).toBeNull();
    expect(parseObjectId('E34x', 'E')).toBeNull();
    expect(parseObjectId('E99999999999999999999', 'E')).toBeNull();
    expect(parseObjectId('E9223372036854775808', 'E')).toBeNull();
    expect(isObjectId('')).toBe(false);
    expect(isObjectId('a b')).toBe(false);
    expect(isObjectId('x'.repeat(256))).toBe(false);
  });
});
