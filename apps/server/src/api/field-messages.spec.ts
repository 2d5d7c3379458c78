import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { changePasswordRequest, composeRequest, createUserRequest, updateUserRequest } from '@mailstead/contracts';
import { fieldLabel, fieldMessages } from './field-messages';

const messages = (schema: z.ZodType, value: unknown) => {
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) throw new Error('expected a failure');
  return fieldMessages(result.error.issues);
};

describe('field messages', () => {
  it('say what is wrong in words, never in zod\'s terms', () => {
    expect(messages(updateUserRequest, { quotaBytes: 1e20 })).toEqual({ quotaBytes: ['Quota is too large'] });
    expect(messages(updateUserRequest, { quotaBytes: -1 })).toEqual({ quotaBytes: ['Quota must be at least 0'] });
    expect(messages(updateUserRequest, { quotaBytes: 1.5 })).toEqual({ quotaBytes: ['Quota must be a whole number'] });
    expect(messages(updateUserRequest, { displayName: 'x'.repeat(201) })).toEqual({ displayName: ['Name is too long (at most 200 characters)'] });
    expect(messages(updateUserRequest, { enabled: 'yes' })).toEqual({ enabled: ['Enabled must be true or false'] });
    expect(messages(updateUserRequest, { role: 'root' })).toEqual({ role: ['Role must be one of admin, domain_admin, user'] });
    expect(messages(createUserRequest, { address: 'not an address', password: 'short' })).toEqual({
      address: ['"not an address" is not a valid email address'],
      password: ['Password must be at least 8 characters'],
    });
    expect(messages(createUserRequest, {})).toEqual({ address: ['Address is required'], password: ['Password is required'] });
    expect(messages(changePasswordRequest, { currentPassword: '', newPassword: 'long enough' })).toEqual({ currentPassword: ['Current password must not be empty'] });
    expect(messages(composeRequest, { from: 'a@b.test', to: ['ok@b.test', 'nope'] })).toEqual({ 'to.1': ['"nope" is not a valid email address'] });
    expect(messages(z.strictObject({ a: z.string() }), { a: 'x', b: 1 })).toEqual({ _: ['"b" is not a field of this request'] });
  });

  it('name fields as a person would', () => {
    expect(fieldLabel(['quotaBytes'])).toBe('Quota');
    expect(fieldLabel(['totpCode'])).toBe('Totp code');
    expect(fieldLabel(['to', 2])).toBe('To (3rd entry)');
    expect(fieldLabel(['to', 10])).toBe('To (11th entry)');
    expect(fieldLabel([])).toBe('The request');
  });
});
