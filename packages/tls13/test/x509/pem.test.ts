import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { base64Decode, base64Encode, decodePem, encodePem } from '../../src/x509/pem.js';
import { fixtureText } from './fixtures.js';

describe('base64', () => {
  it('RFC 4648 §10 test vectors', () => {
    const cases: [string, string][] = [
      ['', ''], ['f', 'Zg=='], ['fo', 'Zm8='], ['foo', 'Zm9v'], ['foob', 'Zm9vYg=='], ['fooba', 'Zm9vYmE='],
      ['foobar', 'Zm9vYmFy'],
    ];
    for (const [plain, b64] of cases) {
      expect(base64Encode(new TextEncoder().encode(plain))).toBe(b64);
      expect(new TextDecoder().decode(base64Decode(b64))).toBe(plain);
    }
  });

  it('agrees with Buffer both ways and round-trips', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const b64 = base64Encode(bytes);
        expect(b64).toBe(Buffer.from(bytes).toString('base64'));
        expect(base64Decode(b64)).toEqual(bytes);
      }),
      { numRuns: 500 },
    );
  });

  it('is strict: length, alphabet, padding position, non-zero padding bits, whitespace', () => {
    for (const bad of ['Zg', 'Zg=', 'Z===', '====', 'Zm9v\n', 'Zm 9', 'Zm9-', 'Zm9_', 'Zh==', 'Zm9=', 'Zm=v', 'é===']) {
      expect(() => base64Decode(bad), bad).toThrow(TypeError);
    }
  });

  it('random strings throw only TypeError', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (s) => {
        try {
          const out = base64Decode(s);
          expect(base64Encode(out)).toBe(s); // accepted strings are canonical
        } catch (e) {
          expect(e).toBeInstanceOf(TypeError);
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe('PEM', () => {
  it('round-trips with 64-character lines', () => {
    const bytes = Uint8Array.from({ length: 100 }, (_, i) => i);
    const pem = encodePem('CERTIFICATE', bytes);
    const lines = pem.trimEnd().split('\n');
    expect(lines[0]).toBe('-----BEGIN CERTIFICATE-----');
    expect(lines[1]).toHaveLength(64);
    expect(lines.at(-1)).toBe('-----END CERTIFICATE-----');
    expect(decodePem(pem)).toEqual([{ label: 'CERTIFICATE', headers: {}, bytes }]);
  });

  it('reads several blocks, CRLF, and explanatory text between them', () => {
    const a = encodePem('CERTIFICATE', Uint8Array.of(1, 2, 3));
    const b = encodePem('PRIVATE KEY', Uint8Array.of(4, 5));
    const text = `Subject: something\r\n${a.replace(/\n/g, '\r\n')}\nsome words\n${b}`;
    const blocks = decodePem(text);
    expect(blocks.map((x) => x.label)).toEqual(['CERTIFICATE', 'PRIVATE KEY']);
    expect(blocks[1]!.bytes).toEqual(Uint8Array.of(4, 5));
  });

  it('reads RFC 1421 headers of legacy encrypted keys', () => {
    const [block] = decodePem(fixtureText('keys/rsa.legacy-encrypted.pem'));
    expect(block?.label).toBe('RSA PRIVATE KEY');
    expect(block?.headers['Proc-Type']).toBe('4,ENCRYPTED');
    expect(block?.headers['DEK-Info']).toMatch(/^AES-128-CBC,/);
  });

  it('rejects a mismatched END label, an unterminated block and bad base64', () => {
    expect(() => decodePem('-----BEGIN A-----\nAAAA\n-----END B-----\n')).toThrow(/ends with END/);
    expect(() => decodePem('-----BEGIN A-----\nAAAA\n')).toThrow(/not terminated/);
    expect(() => decodePem('-----BEGIN A-----\nAA*A\n-----END A-----\n')).toThrow(TypeError);
    expect(() => encodePem('bad\nlabel', new Uint8Array(1))).toThrow(TypeError);
  });

  it('agrees with node on every fixture', () => {
    const pem = fixtureText('rsa-leaf.pem');
    const [block] = decodePem(pem);
    const body = pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
    expect(block?.bytes).toEqual(new Uint8Array(Buffer.from(body, 'base64')));
    expect(encodePem('CERTIFICATE', block!.bytes)).toBe(pem);
  });
});
