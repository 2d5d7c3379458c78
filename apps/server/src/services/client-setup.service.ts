import { randomUUID } from 'node:crypto';
import { createAppPassword } from '@mailstead/auth';
import type { MailsteadConfig } from '@mailstead/config';
import type { Store } from '@mailstead/store';
import { appleMobileconfig, autodiscoverPox, clientServers, thunderbirdAutoconfig, type ClientServer } from './client-setup-documents';

/**
 * Client autoconfiguration: which domains we answer for, and the documents for them. The
 * documents never say whether an address exists (any address of a domain we serve gets the
 * same settings); a domain we do not serve gets nothing.
 */
export class ClientSetupService {
  constructor(
    private readonly store: Store,
    private readonly config: MailsteadConfig,
  ) {}

  servers(): ClientServer[] {
    return clientServers(this.config.hostname, this.config.clientPorts);
  }

  /** The lower-cased domain of an address (or a bare domain) when it is one of ours and enabled. */
  async servedDomain(addressOrDomain: string | undefined): Promise<string | undefined> {
    const domain = addressOrDomain?.trim().toLowerCase().split('@').pop();
    if (!domain || !/^[a-z0-9.-]+$/.test(domain)) return undefined;
    const row = await this.store.domains.findByName(domain);
    return row?.enabled ? row.name : undefined;
  }

  async thunderbird(addressOrDomain: string | undefined): Promise<string | undefined> {
    const domain = await this.servedDomain(addressOrDomain);
    return domain && thunderbirdAutoconfig(domain, this.servers());
  }

  async outlook(address: string | undefined): Promise<string | undefined> {
    const domain = address?.includes('@') ? await this.servedDomain(address) : undefined;
    return domain && autodiscoverPox(address!.trim(), this.servers());
  }

  /** An Apple profile for the account, with a new app password labelled after it (revocable in the settings). */
  async appleProfile(account: { id: number; address: string; displayName: string | null }): Promise<{ profile: string; label: string }> {
    const label = `Apple profile ${new Date().toISOString().slice(0, 10)}`;
    const { password } = await createAppPassword(this.store, account.id, label);
    const profile = appleMobileconfig({ address: account.address, displayName: account.displayName, servers: this.servers(), password, profileId: `${account.address}/${randomUUID()}` });
    return { profile, label };
  }
}
