/**
 * Extended response codes (RFC 2449 8, RFC 3206): a client may act on them (e.g. stop retrying
 * a password on [AUTH], try later on [IN-USE] or [SYS/TEMP]).
 */
export type ResponseCode = 'AUTH' | 'IN-USE' | 'LOGIN-DELAY' | 'SYS/TEMP' | 'SYS/PERM';

export function okLine(text: string): string {
  return `+OK${text ? ` ${text}` : ''}`;
}

export function errLine(text: string, code?: ResponseCode): string {
  return `-ERR ${code ? `[${code}] ` : ''}${text}`;
}
