import { describe, expect, it } from 'vitest';
import { decodeMailboxName, encodeMailboxName } from './utf7';

describe('modified UTF-7 mailbox names (RFC 3501 5.1.3)', () => {
  it('encodes and decodes the RFC example and common names', () => {
    expect(encodeMailboxName('~peter/mail/台北/日本語')).toBe('~peter/mail/&U,BTFw-/&ZeVnLIqe-');
    expect(decodeMailboxName('~peter/mail/&U,BTFw-/&ZeVnLIqe-')).toBe('~peter/mail/台北/日本語');
    expect(encodeMailboxName('Entwürfe')).toBe('Entw&APw-rfe');
    expect(encodeMailboxName('Tom & Jerry')).toBe('Tom &- Jerry');
    expect(decodeMailboxName('Tom &- Jerry')).toBe('Tom & Jerry');
    expect(encodeMailboxName('Plain')).toBe('Plain');
    for (const name of ['Ünïcödé/子', '😀 emoji', '&&', 'a&b&c']) expect(decodeMailboxName(encodeMailboxName(name))).toBe(name);
  });

  it('refuses invalid encodings', () => {
    expect(decodeMailboxName('&U,BTFw')).toBeNull();
    expect(decodeMailboxName('&!!-')).toBeNull();
    expect(decodeMailboxName('caf\u00e9')).toBeNull();
  });
});
