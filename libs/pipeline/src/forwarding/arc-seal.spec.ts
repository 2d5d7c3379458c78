import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { authenticate } from 'mailauth';
import { describe, expect, it } from 'vitest';
import { arcSeal, ourAuthenticationResults, type ArcKey } from './arc-seal';
import { forwardedPart } from './forwarded-part';

function key(domain: string, selector: string): ArcKey & { record: string } {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const p = createPublicKey(pem).export({ type: 'spki', format: 'der' }).toString('base64');
  return { domain, selector, privateKey: pem, record: `v=DKIM1; k=rsa; p=${p}` };
}

/** DNS with only the given TXT records; everything else does not exist. */
function resolverFor(records: Record<string, string>) {
  return async (name: string, rrtype: string): Promise<string[][]> => {
    const value = rrtype === 'TXT' ? records[name.toLowerCase()] : undefined;
    if (value) return [[value]];
    throw Object.assign(new Error(`${name} ${rrtype}: not found`), { code: 'ENOTFOUND' });
  };
}

const fwd = key('fwd.example', 'ms1');
const second = key('relay.example', 'r1');
const dns = resolverFor({ 'ms1._domainkey.fwd.example': fwd.record, 'r1._domainkey.relay.example': second.record });
const message = Buffer.from(
  'Authentication-Results: mx.fwd.example;\r\n spf=pass smtp.mailfrom=alice@orig.example;\r\n dkim=none\r\nReceived: from client by mx.fwd.example\r\nFrom: Alice <alice@orig.example>\r\nTo: list@fwd.example\r\nSubject: hello\r\n\r\nbody line\r\n',
);

async function arcOf(raw: Buffer) {
  const result = await authenticate(raw, { ip: '192.0.2.1', helo: 'relay', sender: 'x@relay.example', mta: 'receiver.example', resolver: dns as never, disableBimi: true });
  return result.arc as unknown as { status: { result: string }; i: number; authenticationResults?: { mta?: string } };
}

describe('ARC seal of forwarded mail (RFC 8617)', () => {
  it('takes our Authentication-Results, unfolded, for the ARC-Authentication-Results', () => {
    expect(ourAuthenticationResults(message, 'MX.fwd.example')).toBe('mx.fwd.example; spf=pass smtp.mailfrom=alice@orig.example; dkim=none');
    expect(ourAuthenticationResults(message, 'other.example')).toBe('other.example');
  });

  it('seals as i=1 cv=none with the forwarding domain key, and a receiver verifies the chain', async () => {
    const sealed = await arcSeal(message, { key: fwd, authServId: 'mx.fwd.example' });
    const text = sealed.toString();
    expect(text).toMatch(/^ARC-Seal: i=1; a=rsa-sha256;[\s\S]*cv=none; d=fwd\.example; s=ms1;/);
    expect(text).toContain('ARC-Authentication-Results: i=1; mx.fwd.example; spf=pass smtp.mailfrom=alice@orig.example; dkim=none; arc=none\r\n');
    expect(text.endsWith(message.toString())).toBe(true);
    const arc = await arcOf(sealed);
    expect(arc.status.result).toBe('pass');
    expect(arc.i).toBe(1);
    expect(arc.authenticationResults?.mta).toBe('mx.fwd.example');
  });

  it('continues an existing chain as i=2 cv=pass, and a tampered message fails verification', async () => {
    const once = await arcSeal(message, { key: fwd, authServId: 'mx.fwd.example' });
    const twice = await arcSeal(once, { key: second, authServId: 'mx.relay.example', resolver: dns as never });
    expect(twice.toString()).toMatch(/^ARC-Seal: i=2; a=rsa-sha256;[\s\S]*cv=pass; d=relay\.example; s=r1;/);
    const arc = await arcOf(twice);
    expect(arc.status.result).toBe('pass');
    expect(arc.i).toBe(2);
    const tampered = Buffer.from(once.toString().replace('body line', 'other body'));
    expect((await arcOf(tampered)).status.result).toBe('fail');
  });

  it('forwardedPart: SRS sender, no Return-Path, sealed bytes, the recipients and the DSN envelope kept', async () => {
    const part = await forwardedPart({
      raw: Buffer.concat([Buffer.from('Return-Path: <alice@orig.example>\r\n'), message]),
      originalSender: 'alice@orig.example',
      recipients: ['bob@remote.example', { address: 'carol@remote.example', notify: ['FAILURE'] }],
      domain: 'fwd.example',
      secret: Buffer.from('test-secret'),
      now: new Date('2026-12-04T12:00:00Z'),
      arcKey: fwd,
      authServId: 'mx.fwd.example',
      dsn: { envid: 'E1', ret: 'HDRS' },
    });
    expect(part.targets).toEqual([]);
    expect(part.options?.outbound).toEqual({
      sender: 'SRS0=e2Nz=JX=orig.example=alice@fwd.example',
      recipients: [{ address: 'bob@remote.example' }, { address: 'carol@remote.example', notify: ['FAILURE'] }],
      envelopeId: 'E1',
      ret: 'HDRS',
    });
    expect(part.raw.toString()).not.toContain('Return-Path');
    expect((await arcOf(part.raw)).status.result).toBe('pass');
    const bounce = await forwardedPart({ raw: message, originalSender: '', recipients: ['x@remote.example'], domain: 'fwd.example', secret: Buffer.from('s'), now: new Date(), arcKey: null, authServId: 'mx.fwd.example' });
    expect(bounce.options?.outbound?.sender).toBe('');
    expect(bounce.raw).toBe(message);
  });
});
