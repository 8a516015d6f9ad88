/**
 * AEAD usage limits (RFC 9001 §6.6).
 */
import { supportedCipherSuites } from '@qk/tls13';
import { describe, expect, it } from 'vitest';
import { AeadLimits, aeadLimits } from '../../src/crypto/index.js';

describe('AEAD limits (RFC 9001 §6.6)', () => {
  it('AES-GCM: 2^23 packets protected per key, 2^52 failed decryptions per connection', () => {
    for (const alg of ['aes-128-gcm', 'aes-256-gcm'] as const) {
      expect(aeadLimits(alg).confidentiality).toBe(8_388_608);
      expect(aeadLimits(alg).integrity).toBe(4_503_599_627_370_496);
      expect(aeadLimits(alg).source).toMatch(/^RFC 9001 §6\.6/);
    }
  });

  it('ChaCha20-Poly1305: confidentiality beyond the 2^62 packet numbers, 2^36 failed decryptions', () => {
    expect(aeadLimits('chacha20-poly1305').confidentiality).toBe(4_611_686_018_427_387_904);
    expect(aeadLimits('chacha20-poly1305').integrity).toBe(68_719_476_736);
  });

  it('covers the AEAD of every supported cipher suite', () => {
    for (const suite of supportedCipherSuites) expect(AeadLimits[suite.aead]).toBeDefined();
    expect(Object.keys(AeadLimits).sort()).toEqual(['aes-128-gcm', 'aes-256-gcm', 'chacha20-poly1305']);
  });
});
