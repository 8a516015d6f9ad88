import { fromHex, toHex } from '@qk/octets';
import { describe, expect, it } from 'vitest';
import { fastestNodeProvider } from '../src/crypto/fastest.js';
import { nobleProvider } from '../src/crypto/noble.js';
import { nodeProvider } from '../src/crypto/node.js';
import type { CryptoProvider } from '../src/crypto/provider.js';
import { CipherSuite, cipherSuiteInfo } from '../src/crypto/suites.js';
import {
  KeySchedule,
  deriveSecret,
  encodeHkdfLabel,
  exportKeyingMaterial,
  finishedKey,
  finishedVerifyData,
  hkdfExpandLabel,
  nextApplicationSecret,
  resumptionPsk,
  trafficKeys,
} from '../src/key-schedule.js';
import vectors from './vectors/rfc8448-keyschedule.json' with { type: 'json' };

const h = fromHex;
const s3 = vectors.simple1Rtt;
const s4 = vectors.resumed0Rtt;
const aes128 = cipherSuiteInfo(CipherSuite.TLS_AES_128_GCM_SHA256)!;
const empty = new Uint8Array(0);

const providers: readonly CryptoProvider[] = [nobleProvider, nodeProvider, fastestNodeProvider];

describe('HkdfLabel (RFC 8446 §7.1)', () => {
  it('encodes length, "tls13 " + label and context exactly', () => {
    // RFC 8448 §3 prints this info for "c hs traffic" with a 32-byte hash as context; here with an empty context.
    expect(toHex(encodeHkdfLabel('c hs traffic', empty, 32))).toBe('002012746c7331332063206873207472616666696300');
    expect(toHex(encodeHkdfLabel('key', empty, 16))).toBe('00100974' + '6c733133206b657900');
    expect(toHex(encodeHkdfLabel('iv', h('0102'), 12))).toBe('000c08746c73313320697602' + '0102');
  });

  it('rejects lengths and contexts that do not fit the structure', () => {
    expect(() => encodeHkdfLabel('key', empty, 65536)).toThrow(RangeError);
    expect(() => encodeHkdfLabel('key', empty, -1)).toThrow(RangeError);
    expect(() => encodeHkdfLabel('key', new Uint8Array(256), 16)).toThrow(RangeError);
    expect(() => encodeHkdfLabel('x'.repeat(250), empty, 16)).toThrow(RangeError);
    expect(encodeHkdfLabel('x'.repeat(249), empty, 16).length).toBe(2 + 1 + 255 + 1);
  });

  it('matches RFC 9001 §A.1 through hkdfExpandLabel (client in, quic key/iv/hp)', () => {
    const initial = nobleProvider.hkdfExtract('sha256', h('38762cf7f55934b34d179ae6a4c80cadccbb7f0a'), h('8394c8f03e515708'));
    expect(toHex(initial)).toBe('7db5df06e7a69e432496adedb00851923595221596ae2ae9fb8115c1e9ed0a44');
    const client = hkdfExpandLabel(nobleProvider, 'sha256', initial, 'client in', empty, 32);
    expect(toHex(client)).toBe('c00cf151ca5be075ed0ebfb5c80323c42d6b7db67881289af4008f1f6c357aea');
    expect(toHex(hkdfExpandLabel(nobleProvider, 'sha256', client, 'quic key', empty, 16))).toBe(
      '1f369613dd76d5467730efcbe3b1a22d',
    );
    expect(toHex(hkdfExpandLabel(nobleProvider, 'sha256', client, 'quic iv', empty, 12))).toBe('fa044b2f42a3fd3b46fb255c');
    expect(toHex(hkdfExpandLabel(nobleProvider, 'sha256', client, 'quic hp', empty, 16))).toBe(
      '9f50449e04a0e810283a1e9933adedd2',
    );
  });
});

describe.each(providers.map((p) => [p.name, p] as const))('RFC 8448 key schedule with %s', (_name, p) => {
  it(`${s3.source}: Simple 1-RTT Handshake, every secret`, () => {
    expect(toHex(p.hash('sha256', empty))).toBe(s3.emptyHash);
    const ks = new KeySchedule(p, 'sha256');
    expect(toHex(ks.earlySecret)).toBe(s3.earlySecret);
    expect(toHex(deriveSecret(p, 'sha256', ks.earlySecret, 'derived', h(s3.emptyHash)))).toBe(s3.derivedForHandshake);
    expect(toHex(ks.deriveHandshakeSecret(h(s3.ecdheSharedSecret)))).toBe(s3.handshakeSecret);
    expect(toHex(ks.handshakeSecret)).toBe(s3.handshakeSecret);

    const cHs = ks.clientHandshakeTrafficSecret(h(s3.helloHash));
    const sHs = ks.serverHandshakeTrafficSecret(h(s3.helloHash));
    expect(toHex(cHs)).toBe(s3.clientHandshakeTrafficSecret);
    expect(toHex(sHs)).toBe(s3.serverHandshakeTrafficSecret);
    expect(toHex(deriveSecret(p, 'sha256', ks.handshakeSecret, 'derived', h(s3.emptyHash)))).toBe(s3.derivedForMaster);
    expect(toHex(ks.deriveMasterSecret())).toBe(s3.masterSecret);

    const sHsKeys = ks.trafficKeys(sHs, aes128);
    expect(toHex(sHsKeys.key)).toBe(s3.serverHandshakeKey);
    expect(toHex(sHsKeys.iv)).toBe(s3.serverHandshakeIv);
    const cHsKeys = trafficKeys(p, cHs, aes128);
    expect(toHex(cHsKeys.key)).toBe(s3.clientHandshakeKey);
    expect(toHex(cHsKeys.iv)).toBe(s3.clientHandshakeIv);

    const sFinishedKey = ks.finishedKey(sHs);
    expect(toHex(sFinishedKey)).toBe(s3.serverFinishedKey);
    expect(toHex(ks.finishedVerifyData(sFinishedKey, h(s3.certificateVerifyHash)))).toBe(s3.serverFinishedVerifyData);

    expect(toHex(ks.clientApplicationTrafficSecret(h(s3.serverFinishedHash)))).toBe(s3.clientApplicationTrafficSecret);
    const sAp = ks.serverApplicationTrafficSecret(h(s3.serverFinishedHash));
    expect(toHex(sAp)).toBe(s3.serverApplicationTrafficSecret);
    expect(toHex(ks.exporterMasterSecret(h(s3.serverFinishedHash)))).toBe(s3.exporterMasterSecret);
    const sApKeys = ks.trafficKeys(sAp, aes128);
    expect(toHex(sApKeys.key)).toBe(s3.serverApplicationKey);
    expect(toHex(sApKeys.iv)).toBe(s3.serverApplicationIv);

    const cFinishedKey = finishedKey(p, 'sha256', cHs);
    expect(toHex(cFinishedKey)).toBe(s3.clientFinishedKey);
    expect(toHex(finishedVerifyData(p, 'sha256', cFinishedKey, h(s3.serverFinishedHash)))).toBe(s3.clientFinishedVerifyData);
    const cApKeys = ks.trafficKeys(h(s3.clientApplicationTrafficSecret), aes128);
    expect(toHex(cApKeys.key)).toBe(s3.clientApplicationKey);
    expect(toHex(cApKeys.iv)).toBe(s3.clientApplicationIv);

    const rms = ks.resumptionMasterSecret(h(s3.clientFinishedHash));
    expect(toHex(rms)).toBe(s3.resumptionMasterSecret);
    expect(toHex(ks.resumptionPsk(rms, h(s3.ticketNonce)))).toBe(s3.resumptionPsk);
    expect(toHex(resumptionPsk(p, 'sha256', rms, h(s3.ticketNonce)))).toBe(s3.resumptionPsk);
  });

  it(`${s4.source}: Resumed 0-RTT Handshake, every secret`, () => {
    expect(toHex(resumptionPsk(p, 'sha256', h(s3.resumptionMasterSecret), h(s3.ticketNonce)))).toBe(s4.psk);
    const ks = new KeySchedule(p, 'sha256', h(s4.psk));
    expect(toHex(ks.earlySecret)).toBe(s4.earlySecret);

    const binderKey = ks.binderKey('resumption');
    expect(toHex(binderKey)).toBe(s4.binderKey);
    expect(toHex(ks.binderKey('external'))).not.toBe(s4.binderKey);
    const binderFinishedKey = ks.finishedKey(binderKey);
    expect(toHex(binderFinishedKey)).toBe(s4.binderFinishedKey);
    expect(toHex(ks.finishedVerifyData(binderFinishedKey, h(s4.binderHash)))).toBe(s4.binder);

    const cEarly = ks.clientEarlyTrafficSecret(h(s4.clientHelloHash));
    expect(toHex(cEarly)).toBe(s4.clientEarlyTrafficSecret);
    expect(toHex(ks.earlyExporterMasterSecret(h(s4.clientHelloHash)))).toBe(s4.earlyExporterMasterSecret);
    const earlyKeys = ks.trafficKeys(cEarly, aes128);
    expect(toHex(earlyKeys.key)).toBe(s4.earlyKey);
    expect(toHex(earlyKeys.iv)).toBe(s4.earlyIv);

    expect(toHex(deriveSecret(p, 'sha256', ks.earlySecret, 'derived', p.hash('sha256', empty)))).toBe(
      s4.derivedForHandshake,
    );
    expect(toHex(ks.deriveHandshakeSecret(h(s4.ecdheSharedSecret)))).toBe(s4.handshakeSecret);
    const cHs = ks.clientHandshakeTrafficSecret(h(s4.helloHash));
    const sHs = ks.serverHandshakeTrafficSecret(h(s4.helloHash));
    expect(toHex(cHs)).toBe(s4.clientHandshakeTrafficSecret);
    expect(toHex(sHs)).toBe(s4.serverHandshakeTrafficSecret);
    const sHsKeys = ks.trafficKeys(sHs, aes128);
    expect(toHex(sHsKeys.key)).toBe(s4.serverHandshakeKey);
    expect(toHex(sHsKeys.iv)).toBe(s4.serverHandshakeIv);
    const cHsKeys = ks.trafficKeys(cHs, aes128);
    expect(toHex(cHsKeys.key)).toBe(s4.clientHandshakeKey);
    expect(toHex(cHsKeys.iv)).toBe(s4.clientHandshakeIv);

    expect(toHex(ks.deriveMasterSecret())).toBe(s4.masterSecret);
    const cAp = ks.clientApplicationTrafficSecret(h(s4.serverFinishedHash));
    const sAp = ks.serverApplicationTrafficSecret(h(s4.serverFinishedHash));
    expect(toHex(cAp)).toBe(s4.clientApplicationTrafficSecret);
    expect(toHex(sAp)).toBe(s4.serverApplicationTrafficSecret);
    expect(toHex(ks.exporterMasterSecret(h(s4.serverFinishedHash)))).toBe(s4.exporterMasterSecret);
    const sApKeys = ks.trafficKeys(sAp, aes128);
    expect(toHex(sApKeys.key)).toBe(s4.serverApplicationKey);
    expect(toHex(sApKeys.iv)).toBe(s4.serverApplicationIv);
    const cApKeys = ks.trafficKeys(cAp, aes128);
    expect(toHex(cApKeys.key)).toBe(s4.clientApplicationKey);
    expect(toHex(cApKeys.iv)).toBe(s4.clientApplicationIv);
    expect(toHex(ks.resumptionMasterSecret(h(s4.clientFinishedHash)))).toBe(s4.resumptionMasterSecret);
  });
});

describe('RFC 8448 (EC)DHE inputs', () => {
  // X25519 on the trace's private keys, through noble's scalar multiplication (independent of the providers).
  it.each([
    [s3.source, s3.clientPrivateKey, s3.serverPublicKey, s3.serverPrivateKey, s3.clientPublicKey, s3.ecdheSharedSecret],
    [s4.source, s4.clientPrivateKey, s4.serverPublicKey, s4.serverPrivateKey, s4.clientPublicKey, s4.ecdheSharedSecret],
  ])('%s: X25519(client, server) = X25519(server, client) = the trace', async (_src, cPriv, sPub, sPriv, cPub, shared) => {
    const { x25519 } = await import('@noble/curves/ed25519.js');
    expect(toHex(x25519.getPublicKey(h(cPriv)))).toBe(cPub);
    expect(toHex(x25519.getPublicKey(h(sPriv)))).toBe(sPub);
    expect(toHex(x25519.scalarMult(h(cPriv), h(sPub)))).toBe(shared);
    expect(toHex(x25519.scalarMult(h(sPriv), h(cPub)))).toBe(shared);
  });
});

describe('KeySchedule API', () => {
  it('refuses stages out of order with TypeError', () => {
    const ks = new KeySchedule(nobleProvider, 'sha256');
    expect(() => ks.handshakeSecret).toThrow(TypeError);
    expect(() => ks.clientHandshakeTrafficSecret(new Uint8Array(32))).toThrow(TypeError);
    expect(() => ks.deriveMasterSecret()).toThrow(TypeError);
    ks.deriveHandshakeSecret(undefined);
    expect(() => ks.masterSecret).toThrow(TypeError);
    expect(() => ks.clientApplicationTrafficSecret(new Uint8Array(32))).toThrow(TypeError);
  });

  it('refuses transcript hashes of the wrong length and suites of another hash', () => {
    const ks = new KeySchedule(nobleProvider, 'sha256');
    expect(() => ks.clientEarlyTrafficSecret(new Uint8Array(48))).toThrow(RangeError);
    const aes256 = cipherSuiteInfo(CipherSuite.TLS_AES_256_GCM_SHA384)!;
    expect(() => ks.trafficKeys(new Uint8Array(32), aes256)).toThrow(RangeError);
  });

  it('runs the SHA-384 schedule (TLS_AES_256_GCM_SHA384) identically on both providers', () => {
    const aes256 = cipherSuiteInfo(CipherSuite.TLS_AES_256_GCM_SHA384)!;
    const run = (p: CryptoProvider) => {
      const ks = new KeySchedule(p, 'sha384', new Uint8Array(48).fill(7));
      const out = [ks.earlySecret, ks.binderKey('external'), ks.deriveHandshakeSecret(new Uint8Array(32).fill(1))];
      out.push(ks.clientHandshakeTrafficSecret(new Uint8Array(48).fill(2)), ks.deriveMasterSecret());
      const sAp = ks.serverApplicationTrafficSecret(new Uint8Array(48).fill(3));
      const keys = ks.trafficKeys(sAp, aes256);
      out.push(sAp, keys.key, keys.iv, ks.nextApplicationSecret(sAp));
      out.push(exportKeyingMaterial(p, 'sha384', sAp, 'EXPORTER-test', new Uint8Array(5), 40));
      return out.map(toHex);
    };
    const a = run(nobleProvider);
    expect(a).toEqual(run(nodeProvider));
    expect(a.map((x) => x.length / 2)).toEqual([48, 48, 48, 48, 48, 48, 32, 12, 48, 40]);
  });

  it('nextApplicationSecret is HKDF-Expand-Label(secret, "traffic upd", "", Hash.length)', () => {
    const secret = h(s3.serverApplicationTrafficSecret);
    expect(toHex(nextApplicationSecret(nobleProvider, 'sha256', secret))).toBe(
      toHex(hkdfExpandLabel(nobleProvider, 'sha256', secret, 'traffic upd', empty, 32)),
    );
  });
});

describe('cipher suites', () => {
  it('maps the three QUIC suites and nothing else', () => {
    expect(cipherSuiteInfo(0x1301)).toEqual({
      code: 0x1301, name: 'TLS_AES_128_GCM_SHA256', aead: 'aes-128-gcm', hash: 'sha256', keyLength: 16, ivLength: 12,
    });
    expect(cipherSuiteInfo(0x1302)).toMatchObject({ aead: 'aes-256-gcm', hash: 'sha384', keyLength: 32 });
    expect(cipherSuiteInfo(0x1303)).toMatchObject({ aead: 'chacha20-poly1305', hash: 'sha256', keyLength: 32 });
    expect(cipherSuiteInfo(0x1304)).toBeUndefined(); // TLS_AES_128_CCM_SHA256: not offered
    expect(cipherSuiteInfo(0x1305)).toBeUndefined();
    expect(cipherSuiteInfo(0)).toBeUndefined();
    expect(Object.isFrozen(cipherSuiteInfo(0x1301))).toBe(true);
  });
});
