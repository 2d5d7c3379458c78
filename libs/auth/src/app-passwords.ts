import type { AppPasswordRecord, Store } from '@mailstead/store';
import { generatePassword, hashPassword } from './password';

/** Creates an app password; the plain text is returned this once and never stored. */
export async function createAppPassword(store: Store, accountId: number, label: string): Promise<{ record: AppPasswordRecord; password: string }> {
  const password = generatePassword();
  // Stored without the dashes so "abcd efgh ..." and "abcd-efgh-..." both work when typed.
  const record = await store.appPasswords.create(accountId, label.trim() || 'app password', await hashPassword(password.replace(/-/g, '')));
  return { record, password };
}
