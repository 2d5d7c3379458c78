/** A mailbox as people read it: RFC 2047 decoded name, address as written. */
export interface Address {
  name: string | null;
  /** null for a group marker and for an entry with no address in it ("To: undisclosed") */
  address: string | null;
}

/**
 * One entry of an RFC 3501 ENVELOPE address list. Names stay raw (encoded words kept).
 * Group syntax (RFC 3501 7.4.2): a group start is `{ mailbox: groupName, host: null }`, a
 * group end has every member null. An address without a local part or domain gets the
 * placeholders Dovecot sends (MISSING_MAILBOX / MISSING_DOMAIN) so `host` is only null for
 * group markers.
 */
export interface EnvelopeAddress extends Address {
  mailbox: string | null;
  host: string | null;
}

/** RFC 3501 ENVELOPE: raw header values, first occurrence of each header. */
export interface ImapEnvelope {
  date: string | null;
  subject: string | null;
  from: EnvelopeAddress[] | null;
  sender: EnvelopeAddress[] | null;
  replyTo: EnvelopeAddress[] | null;
  to: EnvelopeAddress[] | null;
  cc: EnvelopeAddress[] | null;
  bcc: EnvelopeAddress[] | null;
  inReplyTo: string | null;
  messageId: string | null;
}

export interface Disposition {
  type: string;
  params: Record<string, string>;
}

/** One MIME node, the source of BODYSTRUCTURE. JSON-serialisable. */
export interface BodyPart {
  /**
   * IMAP part number. The root multipart of a message is '' (and the multipart body of an
   * embedded message carries the number of its message/rfc822 part); a non-multipart
   * message body is '1' (or '<n>.1' inside message/rfc822 part n).
   */
  partId: string;
  type: string;
  subtype: string;
  params: Record<string, string>;
  id: string | null;
  description: string | null;
  encoding: string;
  /** encoded body octets: bodyEnd - bodyStart */
  size: number;
  /** text/* and message/rfc822|global only */
  lines: number | null;
  md5: string | null;
  disposition: Disposition | null;
  language: string[] | null;
  location: string | null;
  /** byte offsets into the raw message: MIME header is [headerStart, bodyStart), body is [bodyStart, bodyEnd) */
  headerStart: number;
  bodyStart: number;
  bodyEnd: number;
  children: BodyPart[];
  /** message/rfc822 and message/global in an identity encoding: the embedded message */
  message?: EmbeddedMessage;
}

export interface EmbeddedMessage {
  envelope: ImapEnvelope;
  /** headerStart of this body is where the embedded message starts; offsets stay absolute */
  body: BodyPart;
}

export interface HeaderField {
  /** lowercased name */
  key: string;
  /** unfolded, trimmed, not RFC 2047 decoded */
  value: string;
}

export interface Attachment {
  partId: string;
  filename: string | null;
  contentType: string;
  /** decoded octets */
  size: number;
  contentId: string | null;
  disposition: string | null;
  inline: boolean;
}

export interface ParsedMessage {
  headers: HeaderField[];
  /** offset where the body starts (after the blank line) */
  headerEnd: number;
  envelope: ImapEnvelope;
  body: BodyPart;
  subject: string;
  from: Address[];
  to: Address[];
  cc: Address[];
  bcc: Address[];
  replyTo: Address[];
  date: Date | null;
  messageId: string | null;
  inReplyTo: string | null;
  references: string[];
  /** decoded text for search, capped at MAX_TEXT_CHARS */
  text: string;
  /** RFC 8970 PREVIEW: first ~200 characters of `text`, whitespace collapsed */
  preview: string;
  attachments: Attachment[];
  hasAttachments: boolean;
}

export type SectionKind = 'ALL' | 'HEADER' | 'HEADER.FIELDS' | 'HEADER.FIELDS.NOT' | 'TEXT' | 'MIME';

/** An IMAP BODY[section] (RFC 3501 6.4.5) without the partial. */
export interface Section {
  part: number[];
  kind: SectionKind;
  fields?: string[];
}
