/** A small, valid RFC 5322 message; `n` varies the subject, Message-ID and body. */
export function sampleMessage(n: number, extra: { from?: string; to?: string; subject?: string; inReplyTo?: string; body?: string } = {}): Buffer {
  const lines = [
    `From: ${extra.from ?? 'Alice Example <alice@example.test>'}`,
    `To: ${extra.to ?? 'bob@example.test'}`,
    `Subject: ${extra.subject ?? `Test message ${n}`}`,
    `Date: Sun, 22 Nov 2026 12:00:${String(n % 60).padStart(2, '0')} +0000`,
    `Message-ID: <msg-${n}-${process.pid}@example.test>`,
    ...(extra.inReplyTo ? [`In-Reply-To: ${extra.inReplyTo}`, `References: ${extra.inReplyTo}`] : []),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    extra.body ?? `Hello number ${n}.`,
    '',
  ];
  return Buffer.from(lines.join('\r\n'));
}
