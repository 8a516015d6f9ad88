/**
 * Test helper: builds qk `PrivateKey` / `PublicKey` objects from keys node:crypto generates, through JWK (the
 * numbers) and DER (PKCS#8 / SPKI), the way the X.509 module will produce them from certificates.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { EcCurve, PrivateKey, PublicKey } from '../../src/crypto/keys.js';

/** A generated key pair in both worlds: qk's objects and node's KeyObjects. */
export interface TestKeyPair {
  readonly privateKey: PrivateKey;
  readonly publicKey: PublicKey;
  readonly nodePrivateKey: KeyObject;
  readonly nodePublicKey: KeyObject;
}

function b64(s: string | undefined): Uint8Array {
  if (s === undefined) throw new Error('JWK member missing');
  const b = Buffer.from(s, 'base64url');
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength).slice();
}

function big(s: string | undefined): bigint {
  const b = b64(s);
  let hex = '';
  for (const x of b) hex += x.toString(16).padStart(2, '0');
  return hex === '' ? 0n : BigInt('0x' + hex);
}

function der(ko: KeyObject, type: 'pkcs8' | 'spki'): Uint8Array {
  const b = ko.export({ format: 'der', type }) as Buffer;
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength).slice();
}

/** Converts a node key pair into qk key objects. */
export function fromNodeKeyPair(nodePrivateKey: KeyObject, nodePublicKey: KeyObject): TestKeyPair {
  const jwk = nodePrivateKey.export({ format: 'jwk' });
  const spki = der(nodePublicKey, 'spki');
  const pkcs8 = der(nodePrivateKey, 'pkcs8');
  switch (jwk.kty) {
    case 'EC': {
      const curve: EcCurve = jwk.crv === 'P-256' ? 'P-256' : jwk.crv === 'P-384' ? 'P-384' : fail(jwk.crv);
      const x = b64(jwk.x);
      const y = b64(jwk.y);
      const point = new Uint8Array(1 + x.length + y.length);
      point[0] = 4;
      point.set(x, 1);
      point.set(y, 1 + x.length);
      const publicKey = { kind: 'ec', curve, point, spki } as const;
      return { privateKey: { kind: 'ec', curve, d: b64(jwk.d), publicKey, pkcs8 }, publicKey, nodePrivateKey, nodePublicKey };
    }
    case 'OKP': {
      if (jwk.crv !== 'Ed25519') fail(jwk.crv);
      const publicKey = { kind: 'ed25519', key: b64(jwk.x), spki } as const;
      return { privateKey: { kind: 'ed25519', seed: b64(jwk.d), publicKey, pkcs8 }, publicKey, nodePrivateKey, nodePublicKey };
    }
    case 'RSA': {
      const n = big(jwk.n);
      const e = big(jwk.e);
      const publicKey = { kind: 'rsa', n, e, bits: n.toString(2).length, spki } as const;
      const privateKey = {
        kind: 'rsa',
        n,
        e,
        d: big(jwk.d),
        p: big(jwk.p),
        q: big(jwk.q),
        dp: big(jwk.dp),
        dq: big(jwk.dq),
        qi: big(jwk.qi),
        publicKey,
        pkcs8,
      } as const;
      return { privateKey, publicKey, nodePrivateKey, nodePublicKey };
    }
    default:
      return fail(jwk.kty);
  }
}

function fail(what: unknown): never {
  throw new Error(`unsupported test key type ${String(what)}`);
}

/** The key types the tests and benchmarks use. */
export type TestKeyType = 'P-256' | 'P-384' | 'ed25519' | 'rsa2048' | 'rsa3072' | 'rsa4096';

const cache = new Map<TestKeyType, TestKeyPair>();

/** Generates (once per process, then cached) a key pair of `type` with node:crypto. */
export function testKeyPair(type: TestKeyType): TestKeyPair {
  let kp = cache.get(type);
  if (kp !== undefined) return kp;
  let gen: { privateKey: KeyObject; publicKey: KeyObject };
  switch (type) {
    case 'P-256':
      gen = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
      break;
    case 'P-384':
      gen = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
      break;
    case 'ed25519':
      gen = generateKeyPairSync('ed25519');
      break;
    case 'rsa2048':
      gen = generateKeyPairSync('rsa', { modulusLength: 2048 });
      break;
    case 'rsa3072':
      gen = generateKeyPairSync('rsa', { modulusLength: 3072 });
      break;
    case 'rsa4096':
      gen = generateKeyPairSync('rsa', { modulusLength: 4096 });
      break;
  }
  kp = fromNodeKeyPair(gen.privateKey, gen.publicKey);
  cache.set(type, kp);
  return kp;
}
