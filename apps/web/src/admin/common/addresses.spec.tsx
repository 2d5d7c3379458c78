import { describe, expect, it } from 'vitest';
import { addressesFromCsv, isAddress, splitAddresses } from './addresses';
import { formatBytes, quotaPercent } from './format';
import { generatePassword } from './password';

describe('addresses', { timeout: 60_000 }, () => {
  it('accepts addresses and rejects what is not one', () => {
    expect(isAddress('alice@example.test')).toBe(true);
    expect(isAddress('a.b+tag@sub.example.co')).toBe(true);
    for (const bad of ['alice', 'alice@', '@example.test', 'a b@example.test', 'alice@example', 'alice@-x.test']) expect(isAddress(bad), bad).toBe(false);
  });

  it('splits pasted text on lines, commas and semicolons', () => {
    expect(splitAddresses('a@x.test, b@x.test;c@x.test\n\n <d@x.test>\r\n')).toEqual(['a@x.test', 'b@x.test', 'c@x.test', 'd@x.test']);
  });

  it('reads the address column of a CSV with a header, quoted cells included', () => {
    const csv = 'name,Email\n"Doe, Jane",Jane@Example.test\nBob,bob@example.test\nNobody,not-an-address\n\nBob again,bob@example.test\n';
    expect(addressesFromCsv(csv)).toEqual({ addresses: ['jane@example.test', 'bob@example.test'], rejected: ['not-an-address'] });
  });

  it('takes the first column of a CSV without a header', () => {
    expect(addressesFromCsv('a@x.test,Alice\nb@x.test,Bob').addresses).toEqual(['a@x.test', 'b@x.test']);
  });
});

describe('formatting', { timeout: 60_000 }, () => {
  it('formats sizes and quota shares', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(250 * 1024 * 1024)).toBe('250 MB');
    expect(quotaPercent(50, 200)).toBe(25);
    expect(quotaPercent(500, 200)).toBe(100);
    expect(quotaPercent(5, 0)).toBeNull();
  });

  it('generates distinct passwords without look-alike characters', () => {
    const a = generatePassword();
    expect(a).toMatch(/^[a-km-zA-HJ-NP-Z2-9]{5}(-[a-km-zA-HJ-NP-Z2-9]{5}){3}$/);
    expect(a).not.toMatch(/[01lIO]/);
    expect(generatePassword()).not.toBe(a);
  });
});
