/** Small helpers over SMTP replies (RFC 5321 4.2, enhanced codes RFC 3463). */

/** The enhanced status code of a reply ("5.1.1"), or one derived from the basic code's class. */
export function enhancedStatus(code: number | null | undefined, text: string | null | undefined): string {
  const m = /^\d{3}[ -]([245]\.\d{1,3}\.\d{1,3})\b/.exec(text ?? '') ?? /\b([245]\.\d{1,3}\.\d{1,3})\b/.exec(text ?? '');
  if (m) return m[1]!;
  if (code && code >= 500) return '5.0.0';
  if (code && code >= 400) return '4.0.0';
  return '2.0.0';
}

/** Replies on one line for storage and logs ("550-a\r\n550 b" -> "550-a 550 b"). */
export function oneLine(text: string): string {
  return text.replace(/\r?\n/g, ' ').trim();
}

export function isPermanent(code: number | null | undefined): boolean {
  return code !== null && code !== undefined && code >= 500 && code < 600;
}
