const KEY = 'mailstead.remoteImageSenders';

/** Senders whose remote images the user chose to always show ("always for this sender"). */
export function trustedImageSenders(): Set<string> {
  try {
    const value = JSON.parse(localStorage.getItem(KEY) ?? '[]') as unknown;
    return new Set(Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);
  } catch {
    return new Set();
  }
}

export function trustImageSender(address: string): void {
  const senders = trustedImageSenders();
  senders.add(address.toLowerCase());
  try {
    localStorage.setItem(KEY, JSON.stringify([...senders]));
  } catch {
    // storage unavailable: the choice lasts for this message only
  }
}
