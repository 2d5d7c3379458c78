import { splitAddress, type Store } from '@mailstead/store';

/** Where the API's outgoing message goes: local INBOXes and remote addresses. */
export interface ComposeRouting {
  inboxes: Set<number>;
  remote: Set<string>;
  /** Addresses in one of our domains that name nobody. */
  unknown: string[];
}

const MAX_DEPTH = 10;

/**
 * A small recipient resolver for webmail sending: accounts, aliases (nested, with a depth
 * limit and loop guard), catch-all aliases and mailing-list members; anything in a foreign
 * domain goes out as an outbound row. (libs/smtp's RecipientResolver, with list policies,
 * moderation and plus-addressing, should replace this once it is released: see the API notes.)
 */
export async function routeRecipients(store: Store, addresses: string[]): Promise<ComposeRouting> {
  const out: ComposeRouting = { inboxes: new Set(), remote: new Set(), unknown: [] };
  const seen = new Set<string>();
  const localDomains = new Map<string, boolean>();
  const isLocal = async (domain: string) => {
    if (!localDomains.has(domain)) localDomains.set(domain, (await store.domains.findByName(domain)) !== null);
    return localDomains.get(domain)!;
  };

  const visit = async (address: string, depth: number, top: boolean): Promise<void> => {
    const parts = splitAddress(address);
    const key = address.toLowerCase();
    if (!parts || seen.has(key) || depth > MAX_DEPTH) return;
    seen.add(key);
    if (!(await isLocal(parts.domain))) {
      out.remote.add(address);
      return;
    }
    const account = await store.accounts.findByAddress(address);
    if (account) {
      const inbox = await store.mailboxes.findByName(account.id, 'INBOX');
      if (inbox && account.enabled) out.inboxes.add(inbox.id);
      return;
    }
    const alias = (await store.aliases.findBySource(address)) ?? (await store.aliases.findBySource(`@${parts.domain}`));
    if (alias?.enabled) {
      for (const d of alias.destinations) await visit(d, depth + 1, false);
      return;
    }
    const list = await store.lists.findByAddress(address);
    if (list) {
      for (const m of await store.lists.members(list.address)) await visit(m.address, depth + 1, false);
      return;
    }
    if (top) out.unknown.push(address);
  };

  for (const a of addresses) await visit(a.trim(), 0, true);
  return out;
}
