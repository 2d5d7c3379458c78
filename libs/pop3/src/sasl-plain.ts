export type PlainCredentials = { ok: true; username: string; password: string } | { ok: false; problem: string };

/**
 * Decodes a SASL PLAIN response (RFC 4616 2): base64 of `authzid NUL authcid NUL passwd`. We
 * do not let one account act as another, so an authzid must be empty or equal the authcid.
 */
export function decodePlainResponse(base64: string): PlainCredentials {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64) || base64.length % 4 !== 0) return { ok: false, problem: 'invalid base64' };
  const parts = Buffer.from(base64, 'base64').toString('utf8').split('\0');
  if (parts.length !== 3) return { ok: false, problem: 'malformed PLAIN response' };
  const [authzid, username, password] = parts as [string, string, string];
  if (!username || !password) return { ok: false, problem: 'malformed PLAIN response' };
  if (authzid && authzid.toLowerCase() !== username.toLowerCase()) return { ok: false, problem: 'authorization identity must be empty or the same user' };
  return { ok: true, username, password };
}
