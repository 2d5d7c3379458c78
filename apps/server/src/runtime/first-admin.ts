import { generatePassword, hashPassword } from '@mailstead/auth';
import type { MailsteadConfig } from '@mailstead/config';
import { passwordProblem } from '@mailstead/contracts';
import { splitAddress, type Store } from '@mailstead/store';

/**
 * On first run (no account at all) creates the admin's domain and account. Returns the login
 * to print once, or undefined when accounts already exist.
 */
export async function ensureFirstAdmin(store: Store, config: MailsteadConfig): Promise<{ address: string; password: string; generated: boolean } | undefined> {
  if ((await store.accounts.count()) > 0) return undefined;
  const parts = splitAddress(config.admin.address);
  if (!parts) throw new Error(`MAILSTEAD_ADMIN_ADDRESS "${config.admin.address}" is not a valid address`);
  const problem = config.admin.password === undefined ? undefined : passwordProblem(config.admin.password);
  if (problem) throw new Error(`MAILSTEAD_ADMIN_PASSWORD: ${problem}`);
  if (!(await store.domains.findByName(parts.domain))) await store.domains.create(parts.domain);
  const generated = config.admin.password === undefined;
  const password = config.admin.password ?? generatePassword();
  await store.accounts.create({ address: config.admin.address, passwordHash: await hashPassword(password), role: 'admin', quotaBytes: config.defaultQuota });
  await store.audit.record({ actor: 'system', action: 'account.create', target: config.admin.address, details: { role: 'admin', firstRun: true } });
  return { address: config.admin.address, password, generated };
}
