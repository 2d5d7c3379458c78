import type { BodyPart, EnvelopeAddress, ImapEnvelope } from '@mailstead/mime';
import type { ResponseBuilder } from './response-writer';

function addresses(out: ResponseBuilder, list: EnvelopeAddress[] | null): void {
  if (!list || list.length === 0) {
    out.raw('NIL');
    return;
  }
  out.raw('(');
  for (const a of list) {
    out.raw('(').nstring(a.name).raw(' NIL ').nstring(a.mailbox).raw(' ').nstring(a.host).raw(')');
  }
  out.raw(')');
}

/** RFC 3501 7.4.2 ENVELOPE. */
export function writeEnvelope(out: ResponseBuilder, e: ImapEnvelope): void {
  out.raw('(').nstring(e.date).raw(' ').nstring(e.subject).raw(' ');
  addresses(out, e.from);
  out.raw(' ');
  addresses(out, e.sender);
  out.raw(' ');
  addresses(out, e.replyTo);
  out.raw(' ');
  addresses(out, e.to);
  out.raw(' ');
  addresses(out, e.cc);
  out.raw(' ');
  addresses(out, e.bcc);
  out.raw(' ').nstring(e.inReplyTo).raw(' ').nstring(e.messageId).raw(')');
}

function params(out: ResponseBuilder, p: Record<string, string> | null | undefined): void {
  const entries = Object.entries(p ?? {});
  if (entries.length === 0) {
    out.raw('NIL');
    return;
  }
  out.raw('(');
  entries.forEach(([k, v], i) => {
    if (i > 0) out.raw(' ');
    out.string(k.toUpperCase()).raw(' ').string(v);
  });
  out.raw(')');
}

function extensionTail(out: ResponseBuilder, part: BodyPart): void {
  out.raw(' ');
  if (part.disposition) {
    out.raw('(').string(part.disposition.type.toUpperCase()).raw(' ');
    params(out, part.disposition.params);
    out.raw(')');
  } else out.raw('NIL');
  out.raw(' ');
  if (part.language && part.language.length > 0) {
    out.raw('(');
    part.language.forEach((l, i) => {
      if (i > 0) out.raw(' ');
      out.string(l);
    });
    out.raw(')');
  } else out.raw('NIL');
  out.raw(' ').nstring(part.location);
}

/**
 * RFC 3501 7.4.2 BODY / BODYSTRUCTURE. `extended` adds the extension data (MD5 or the
 * multipart parameters, disposition, language, location) that only BODYSTRUCTURE carries.
 */
export function writeBodyStructure(out: ResponseBuilder, part: BodyPart, extended: boolean): void {
  if (part.type.toLowerCase() === 'multipart') {
    out.raw('(');
    if (part.children.length === 0) {
      // RFC 3501 needs at least one part: an empty multipart is shown as one empty text part.
      out.raw('("TEXT" "PLAIN" NIL NIL NIL "7BIT" 0 0)');
    } else for (const child of part.children) writeBodyStructure(out, child, extended);
    out.raw(' ').string(part.subtype.toUpperCase());
    if (extended) {
      out.raw(' ');
      params(out, part.params);
      extensionTail(out, part);
    }
    out.raw(')');
    return;
  }
  out.raw('(').string(part.type.toUpperCase()).raw(' ').string(part.subtype.toUpperCase()).raw(' ');
  params(out, part.params);
  out.raw(' ').nstring(part.id).raw(' ').nstring(part.description).raw(' ').string(part.encoding.toUpperCase()).raw(` ${part.size}`);
  const type = part.type.toLowerCase();
  if (type === 'message' && part.message) {
    out.raw(' ');
    writeEnvelope(out, part.message.envelope);
    out.raw(' ');
    writeBodyStructure(out, part.message.body, extended);
    out.raw(` ${part.lines ?? 0}`);
  } else if (type === 'text') {
    out.raw(` ${part.lines ?? 0}`);
  }
  if (extended) {
    out.raw(' ').nstring(part.md5);
    extensionTail(out, part);
  }
  out.raw(')');
}
