import { describe, expect, it } from 'vitest';
import { sha256 } from '@noble/hashes/sha2.js';
import { toHex } from '@qk/octets';
import {
  ExtensionType,
  HELLO_RETRY_REQUEST_RANDOM,
  HandshakeType,
  NamedGroup,
  SignatureScheme,
  defaultSignatureSchemes,
  extensionContexts,
  extensionTypeName,
  handshakeTypeName,
  keyExchangeGroupOf,
  namedGroupName,
  namedGroupOf,
  pskKeyExchangeModeName,
  signatureSchemeInfo,
  signatureSchemeName,
} from '../../src/registry.js';

describe('TLS registries', () => {
  it('carry the RFC code points', () => {
    expect(HandshakeType).toMatchObject({ client_hello: 1, server_hello: 2, new_session_ticket: 4, end_of_early_data: 5 });
    expect(HandshakeType).toMatchObject({ encrypted_extensions: 8, certificate: 11, certificate_request: 13 });
    expect(HandshakeType).toMatchObject({ certificate_verify: 15, finished: 20, key_update: 24, message_hash: 254 });
    expect(ExtensionType).toMatchObject({
      server_name: 0,
      supported_groups: 10,
      signature_algorithms: 13,
      application_layer_protocol_negotiation: 16,
      pre_shared_key: 41,
      early_data: 42,
      supported_versions: 43,
      cookie: 44,
      psk_key_exchange_modes: 45,
      certificate_authorities: 47,
      post_handshake_auth: 49,
      signature_algorithms_cert: 50,
      key_share: 51,
      quic_transport_parameters: 0x39,
    });
    expect(NamedGroup).toMatchObject({ x25519: 0x1d, secp256r1: 0x17, secp384r1: 0x18, X25519MLKEM768: 0x11ec });
    expect(SignatureScheme).toMatchObject({
      ecdsa_secp256r1_sha256: 0x0403,
      ecdsa_secp384r1_sha384: 0x0503,
      ed25519: 0x0807,
      rsa_pss_rsae_sha256: 0x0804,
      rsa_pss_rsae_sha384: 0x0805,
      rsa_pss_rsae_sha512: 0x0806,
      rsa_pkcs1_sha256: 0x0401,
      rsa_pkcs1_sha384: 0x0501,
      rsa_pkcs1_sha512: 0x0601,
    });
  });

  it('name every code point, and unknown ones readably', () => {
    expect(handshakeTypeName(20)).toBe('finished');
    expect(handshakeTypeName(99)).toBe('handshake_99');
    expect(extensionTypeName(0x39)).toBe('quic_transport_parameters');
    expect(extensionTypeName(0xfa00)).toBe('extension_64000');
    expect(namedGroupName(0x11ec)).toBe('X25519MLKEM768');
    expect(namedGroupName(0x9999)).toBe('group_0x9999');
    expect(signatureSchemeName(0x0807)).toBe('ed25519');
    expect(pskKeyExchangeModeName(1)).toBe('psk_dhe_ke');
  });

  it('map NamedGroups to the provider groups and back', () => {
    for (const g of ['x25519', 'secp256r1', 'secp384r1', 'x25519mlkem768'] as const) {
      expect(keyExchangeGroupOf(namedGroupOf(g))).toBe(g);
    }
    expect(keyExchangeGroupOf(NamedGroup.x448)).toBeUndefined();
  });

  it('say what each signature scheme needs', () => {
    expect(signatureSchemeInfo(0x0403)).toMatchObject({ keyKind: 'ec', curve: 'P-256', handshake: true, algorithm: { kind: 'ecdsa', hash: 'sha256' } });
    expect(signatureSchemeInfo(0x0503)).toMatchObject({ keyKind: 'ec', curve: 'P-384', handshake: true });
    expect(signatureSchemeInfo(0x0806)).toMatchObject({ keyKind: 'rsa', algorithm: { kind: 'rsa-pss', hash: 'sha512', saltLength: 64 } });
    expect(signatureSchemeInfo(0x0401)).toMatchObject({ keyKind: 'rsa', handshake: false });
    expect(signatureSchemeInfo(0x0201)).toBeUndefined();
    for (const s of defaultSignatureSchemes) expect(signatureSchemeInfo(s)?.handshake).toBe(true);
  });

  it('state RFC 8446 §4.2’s extension table', () => {
    expect([...extensionContexts.get(ExtensionType.key_share)!]).toEqual(['CH', 'SH', 'HRR']);
    expect([...extensionContexts.get(ExtensionType.early_data)!]).toEqual(['CH', 'EE', 'NST']);
    expect([...extensionContexts.get(ExtensionType.quic_transport_parameters)!]).toEqual(['CH', 'EE']);
  });

  it('define the HelloRetryRequest random as SHA-256("HelloRetryRequest")', () => {
    expect(toHex(HELLO_RETRY_REQUEST_RANDOM)).toBe(toHex(sha256(new TextEncoder().encode('HelloRetryRequest'))));
  });
});
