import { describe, expect, it } from 'vitest';
import { MAX_PASSWORD_LENGTH, newPassword, passwordProblem } from './password-policy';

describe('passwordProblem', () => {
  it('accepts 8 to 1024 characters, spaces and any Unicode, with no composition rules', () => {
    for (const p of ['abcdefgh', 'correct horse battery staple', 'pässwörd', '密码密码密码密码', '🔑🔑🔑🔑🔑🔑🔑🔑', 'x'.repeat(MAX_PASSWORD_LENGTH)]) {
      expect(passwordProblem(p), p).toBeUndefined();
    }
  });
  it('counts characters, not UTF-16 units: 7 emoji are too short although they are 14 units', () => {
    expect('🔑'.repeat(7)).toHaveLength(14);
    expect(passwordProblem('🔑'.repeat(7))).toBe('password must be at least 8 characters');
  });
  it('refuses short, overlong and control-character passwords, saying why', () => {
    expect(passwordProblem('')).toBe('password must be at least 8 characters');
    expect(passwordProblem('short12')).toBe('password must be at least 8 characters');
    expect(passwordProblem('x'.repeat(MAX_PASSWORD_LENGTH + 1))).toBe('password must be at most 1024 characters');
    for (const p of ['line one\nline two', 'carriage\rreturn', 'nul\0in the middle', 'tab\tseparated', 'delete\x7fchar']) {
      expect(passwordProblem(p), JSON.stringify(p)).toMatch(/control characters/);
    }
  });
  it('newPassword carries the message into the schema issue', () => {
    expect(newPassword.safeParse('short').error?.issues[0]?.message).toBe('password must be at least 8 characters');
    expect(newPassword.safeParse('long enough').success).toBe(true);
  });
});
