import { describe, expect, it } from 'vitest';
import { isLoopbackAddress, passwordsAllowed } from './connection-security';

describe('isLoopbackAddress', () => {
  it('matches 127.0.0.0/8 and ::1 in every spelling, IPv4-mapped IPv6 included', () => {
    for (const a of ['127.0.0.1', '127.255.0.9', '::1', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1', '::FFFF:127.1.2.3', '::ffff:7f00:1']) {
      expect(isLoopbackAddress(a), a).toBe(true);
    }
  });
  it('does not match other addresses, lookalikes or nothing', () => {
    for (const a of ['128.0.0.1', '10.0.0.1', '::ffff:10.0.0.1', '::2', 'fe80::1', '::127.0.0.1', '127.0.0.1.example.test', 'localhost', '', undefined]) {
      expect(isLoopbackAddress(a), String(a)).toBe(false);
    }
  });
});

describe('passwordsAllowed', () => {
  const remote = '192.0.2.7';
  it('allows TLS from anywhere and plaintext from loopback only', () => {
    expect(passwordsAllowed({ tls: true, remoteAddress: remote })).toBe(true);
    expect(passwordsAllowed({ tls: false, remoteAddress: remote })).toBe(false);
    expect(passwordsAllowed({ tls: false, remoteAddress: '::ffff:127.0.0.1' })).toBe(true);
  });
  it('trustLoopback: false treats loopback as remote; insecureAuth opens plaintext to everyone', () => {
    expect(passwordsAllowed({ tls: false, remoteAddress: '127.0.0.1', trustLoopback: false })).toBe(false);
    expect(passwordsAllowed({ tls: true, remoteAddress: '127.0.0.1', trustLoopback: false })).toBe(true);
    expect(passwordsAllowed({ tls: false, remoteAddress: remote, insecureAuth: true })).toBe(true);
  });
});
