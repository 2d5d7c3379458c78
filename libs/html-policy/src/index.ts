export { sanitizeReceivedMail, sanitizeComposedHtml, isComposedLink, type ReceivedMailOptions, type SanitizedMail } from './html-policy';
