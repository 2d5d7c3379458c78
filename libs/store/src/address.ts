/** Splits and normalises an address: domain lower-cased, local part kept as written. */
export function splitAddress(address: string): { local: string; domain: string } | undefined {
  const trimmed = address.trim();
  const at = trimmed.lastIndexOf('@');
  if (at < 0 || at === trimmed.length - 1) return undefined;
  const local = trimmed.slice(0, at);
  const domain = trimmed.slice(at + 1).toLowerCase();
  if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(domain)) return undefined;
  if (local.length > 64 || /[\s<>()[\]\\,;:"]/.test(local)) return undefined;
  return { local, domain };
}

/** The lookup key: lower-cased whole address (local parts are matched case-insensitively). */
export function addressKey(address: string): string {
  return address.trim().toLowerCase();
}

export function isValidDomainName(name: string): boolean {
  return name.length <= 253 && /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/.test(name.toLowerCase());
}
