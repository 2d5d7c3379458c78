/**
 * An SMTP reply chosen by Mailstead, with its RFC 3463 enhanced status code. Thrown or
 * passed to smtp-server callbacks; smtp-server writes `responseCode` and `message`, and the
 * connection patch (smtp-front-end.ts) keeps the library from prefixing a second code.
 */
export class SmtpReply extends Error {
  constructor(
    readonly responseCode: number,
    readonly enhancedCode: string,
    readonly text: string,
  ) {
    super(`${enhancedCode} ${text}`);
    this.name = 'SmtpReply';
  }

  /** "550 5.1.1 text", as it goes on the wire. */
  get line(): string {
    return `${this.responseCode} ${this.message}`;
  }
}

export const smtpReply = (code: number, enhanced: string, text: string) => new SmtpReply(code, enhanced, text);

/** Replies used in more than one place. */
export const REPLIES = {
  localError: () => smtpReply(451, '4.3.0', 'Local error in processing, try again later'),
  relayDenied: () => smtpReply(554, '5.7.1', 'Relay access denied'),
  unknownUser: () => smtpReply(550, '5.1.1', 'No such user here'),
  disabled: () => smtpReply(550, '5.2.1', 'Mailbox disabled, not accepting messages'),
  overQuota: () => smtpReply(452, '4.2.2', 'Mailbox full, try again later'),
  tooBigForQuota: () => smtpReply(552, '5.2.2', 'Message exceeds the mailbox quota'),
  notOwner: () => smtpReply(553, '5.7.1', 'Sender address not owned by the authenticated user'),
  authRequired: () => smtpReply(530, '5.7.0', 'Authentication required'),
  encryptionRequired: () => smtpReply(538, '5.7.11', 'Encryption required for requested authentication mechanism'),
  loop: () => smtpReply(554, '5.4.6', 'Routing loop detected: too many Received headers'),
} as const;
