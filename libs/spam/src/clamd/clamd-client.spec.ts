import { describe, expect, it } from 'vitest';
import { parseScanAnswer, ScannerUnavailableError } from './clamd-client';

describe('clamd answers', () => {
  it('reads OK, FOUND with the signature, and treats anything else as the scanner failing', () => {
    expect(parseScanAnswer('stream: OK')).toEqual({ infected: false });
    expect(parseScanAnswer('stream: Eicar-Test-Signature FOUND')).toEqual({ infected: true, signature: 'Eicar-Test-Signature' });
    expect(() => parseScanAnswer('INSTREAM size limit exceeded. ERROR')).toThrow(ScannerUnavailableError);
    expect(() => parseScanAnswer('')).toThrow(ScannerUnavailableError);
  });
});
