export { SmtpFrontEnd, type ListenerAddress } from './smtp-front-end';
export { authAllowed, type SmtpContext, type SmtpLimits, type SmtpLogger, type ListenerKind, type SessionUser } from './smtp-context';
