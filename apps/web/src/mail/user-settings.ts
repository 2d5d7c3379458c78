import type { MessageSummaryDto } from '@mailstead/contracts';
import { formatAddress, type ComposeDraft } from './compose-draft';

/**
 * Per-account preferences kept in the browser (the API has no settings endpoint yet):
 * the signature and the addresses written to, for the composer's autocomplete.
 */
export interface UserSettings {
  signature: string;
  /** The composer's starting format for new mail and replies (a saved draft keeps its own). */
  composeMode: 'html' | 'text';
}

const settingsKey = (account: string) => `mailstead.settings.${account.toLowerCase()}`;
const peopleKey = (account: string) => `mailstead.correspondents.${account.toLowerCase()}`;

export function loadSettings(account: string): UserSettings {
  try {
    const value = JSON.parse(localStorage.getItem(settingsKey(account)) ?? '{}') as Partial<UserSettings>;
    return { signature: typeof value.signature === 'string' ? value.signature : '', composeMode: value.composeMode === 'text' ? 'text' : 'html' };
  } catch {
    return { signature: '', composeMode: 'html' };
  }
}

export function saveSettings(account: string, settings: Partial<UserSettings>): void {
  localStorage.setItem(settingsKey(account), JSON.stringify({ ...loadSettings(account), ...settings }));
}

function stored(account: string): string[] {
  try {
    const value = JSON.parse(localStorage.getItem(peopleKey(account)) ?? '[]') as unknown;
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  } catch {
    return [];
  }
}

export function rememberCorrespondents(account: string, draft: Pick<ComposeDraft, 'to' | 'cc' | 'bcc'>): void {
  const all = [...draft.to, ...draft.cc, ...draft.bcc].map(formatAddress);
  const merged = [...new Set([...all, ...stored(account)])].slice(0, 500);
  try {
    localStorage.setItem(peopleKey(account), JSON.stringify(merged));
  } catch {
    // storage full or unavailable: autocomplete just knows less
  }
}

/** Previous correspondents: addresses written to, and senders of the loaded messages. */
export function knownCorrespondents(account: string, messages: MessageSummaryDto[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  const add = (s: string, address: string) => {
    const key = address.toLowerCase();
    if (!address || key === account.toLowerCase() || seen.has(key)) return;
    seen.add(key);
    out.push(s);
  };
  for (const s of stored(account)) add(s, /<([^>]+)>/.exec(s)?.[1] ?? s);
  for (const m of messages) add(formatAddress({ name: m.from.name || undefined, address: m.from.address }), m.from.address);
  return out;
}
