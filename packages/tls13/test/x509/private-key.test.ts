import { createPrivateKey, createPublicKey, generateKeyPairSync, verify as nodeVerify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { toHex } from '@qk/octets';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PrivateKey } from '../../src/crypto/keys.js';
import { nobleProvider } from '../../src/crypto/noble.js';
import type { SignatureAlgorithm } from '../../src/crypto/provider.js';
import {
  decodePem, ecPrivateKey, ed25519PrivateKey, encodePrivateKeyPem, parsePrivateKey, parsePublicKey, rsaPrivateKey,
} from '../../src/x509/index.js';
import { fixtureBytes, fixtureText } from './fixtures.js';

const message = new TextEncoder().encode('qk private key test message');

function nodePrivate(key: PrivateKey): KeyObject {
  return createPrivateKey({ key: Buffer.from(key.pkcs8), format: 'der', type: 'pkcs8' });
}

function spkiOf(file: string): Uint8Array {
  return decodePem(fixtureText(file))[0]!.bytes;
}

/** Signs with qk's provider and verifies with node, for every algorithm the key type supports. */
function signAndNodeVerify(key: PrivateKey): void {
  const pub = createPublicKey(nodePrivate(key));
  const algs: SignatureAlgorithm[] =
    key.kind === 'ed25519' ? [{ kind: 'ed25519' }]
      : key.kind === 'ec' ? [{ kind: 'ecdsa', hash: key.curve === 'P-256' ? 'sha256' : 'sha384' }]
        : [{ kind: 'rsa-pkcs1', hash: 'sha256' }, { kind: 'rsa-pss', hash: 'sha256', saltLength: 32 }];
  for (const alg of algs) {
    const sig = nobleProvider.sign(alg, key, message);
    const hash = alg.kind === 'ed25519' ? null : alg.hash;
    const opts = alg.kind === 'rsa-pss' ? { key: pub, padding: 6 /* RSA_PKCS1_PSS_PADDING */, saltLength: alg.saltLength } : pub;
    expect(nodeVerify(hash, message, opts, sig), JSON.stringify(alg)).toBe(true);
  }
}

describe('parsePrivateKey on openssl keys', () => {
  for (const curve of ['p256', 'p384'] as const) {
    it(`${curve}: PKCS#8 (PEM, DER), SEC1 with and without public key are the same key`, () => {
      const forms = [
        parsePrivateKey(fixtureText(`keys/${curve}.pkcs8.pem`)),
        parsePrivateKey(fixtureBytes(`keys/${curve}.pkcs8.der`)),
        parsePrivateKey(fixtureText(`keys/${curve}.sec1.pem`)),
        parsePrivateKey(fixtureText(`keys/${curve}.sec1-nopub.pem`)),
      ];
      const spki = spkiOf(`keys/${curve}.spki.pem`);
      for (const k of forms) {
        expect(k.kind).toBe('ec');
        if (k.kind !== 'ec') return;
        expect(k.curve).toBe(curve === 'p256' ? 'P-256' : 'P-384');
        expect(k.d.length).toBe(curve === 'p256' ? 32 : 48);
        expect(toHex(k.d)).toBe(toHex(forms[0]!.kind === 'ec' ? forms[0]!.d : new Uint8Array()));
        expect(toHex(k.publicKey.spki)).toBe(toHex(spki));
        // node accepts our pkcs8 and derives the same public key
        expect(toHex(createPublicKey(nodePrivate(k)).export({ type: 'spki', format: 'der' }))).toBe(toHex(spki));
      }
      // the wrapped SEC1 key is byte-identical to what openssl's PKCS#8 holds
      expect(toHex(forms[2]!.pkcs8)).toBe(toHex(forms[0]!.pkcs8));
      signAndNodeVerify(forms[2]!);
      expect(parsePublicKey(spki)).toEqual(forms[0]!.publicKey);
    });
  }

  it('ed25519: PKCS#8; the public key is derived from the seed', () => {
    const k = parsePrivateKey(fixtureText('keys/ed25519.pkcs8.pem'));
    expect(k.kind).toBe('ed25519');
    const spki = spkiOf('keys/ed25519.spki.pem');
    expect(toHex(k.publicKey.spki)).toBe(toHex(spki));
    expect(toHex(k.pkcs8)).toBe(toHex(decodePem(fixtureText('keys/ed25519.pkcs8.pem'))[0]!.bytes));
    signAndNodeVerify(k);
    expect(parsePublicKey(spki)).toEqual(k.publicKey);
  });

  it('rsa: PKCS#8, PKCS#1 (PEM and DER) are the same key; PKCS#1 wraps to openssl\'s PKCS#8', () => {
    const forms = [
      parsePrivateKey(fixtureText('keys/rsa.pkcs8.pem')),
      parsePrivateKey(fixtureText('keys/rsa.pkcs1.pem')),
      parsePrivateKey(fixtureBytes('keys/rsa.pkcs1.der')),
    ];
    const spki = spkiOf('keys/rsa.spki.pem');
    for (const k of forms) {
      expect(k.kind).toBe('rsa');
      if (k.kind !== 'rsa') return;
      expect(k.publicKey.bits).toBe(2048);
      expect(k.p * k.q).toBe(k.n);
      expect(toHex(k.publicKey.spki)).toBe(toHex(spki));
      expect(toHex(k.pkcs8)).toBe(toHex(forms[0]!.pkcs8));
    }
    signAndNodeVerify(forms[1]!);
    expect(parsePublicKey(spki)).toEqual(forms[0]!.publicKey);
  });

  it('encodePrivateKeyPem round-trips and node reads it', () => {
    for (const file of ['keys/p256.sec1.pem', 'keys/p384.pkcs8.pem', 'keys/ed25519.pkcs8.pem', 'keys/rsa.pkcs1.pem']) {
      const k = parsePrivateKey(fixtureText(file));
      const pem = encodePrivateKeyPem(k);
      expect(pem.startsWith('-----BEGIN PRIVATE KEY-----\n')).toBe(true);
      expect(parsePrivateKey(pem)).toEqual(k);
      expect(createPrivateKey(pem).asymmetricKeyType).toBe(k.kind === 'rsa' ? 'rsa' : k.kind);
    }
  });
});

describe('parsePrivateKey errors are one-line TypeErrors', () => {
  it('encrypted keys, PEM and DER, PKCS#8 and legacy', () => {
    const msg = 'encrypted private keys are not supported; decrypt with `openssl pkey`';
    expect(() => parsePrivateKey(fixtureText('keys/p256.encrypted.pem'))).toThrow(msg);
    expect(() => parsePrivateKey(decodePem(fixtureText('keys/p256.encrypted.pem'))[0]!.bytes)).toThrow(msg);
    expect(() => parsePrivateKey(fixtureText('keys/rsa.legacy-encrypted.pem'))).toThrow(msg);
  });

  it('unsupported curve and algorithm', () => {
    expect(() => parsePrivateKey(fixtureText('keys/p521.pkcs8.pem'))).toThrow(/unsupported EC curve 1\.3\.132\.0\.35/);
    expect(() => parsePrivateKey(fixtureText('keys/ed448.pkcs8.pem'))).toThrow(/unsupported private key algorithm Ed448/);
    const p521 = createPublicKey(fixtureText('keys/p521.pkcs8.pem')).export({ type: 'spki', format: 'der' });
    expect(() => parsePublicKey(new Uint8Array(p521))).toThrow(/unsupported public key algorithm or curve/);
  });

  it('garbage, no key block, a certificate instead of a key', () => {
    expect(() => parsePrivateKey('')).toThrow(/no private key PEM block/);
    expect(() => parsePrivateKey(fixtureText('p256-leaf.pem'))).toThrow(/no private key PEM block/);
    expect(() => parsePrivateKey(new Uint8Array([1, 2, 3]))).toThrow(/malformed private key/);
    expect(() => parsePublicKey(new Uint8Array([0x30, 0]))).toThrow(TypeError);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        for (const f of [() => parsePrivateKey(bytes), () => parsePublicKey(bytes)]) {
          try {
            f();
          } catch (e) {
            expect(e).toBeInstanceOf(TypeError);
            expect(String((e as Error).message)).not.toContain('\n');
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  it('truncations and bit flips of a valid key throw only TypeError', () => {
    const der = fixtureBytes('keys/p256.pkcs8.der');
    for (let n = 0; n < der.length; n++) expect(() => parsePrivateKey(der.subarray(0, n))).toThrow(TypeError);
    fc.assert(
      fc.property(fc.nat({ max: der.length * 8 - 1 }), (bit) => {
        const b = der.slice();
        b[bit >> 3]! ^= 1 << (bit & 7);
        try {
          parsePrivateKey(b);
        } catch (e) {
          expect(e).toBeInstanceOf(TypeError);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('an SEC1 key whose embedded public key is not its own', () => {
    const a = parsePrivateKey(fixtureText('keys/p256.sec1.pem'));
    const other = ecPrivateKey('P-256', new Uint8Array(32).fill(7));
    if (a.kind !== 'ec') throw new Error('fixture');
    const der = decodePem(fixtureText('keys/p256.sec1.pem'))[0]!.bytes.slice();
    const at = toHex(der).indexOf(toHex(a.publicKey.point)) / 2;
    der.set(other.publicKey.point, at);
    expect(() => parsePrivateKey(der)).toThrow(/does not match/);
  });
});

describe('key constructors produce what node:crypto exports', () => {
  it('EC and Ed25519 PKCS#8 are byte-identical to node\'s', () => {
    for (const namedCurve of ['P-256', 'P-384'] as const) {
      const { privateKey } = generateKeyPairSync('ec', { namedCurve });
      const jwk = privateKey.export({ format: 'jwk' });
      const mine = ecPrivateKey(namedCurve, new Uint8Array(Buffer.from(jwk.d!, 'base64url')));
      expect(toHex(mine.pkcs8)).toBe(toHex(privateKey.export({ type: 'pkcs8', format: 'der' })));
      expect(toHex(mine.publicKey.spki)).toBe(toHex(createPublicKey(privateKey).export({ type: 'spki', format: 'der' })));
    }
    const { privateKey } = generateKeyPairSync('ed25519');
    const seed = new Uint8Array(Buffer.from(privateKey.export({ format: 'jwk' }).d!, 'base64url'));
    const mine = ed25519PrivateKey(seed);
    expect(toHex(mine.pkcs8)).toBe(toHex(privateKey.export({ type: 'pkcs8', format: 'der' })));
    expect(toHex(mine.publicKey.spki)).toBe(toHex(createPublicKey(privateKey).export({ type: 'spki', format: 'der' })));
  });

  it('RSA PKCS#8 is byte-identical to node\'s', () => {
    const k = parsePrivateKey(fixtureText('keys/rsa.pkcs1.pem'));
    if (k.kind !== 'rsa') throw new Error('fixture');
    const rebuilt = rsaPrivateKey({ n: k.n, e: k.e, d: k.d, p: k.p, q: k.q, dp: k.dp, dq: k.dq, qi: k.qi });
    expect(toHex(rebuilt.pkcs8)).toBe(toHex(createPrivateKey(fixtureText('keys/rsa.pkcs1.pem')).export({ type: 'pkcs8', format: 'der' })));
    expect(() => rsaPrivateKey({ ...k, n: k.n + 2n })).toThrow(TypeError);
  });

  it('scalar range checks', () => {
    expect(() => ecPrivateKey('P-256', new Uint8Array(32))).toThrow(TypeError);
    expect(() => ecPrivateKey('P-256', new Uint8Array(33).fill(1))).toThrow(TypeError);
    expect(() => ecPrivateKey('P-256', new Uint8Array(32).fill(0xff))).toThrow(TypeError);
    expect(() => ed25519PrivateKey(new Uint8Array(31))).toThrow(TypeError);
    // a short scalar is left-padded
    const short = ecPrivateKey('P-256', Uint8Array.of(1));
    expect(short.d.length).toBe(32);
    expect(short.d[31]).toBe(1);
  });
});
