/** Work bounds: every loop and recursion in this lib is capped by one of these. */
export const LIMITS = {
  /** multipart + message/rfc822 nesting; deeper parts are kept as opaque text/plain leaves */
  maxDepth: 32,
  /** MIME parts per message (Dovecot uses 10000); delimiters past it fall into the epilogue */
  maxParts: 5000,
  /** header fields kept per header block (all of them still count for HEADER.FIELDS) */
  maxFields: 2000,
  /** characters of one header value handed to the RFC 2047 / address / parameter decoders */
  maxDecodedValue: 256 * 1024,
  /** search text cap (characters) */
  maxTextChars: 1_000_000,
  /** encoded bytes of one text part decoded for search */
  maxTextPartBytes: 4 * 1024 * 1024,
  /** characters of the RFC 8970 preview */
  previewChars: 200,
  /** References ids kept */
  maxReferences: 500,
} as const;
