import { createHash } from 'node:crypto';
import { decodePartBody, parseMessage, parsePartId, resolvePart } from '@mailstead/mime';

export interface FixtureAttachment {
  filename: string;
  contentType: string;
  data: Buffer;
}

/** Three attachments of different kinds; the binary one has every byte value. */
export const threeAttachments = (): FixtureAttachment[] => [
  { filename: 'numbers.csv', contentType: 'text/csv', data: Buffer.from('month,total\r\njan,10\r\nfeb,12\r\n') },
  { filename: 'logo.png', contentType: 'image/png', data: Buffer.from(Array.from({ length: 1024 }, (_, i) => i % 256)) },
  { filename: 'Ünïcode report.pdf', contentType: 'application/pdf', data: Buffer.from('%PDF-1.4\n% fake but byte-exact\n%%EOF\n') },
];

/** A multipart/mixed message: a text part and the attachments, base64 (RFC 2045 6.8). */
export function messageWithAttachments(headers: Record<string, string>, text: string, attachments: FixtureAttachment[]): Buffer {
  const boundary = 'fixture-boundary-42';
  const lines = [
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
    'MIME-Version: 1.0',
    `Content-Type: multipart/mixed; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    text,
  ];
  for (const a of attachments) {
    const name = `=?UTF-8?B?${Buffer.from(a.filename).toString('base64')}?=`;
    lines.push(`--${boundary}`, `Content-Type: ${a.contentType}; name="${name}"`, `Content-Disposition: attachment; filename="${name}"`, 'Content-Transfer-Encoding: base64', '');
    lines.push(...(a.data.toString('base64').match(/.{1,76}/g) ?? []));
  }
  lines.push(`--${boundary}--`, '');
  return Buffer.from(lines.join('\r\n'));
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** The attachments of a stored message as filename, type and SHA-256 of the decoded bytes. */
export function attachmentDigests(raw: Buffer): { filename: string | null; contentType: string; sha256: string }[] {
  const parsed = parseMessage(raw);
  return parsed.attachments.map((a) => {
    const part = resolvePart(parsed.body, parsePartId(a.partId)!)!;
    return { filename: a.filename, contentType: a.contentType, sha256: sha256(decodePartBody(raw, part)) };
  });
}

export const digestsOf = (attachments: FixtureAttachment[]) => attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, sha256: sha256(a.data) }));
