import { describe, expect, it } from 'vitest';
import { safeNext } from './safe-next';

// Open-redirect forms from the usual bypass lists (OWASP, PortSwigger, PayloadsAllTheThings) and
// the two of issue 19 item 4; each must fall back to /mail.
const BYPASSES = [
  '//attacker.invalid',
  '//attacker.invalid/mail',
  '///attacker.invalid',
  '////attacker.invalid',
  '/\\attacker.invalid',
  '/\\/attacker.invalid',
  '\\\\attacker.invalid',
  '\\/attacker.invalid',
  '/%5Cattacker.invalid/',
  '/%5cattacker.invalid/',
  '/%2F/attacker.invalid',
  '/%2f%2fattacker.invalid',
  '/%252F/attacker.invalid',
  '/%255Cattacker.invalid',
  '/\t/attacker.invalid',
  '/%09/attacker.invalid/',
  '/\n/attacker.invalid',
  '/%0a/attacker.invalid',
  '/\r/attacker.invalid',
  '/%0D/attacker.invalid',
  '/\u0000/attacker.invalid',
  '/%00/attacker.invalid',
  '/ /attacker.invalid',
  '/\u00a0/attacker.invalid',
  '/\u2028/attacker.invalid',
  '/\ufeff/attacker.invalid',
  '\t//attacker.invalid',
  ' //attacker.invalid',
  'https://attacker.invalid',
  'http://attacker.invalid/mail',
  'HTTPS://attacker.invalid',
  'https:attacker.invalid',
  'https:/attacker.invalid',
  'https:\\\\attacker.invalid',
  'javascript:alert(1)',
  'JaVaScRiPt:alert(1)',
  'java\tscript:alert(1)',
  'data:text/html,<script>alert(1)</script>',
  'attacker.invalid',
  '@attacker.invalid',
  '/mail@attacker.invalid/',
  '/%',
  '/mail/%E0%A4%A',
  '/api/auth/logout',
  '/mail/login?next=//attacker.invalid',
  '/mail/login',
  '/mailbox-elsewhere',
  '',
  null,
  undefined,
];

describe('safeNext', () => {
  it.each(BYPASSES.map((next) => [JSON.stringify(next), next]))('refuses %s', (_label, next) => {
    expect(safeNext(next)).toBe('/mail');
  });

  it('has at least 30 bypass forms in its table', () => {
    expect(BYPASSES.length).toBeGreaterThanOrEqual(30);
  });

  it('keeps paths of the webmail and the console, with their query and fragment', () => {
    expect(safeNext('/admin')).toBe('/admin');
    expect(safeNext('/admin/#/users')).toBe('/admin/#/users');
    expect(safeNext('/mail')).toBe('/mail');
    expect(safeNext('/mail/folder/3?q=x')).toBe('/mail/folder/3?q=x');
    expect(safeNext('/mail/search?q=a%20b')).toBe('/mail/search?q=a%20b');
    expect(safeNext('/mail/settings')).toBe('/mail/settings');
  });

  it('answers the given fallback', () => {
    expect(safeNext('//attacker.invalid', '/admin')).toBe('/admin');
  });
});
