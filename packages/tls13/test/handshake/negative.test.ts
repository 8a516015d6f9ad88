import { describe, expect, it } from 'vitest';
import { ClientSession, createClientSession } from '../../src/handshake/client.js';
import type { TlsClientConfig, TlsServerConfig } from '../../src/handshake/config.js';
import { ServerSession, createServerSession } from '../../src/handshake/server.js';
import type { TlsOutput } from '../../src/handshake/types.js';
import type { ClientHello } from '../../src/messages/hello.js';
import type { EncryptedExtensions } from '../../src/messages/authentication.js';
import { ExtensionType, HandshakeType } from '../../src/registry.js';
import { TlsAlert } from '../../src/errors.js';
import { Clock, T0, alertOf, clientConfig, makePki, pipe, serverConfig, type Tamper } from './helpers.js';

const pki = makePki('p256');
const DAY = 86_400_000;

/** Offsets of the messages in a flight: [type, start, end) each. */
function messagesIn(data: Uint8Array): { type: number; start: number; end: number }[] {
  const out = [];
  for (let at = 0; at + 4 <= data.length; ) {
    const len = (data[at + 1]! << 16) | (data[at + 2]! << 8) | data[at + 3]!;
    out.push({ type: data[at]!, start: at, end: at + 4 + len });
    at += 4 + len;
  }
  return out;
}

/** Flips the last byte of the first message of `type` sent by `who`. */
function flipLastByteOf(who: 'client' | 'server', type: number): Tamper {
  return (from, out) => {
    if (from !== who) return out;
    const m = messagesIn(out.data).find((x) => x.type === type);
    if (m === undefined) return out;
    const data = out.data.slice();
    data[m.end - 1]! ^= 0x01;
    return { level: out.level, data };
  };
}

function fails(
  cc: TlsClientConfig | ClientSession,
  sc: TlsServerConfig | ServerSession,
  options: { tamper?: Tamper } = {},
): TlsAlert {
  const client = cc instanceof ClientSession ? cc : createClientSession(cc);
  const server = sc instanceof ServerSession ? sc : createServerSession(sc);
  return alertOf(() => pipe(client, server, options));
}

function clientWith(clock: Clock, rewrite: (ch: ClientHello) => ClientHello, extra: Partial<TlsClientConfig> = {}) {
  return new ClientSession(clientConfig(pki, clock, extra), { clientHello: rewrite });
}

function serverWith(clock: Clock, rewrite: (ee: EncryptedExtensions) => EncryptedExtensions) {
  return new ServerSession(serverConfig(pki, clock), { encryptedExtensions: rewrite });
}

describe('negative cases end in the RFC’s alert', () => {
  describe('certificates', () => {
    it('expired → certificate_expired', () => {
      const clock = new Clock();
      const old = makePki('p256', { notBefore: T0 - 30 * DAY, notAfter: T0 - DAY });
      const a = fails(clientConfig(old, clock), serverConfig(old, clock));
      expect(a.description).toBe('certificate_expired');
      expect(a.fromPeer).toBe(false);
    });

    it('not yet valid → certificate_expired', () => {
      const clock = new Clock();
      const future = makePki('p256', { notBefore: T0 + DAY, notAfter: T0 + 30 * DAY });
      expect(fails(clientConfig(future, clock), serverConfig(future, clock)).description).toBe('certificate_expired');
    });

    it('wrong host → bad_certificate', () => {
      const clock = new Clock();
      expect(fails(clientConfig(pki, clock, { serverName: 'other.test' }), serverConfig(pki, clock)).description).toBe(
        'bad_certificate',
      );
    });

    it('unknown CA → unknown_ca', () => {
      const clock = new Clock();
      const other = makePki('p256');
      expect(fails(clientConfig(other, clock), serverConfig(pki, clock)).description).toBe('unknown_ca');
    });

    it('insecureSkipVerify accepts the unknown CA, but still checks CertificateVerify', () => {
      const clock = new Clock();
      const other = makePki('p256');
      const cc = clientConfig(other, clock, { insecureSkipVerify: true });
      const client = createClientSession(cc);
      pipe(client, createServerSession(serverConfig(pki, clock)));
      expect(client.isHandshakeComplete()).toBe(true);
      expect(fails(cc, serverConfig(pki, clock), { tamper: flipLastByteOf('server', HandshakeType.certificate_verify) }).description).toBe(
        'decrypt_error',
      );
    });

    it('a custom verifier can reject after the default verification', () => {
      const clock = new Clock();
      const cc = clientConfig(pki, clock, {
        verifyCertificate: () => {
          throw new TlsAlert('bad_certificate', 'pinned key mismatch');
        },
      });
      expect(fails(cc, serverConfig(pki, clock)).message).toContain('pinned key mismatch');
    });

    it('tampered CertificateVerify → decrypt_error', () => {
      const clock = new Clock();
      const a = fails(clientConfig(pki, clock), serverConfig(pki, clock), {
        tamper: flipLastByteOf('server', HandshakeType.certificate_verify),
      });
      expect(a.description).toBe('decrypt_error');
    });
  });

  describe('Finished', () => {
    it('tampered server Finished → decrypt_error at the client', () => {
      const clock = new Clock();
      const client = createClientSession(clientConfig(pki, clock));
      const a = fails(client, serverConfig(pki, clock), { tamper: flipLastByteOf('server', HandshakeType.finished) });
      expect(a.description).toBe('decrypt_error');
      expect(client.alert).toBe(a);
    });

    it('tampered client Finished → decrypt_error at the server', () => {
      const clock = new Clock();
      const server = createServerSession(serverConfig(pki, clock));
      const a = fails(clientConfig(pki, clock), server, { tamper: flipLastByteOf('client', HandshakeType.finished) });
      expect(a.description).toBe('decrypt_error');
      expect(server.alert).toBe(a);
      expect(server.isHandshakeComplete()).toBe(false);
    });

    it('a Finished of the wrong length → decode_error', () => {
      const clock = new Clock();
      const tamper: Tamper = (from, out) => {
        if (from !== 'client' || out.level !== 'handshake') return out;
        const data = out.data.slice(0, out.data.length - 1);
        data[3] = data[3]! - 1;
        return { level: out.level, data };
      };
      expect(fails(clientConfig(pki, clock), serverConfig(pki, clock), { tamper }).description).toBe('decode_error');
    });
  });

  describe('framing and limits', () => {
    it('a truncated message body → decode_error', () => {
      const clock = new Clock();
      const server = createServerSession(serverConfig(pki, clock));
      const client = createClientSession(clientConfig(pki, clock));
      client.start();
      const ch = client.pollOutput()!.data;
      // shorten the ClientHello by 10 bytes and fix the header length: the extension block is now short
      const cut = ch.slice(0, ch.length - 10);
      const len = cut.length - 4;
      cut[1] = len >> 16;
      cut[2] = (len >> 8) & 0xff;
      cut[3] = len & 0xff;
      expect(alertOf(() => server.handleData('initial', cut)).description).toBe('decode_error');
    });

    it('a message announcing more than the limit → illegal_parameter before it is buffered', () => {
      const clock = new Clock();
      const server = createServerSession(serverConfig(pki, clock));
      expect(alertOf(() => server.handleData('initial', Uint8Array.of(1, 0x01, 0x00, 0x01))).description).toBe(
        'illegal_parameter',
      );
      const small = createServerSession(serverConfig(pki, clock, { limits: { maxMessageSize: 300 } }));
      const client = createClientSession(clientConfig(pki, clock));
      client.start();
      expect(alertOf(() => small.handleData('initial', client.pollOutput()!.data)).description).toBe('illegal_parameter');
    });

    it('an oversized Certificate from the server → illegal_parameter', () => {
      const clock = new Clock();
      const client = createClientSession(clientConfig(pki, clock, { limits: { maxCertificateSize: 256 } }));
      expect(fails(client, serverConfig(pki, clock)).description).toBe('illegal_parameter');
    });

    it('a message at the wrong encryption level → unexpected_message', () => {
      const clock = new Clock();
      const tamper: Tamper = (from, out) => (from === 'server' && out.level === 'handshake' ? { ...out, level: 'initial' } : out);
      expect(fails(clientConfig(pki, clock), serverConfig(pki, clock), { tamper }).description).toBe('unexpected_message');
    });

    it('handshake data at the 0-RTT level in QUIC → unexpected_message', () => {
      const clock = new Clock();
      const server = createServerSession(serverConfig(pki, clock));
      expect(alertOf(() => server.handleData('zeroRtt', Uint8Array.of(5, 0, 0, 0))).description).toBe('unexpected_message');
    });

    it('a message left over at the old level after a key change → unexpected_message', () => {
      const clock = new Clock();
      const tamper: Tamper = (from, out, i) => {
        if (from !== 'server' || out.level !== 'initial' || i > 1) return out;
        const data = new Uint8Array(out.data.length + 4);
        data.set(out.data);
        data.set([HandshakeType.encrypted_extensions, 0, 0, 0], out.data.length);
        return { level: out.level, data };
      };
      expect(fails(clientConfig(pki, clock), serverConfig(pki, clock), { tamper }).description).toBe('unexpected_message');
    });

    it('a message out of order → unexpected_message', () => {
      const clock = new Clock();
      // the server's handshake flight with EncryptedExtensions removed: Certificate arrives in WAIT_EE
      const tamper: Tamper = (from, out) => {
        if (from !== 'server' || out.level !== 'handshake') return out;
        const ee = messagesIn(out.data)[0]!;
        return { level: out.level, data: out.data.slice(ee.end) };
      };
      expect(fails(clientConfig(pki, clock), serverConfig(pki, clock), { tamper }).description).toBe('unexpected_message');
    });

    it('an unknown handshake type → unexpected_message', () => {
      const clock = new Clock();
      const server = createServerSession(serverConfig(pki, clock));
      expect(alertOf(() => server.handleData('initial', Uint8Array.of(99, 0, 0, 0))).description).toBe('unexpected_message');
    });
  });

  describe('negotiation', () => {
    it('no common group → handshake_failure', () => {
      const clock = new Clock();
      const a = fails(
        clientConfig(pki, clock, { groups: ['secp384r1'], keyShareGroups: ['secp384r1'] }),
        serverConfig(pki, clock, { groups: ['x25519'] }),
      );
      expect(a.description).toBe('handshake_failure');
    });

    it('no common cipher suite → handshake_failure', () => {
      const clock = new Clock();
      expect(
        fails(clientConfig(pki, clock, { cipherSuites: [0x1303] }), serverConfig(pki, clock, { cipherSuites: [0x1301] })).description,
      ).toBe('handshake_failure');
    });

    it('no common signature scheme → handshake_failure', () => {
      const clock = new Clock();
      expect(
        fails(clientConfig(pki, clock, { signatureSchemes: [0x0807] }), serverConfig(pki, clock)).description,
      ).toBe('handshake_failure');
    });

    it('no ALPN overlap → no_application_protocol', () => {
      const clock = new Clock();
      expect(fails(clientConfig(pki, clock, { alpnProtocols: ['h2'] }), serverConfig(pki, clock)).description).toBe(
        'no_application_protocol',
      );
    });

    it('a QUIC ClientHello without ALPN → no_application_protocol', () => {
      const clock = new Clock();
      const client = clientWith(clock, (ch) => ({
        ...ch,
        extensions: ch.extensions.filter((e) => e.kind !== 'application_layer_protocol_negotiation'),
      }));
      expect(fails(client, serverConfig(pki, clock)).description).toBe('no_application_protocol');
    });

    it('a QUIC server that selects no ALPN → no_application_protocol at the client', () => {
      const clock = new Clock();
      const server = serverWith(clock, (ee) => ({
        ...ee,
        extensions: ee.extensions.filter((e) => e.kind !== 'application_layer_protocol_negotiation'),
      }));
      expect(fails(clientConfig(pki, clock), server).description).toBe('no_application_protocol');
    });

    it('a server selecting an ALPN protocol the client did not offer → illegal_parameter', () => {
      const clock = new Clock();
      const server = serverWith(clock, (ee) => ({
        ...ee,
        extensions: ee.extensions.map((e) =>
          e.kind === 'application_layer_protocol_negotiation' ? { ...e, protocols: [Uint8Array.of(0x68, 0x32)] } : e,
        ),
      }));
      expect(fails(clientConfig(pki, clock), server).description).toBe('illegal_parameter');
    });

    it('missing transport parameters → missing_extension (both directions)', () => {
      const clock = new Clock();
      const client = clientWith(clock, (ch) => ({
        ...ch,
        extensions: ch.extensions.filter((e) => e.kind !== 'quic_transport_parameters'),
      }));
      expect(fails(client, serverConfig(pki, clock)).description).toBe('missing_extension');
      const server = serverWith(clock, (ee) => ({
        ...ee,
        extensions: ee.extensions.filter((e) => e.kind !== 'quic_transport_parameters'),
      }));
      expect(fails(clientConfig(pki, clock), server).description).toBe('missing_extension');
    });

    it('duplicate extensions → illegal_parameter', () => {
      const clock = new Clock();
      const client = clientWith(clock, (ch) => ({ ...ch, extensions: [...ch.extensions, ch.extensions[1]!] }));
      expect(fails(client, serverConfig(pki, clock)).description).toBe('illegal_parameter');
    });

    it('pre_shared_key not last → illegal_parameter', () => {
      const clock = new Clock();
      const client = clientWith(clock, (ch) => ({
        ...ch,
        extensions: [
          { kind: 'pre_shared_key', identities: [{ identity: Uint8Array.of(1), obfuscatedTicketAge: 0 }], binders: [new Uint8Array(32)] },
          ...ch.extensions,
        ],
      }));
      expect(fails(client, serverConfig(pki, clock)).description).toBe('illegal_parameter');
    });

    it('a client without TLS 1.3 → protocol_version', () => {
      const clock = new Clock();
      const client = clientWith(clock, (ch) => ({
        ...ch,
        extensions: ch.extensions.map((e) => (e.kind === 'supported_versions' ? { ...e, versions: [0x0303] } : e)),
      }));
      expect(fails(client, serverConfig(pki, clock)).description).toBe('protocol_version');
    });

    it('an unrequested extension in EncryptedExtensions → unsupported_extension', () => {
      const clock = new Clock();
      const server = serverWith(clock, (ee) => ({
        ...ee,
        extensions: [...ee.extensions, { kind: 'unknown', type: ExtensionType.record_size_limit, data: Uint8Array.of(0x40, 0) }],
      }));
      expect(fails(clientConfig(pki, clock), server).description).toBe('unsupported_extension');
    });

    it('a key share that is not a valid point → illegal_parameter', () => {
      const clock = new Clock();
      const client = clientWith(
        clock,
        (ch) => ({
          ...ch,
          extensions: ch.extensions.map((e) =>
            e.kind === 'key_share' ? { ...e, shares: [{ group: 0x17, keyExchange: new Uint8Array(65).fill(4) }] } : e,
          ),
        }),
        { groups: ['secp256r1'], keyShareGroups: ['secp256r1'] },
      );
      expect(fails(client, serverConfig(pki, clock)).description).toBe('illegal_parameter');
    });

    it('a non-empty legacy_session_id in QUIC → illegal_parameter', () => {
      const clock = new Clock();
      const client = clientWith(clock, (ch) => ({ ...ch, legacySessionId: new Uint8Array(32).fill(7) }));
      expect(fails(client, serverConfig(pki, clock)).description).toBe('illegal_parameter');
    });
  });

  describe('the session after an alert', () => {
    it('rethrows the same alert for any further input, and queues no more output', () => {
      const clock = new Clock();
      const server = createServerSession(serverConfig(pki, clock));
      const a = alertOf(() => server.handleData('initial', Uint8Array.of(2, 0, 0, 0)));
      expect(a.description).toBe('unexpected_message');
      expect(alertOf(() => server.handleData('initial', Uint8Array.of(1)))).toBe(a);
      expect(server.pollOutput() as TlsOutput | undefined).toBeUndefined();
      expect(server.state).toBe('CLOSED');
      expect(a.quicErrorCode).toBe(0x10a);
    });

    it('rejects API misuse with TypeError, not an alert', () => {
      const clock = new Clock();
      const client = createClientSession(clientConfig(pki, clock));
      client.start();
      expect(() => client.start()).toThrow(TypeError);
      expect(() => client.handleData('bogus' as never, new Uint8Array(1))).toThrow(TypeError);
      expect(() => client.nextApplicationSecrets()).toThrow(TypeError);
      expect(client.alert).toBeUndefined();
    });
  });

  describe('configuration errors name the option', () => {
    const clock = new Clock();
    const cases: [string, () => unknown, RegExp][] = [
      ['alpn in quic', () => createClientSession(clientConfig(pki, clock, { alpnProtocols: [] })), /alpnProtocols/],
      ['transport parameters', () => createServerSession(serverConfig(pki, clock, { transportParameters: undefined as never })), /transportParameters/],
      ['trust store', () => createClientSession(clientConfig(pki, clock, { trustStore: undefined as never })), /trustStore/],
      ['verifyPeer false alone', () => createClientSession(clientConfig(pki, clock, { verifyPeer: false })), /verifyPeer/],
      ['unknown group', () => createClientSession(clientConfig(pki, clock, { groups: ['x448' as never] })), /groups/],
      ['key share not in groups', () => createClientSession(clientConfig(pki, clock, { groups: ['x25519'], keyShareGroups: ['secp256r1'] })), /keyShareGroups/],
      ['suite', () => createClientSession(clientConfig(pki, clock, { cipherSuites: [0x1304] })), /cipherSuites/],
      ['scheme', () => createClientSession(clientConfig(pki, clock, { signatureSchemes: [0x0401] })), /signatureSchemes/],
      ['key mismatch', () => createServerSession(serverConfig(pki, clock, { privateKey: makePki('p256').leaf.privateKey })), /privateKey/],
      ['early data in quic', () => createServerSession(serverConfig(pki, clock, { maxEarlyData: 1000 })), /maxEarlyData/],
      ['lifetime', () => createServerSession(serverConfig(pki, clock, { ticketLifetimeSeconds: 604_801 })), /ticketLifetimeSeconds/],
      ['client auth without trust', () => createServerSession(serverConfig(pki, clock, { requestClientCertificate: 'require' })), /clientTrustStore/],
      ['cookie key', () => createServerSession(serverConfig(pki, clock, { helloRetryCookie: new Uint8Array(4) })), /helloRetryCookie/],
    ];
    for (const [name, fn, re] of cases) {
      it(name, () => {
        expect(fn).toThrow(re);
        try {
          fn();
        } catch (e) {
          expect(e instanceof TypeError || e instanceof RangeError).toBe(true);
        }
      });
    }
  });
});
