/** fast-check arbitraries for valid handshake messages and extensions, per message context. */
import fc from 'fast-check';
import type { Extension } from '../../src/messages/extensions.js';
import type { HandshakeMessage } from '../../src/messages/handshake.js';
import { ExtensionType, type ExtensionContext } from '../../src/registry.js';

const bytes = (min: number, max: number) => fc.uint8Array({ minLength: min, maxLength: max });
const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffff_ffff });
const ascii = fc.stringMatching(/^[a-z0-9.-]{1,40}$/);

/** Extension types no registry entry names (so decoding keeps them as `unknown`). */
const unknownType = fc.integer({ min: 0xfa00, max: 0xfaff });

const arbByKind: Record<string, fc.Arbitrary<Extension>> = {
  server_name_ch: ascii.map((hostName) => ({ kind: 'server_name', hostName }) as const),
  server_name_ee: fc.constant({ kind: 'server_name' } as const),
  supported_groups: fc.array(u16, { minLength: 1, maxLength: 8 }).map((groups) => ({ kind: 'supported_groups', groups }) as const),
  signature_algorithms: fc
    .array(u16, { minLength: 1, maxLength: 8 })
    .map((schemes) => ({ kind: 'signature_algorithms', schemes }) as const),
  signature_algorithms_cert: fc
    .array(u16, { minLength: 1, maxLength: 8 })
    .map((schemes) => ({ kind: 'signature_algorithms_cert', schemes }) as const),
  alpn_ch: fc
    .array(bytes(1, 12), { minLength: 1, maxLength: 4 })
    .map((protocols) => ({ kind: 'application_layer_protocol_negotiation', protocols }) as const),
  alpn_ee: bytes(1, 12).map((p) => ({ kind: 'application_layer_protocol_negotiation', protocols: [p] }) as const),
  key_share: fc
    .uniqueArray(fc.record({ group: u16, keyExchange: bytes(1, 70) }), { selector: (s) => s.group, maxLength: 3 })
    .map((shares) => ({ kind: 'key_share', shares }) as const),
  key_share_server: fc
    .record({ group: u16, keyExchange: bytes(1, 70) })
    .map((share) => ({ kind: 'key_share_server', share }) as const),
  key_share_retry: u16.map((selectedGroup) => ({ kind: 'key_share_retry', selectedGroup }) as const),
  supported_versions: fc
    .array(u16, { minLength: 1, maxLength: 6 })
    .map((versions) => ({ kind: 'supported_versions', versions }) as const),
  supported_versions_server: u16.map((selectedVersion) => ({ kind: 'supported_versions_server', selectedVersion }) as const),
  pre_shared_key: fc
    .array(fc.record({ identity: bytes(1, 40), obfuscatedTicketAge: u32 }), { minLength: 1, maxLength: 3 })
    .chain((identities) =>
      fc
        .array(bytes(32, 48), { minLength: identities.length, maxLength: identities.length })
        .map((binders) => ({ kind: 'pre_shared_key', identities, binders }) as const),
    ),
  pre_shared_key_server: u16.map((selectedIdentity) => ({ kind: 'pre_shared_key_server', selectedIdentity }) as const),
  early_data: fc.constant({ kind: 'early_data' } as const),
  early_data_nst: u32.map((maxEarlyDataSize) => ({ kind: 'early_data', maxEarlyDataSize }) as const),
  cookie: bytes(1, 60).map((cookie) => ({ kind: 'cookie', cookie }) as const),
  psk_key_exchange_modes: fc
    .array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 3 })
    .map((modes) => ({ kind: 'psk_key_exchange_modes', modes }) as const),
  quic_transport_parameters: bytes(0, 40).map((parameters) => ({ kind: 'quic_transport_parameters', parameters }) as const),
  certificate_authorities: fc
    .array(bytes(1, 30), { minLength: 1, maxLength: 3 })
    .map((authorities) => ({ kind: 'certificate_authorities', authorities }) as const),
  post_handshake_auth: fc.constant({ kind: 'post_handshake_auth' } as const),
  unknown: fc.record({ type: unknownType, data: bytes(0, 20) }).map(({ type, data }) => ({ kind: 'unknown', type, data }) as const),
};

const kindsFor: Record<ExtensionContext, string[]> = {
  CH: [
    'server_name_ch', 'supported_groups', 'signature_algorithms', 'signature_algorithms_cert', 'alpn_ch', 'key_share',
    'supported_versions', 'early_data', 'cookie', 'psk_key_exchange_modes', 'quic_transport_parameters',
    'certificate_authorities', 'post_handshake_auth', 'unknown',
  ],
  SH: ['key_share_server', 'supported_versions_server', 'pre_shared_key_server', 'unknown'],
  HRR: ['key_share_retry', 'supported_versions_server', 'cookie', 'unknown'],
  EE: ['server_name_ee', 'supported_groups', 'alpn_ee', 'early_data', 'quic_transport_parameters', 'unknown'],
  CT: ['unknown'],
  CR: ['signature_algorithms', 'signature_algorithms_cert', 'certificate_authorities', 'unknown'],
  NST: ['early_data_nst', 'unknown'],
};

function typeOf(e: Extension): number {
  switch (e.kind) {
    case 'unknown':
      return e.type;
    case 'application_layer_protocol_negotiation':
      return ExtensionType.application_layer_protocol_negotiation;
    case 'key_share_server':
    case 'key_share_retry':
      return ExtensionType.key_share;
    case 'supported_versions_server':
      return ExtensionType.supported_versions;
    case 'pre_shared_key_server':
      return ExtensionType.pre_shared_key;
    default:
      return ExtensionType[e.kind];
  }
}

/** A valid extension block for `ctx`: distinct types; in a ClientHello, maybe pre_shared_key last. */
export function extensionsArb(ctx: ExtensionContext): fc.Arbitrary<Extension[]> {
  const one = fc.oneof(...kindsFor[ctx].map((k) => arbByKind[k]!));
  const list = fc.uniqueArray(one, { selector: typeOf, maxLength: 6 });
  if (ctx !== 'CH') return list;
  return fc
    .tuple(list, fc.option(arbByKind.pre_shared_key!, { nil: undefined }))
    .map(([l, psk]) => (psk === undefined ? l : [...l, psk]));
}

const random32 = bytes(32, 32).filter((r) => !(r[0] === 0xcf && r[1] === 0x21));

/** Any valid handshake message. */
export const handshakeMessageArb: fc.Arbitrary<HandshakeMessage> = fc.oneof(
  fc.record({
    kind: fc.constant('client_hello' as const),
    legacyVersion: u16,
    random: random32,
    legacySessionId: bytes(0, 32),
    cipherSuites: fc.array(u16, { minLength: 1, maxLength: 5 }),
    legacyCompressionMethods: bytes(1, 3),
    extensions: extensionsArb('CH'),
  }),
  fc.record({
    kind: fc.constant('server_hello' as const),
    legacyVersion: u16,
    random: random32,
    legacySessionIdEcho: bytes(0, 32),
    cipherSuite: u16,
    legacyCompressionMethod: fc.integer({ min: 0, max: 255 }),
    extensions: extensionsArb('SH'),
  }),
  fc.record({
    kind: fc.constant('hello_retry_request' as const),
    legacyVersion: u16,
    legacySessionIdEcho: bytes(0, 32),
    cipherSuite: u16,
    legacyCompressionMethod: fc.integer({ min: 0, max: 255 }),
    extensions: extensionsArb('HRR'),
  }),
  fc.record({ kind: fc.constant('encrypted_extensions' as const), extensions: extensionsArb('EE') }),
  fc.record({ kind: fc.constant('certificate_request' as const), context: bytes(0, 10), extensions: extensionsArb('CR') }),
  fc.record({
    kind: fc.constant('certificate' as const),
    context: bytes(0, 10),
    entries: fc.array(fc.record({ data: bytes(1, 60), extensions: extensionsArb('CT') }), { maxLength: 3 }),
  }),
  fc.record({ kind: fc.constant('certificate_verify' as const), scheme: u16, signature: bytes(0, 80) }),
  fc.record({ kind: fc.constant('finished' as const), verifyData: bytes(1, 64) }),
  fc.constant({ kind: 'end_of_early_data' as const }),
  fc.record({
    kind: fc.constant('new_session_ticket' as const),
    lifetime: u32,
    ageAdd: u32,
    nonce: bytes(0, 8),
    ticket: bytes(1, 60),
    extensions: extensionsArb('NST'),
  }),
  fc.record({ kind: fc.constant('key_update' as const), requestUpdate: fc.boolean() }),
);
