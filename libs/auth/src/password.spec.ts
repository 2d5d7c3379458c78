import { describe, expect, it } from 'vitest';
import { passwordProblem } from '@mailstead/contracts';
import { generatePassword, hashPassword, verifyPassword } from './password';

describe('password hashing', () => {
  it('hashes with argon2id and verifies only the right password', async () => {
    const hash = await hashPassword('correct horse');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verifyPassword(hash, 'correct horse')).toBe(true);
    expect(await verifyPassword(hash, 'correct horsE')).toBe(false);
  });

  it('answers false, not an exception, for a malformed hash', async () => {
    expect(await verifyPassword('not-a-hash', 'x')).toBe(false);
    expect(await verifyPassword('', '')).toBe(false);
  });

  it('generates distinct typeable passwords', () => {
    const a = generatePassword();
    expect(a).toMatch(/^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/);
    expect(generatePassword()).not.toBe(a);
  });

  it('generates passwords the password policy (libs/contracts) accepts', () => {
    expect(passwordProblem(generatePassword())).toBeUndefined();
  });
});
