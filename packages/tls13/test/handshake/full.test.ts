import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '@qk/octets';
import { nobleProvider } from '../../src/crypto/noble.js';
import { nextApplicationSecret } from '../../src/key-schedule.js';
import { CipherSuite } from '../../src/crypto/suites.js';
import type { KeyExchangeGroup } from '../../src/crypto/provider.js';
import { SignatureScheme } from '../../src/registry.js';
import { parseKeyLogLine } from '../../src/keylog.js';
import {
  CLIENT_TP,
  Clock,
  SERVER_TP,
  clientConfig,
  expectMatchingSecrets,
  kinds,
  makePki,
  pipe,
  secretsOf,
  serverConfig,
  sessions,
  type KeyType,
} from './helpers.js';

const suites = [
  CipherSuite.TLS_AES_128_GCM_SHA256,
  CipherSuite.TLS_AES_256_GCM_SHA384,
  CipherSuite.TLS_CHACHA20_POLY1305_SHA256,
] as const;
const groups: readonly KeyExchangeGroup[] = ['x25519', 'secp256r1', 'secp384r1', 'x25519mlkem768'];
const keyTypes: readonly [KeyType, number][] = [
  ['p256', SignatureScheme.ecdsa_secp256r1_sha256],
  ['p384', SignatureScheme.ecdsa_secp384r1_sha384],
  ['ed25519', SignatureScheme.ed25519],
  ['rsa2048', SignatureScheme.rsa_pss_rsae_sha256],
];

describe('full 1-RTT handshake, QUIC mode, in memory', () => {
  it('completes with the defaults and reports every event in order', () => {
    const clock = new Clock();
    const pki = makePki('p256');
    const { client, server } = sessions(clientConfig(pki, clock), serverConfig(pki, clock));
    const r = pipe(client, server);
    expect(client.isHandshakeComplete()).toBe(true);
    expect(server.isHandshakeComplete()).toBe(true);
    expect(client.state).toBe('CONNECTED');
    expect(server.state).toBe('CONNECTED');
    expectMatchingSecrets(r);
    expect(kinds(r.clientEvents)).toEqual(['peerTransportParametersReceived', 'handshakeCompleted', 'sessionTicketReceived']);
    expect(kinds(r.serverEvents)).toEqual(['peerTransportParametersReceived', 'handshakeCompleted']);
    expect(toHex(client.peerTransportParameters()!)).toBe(toHex(SERVER_TP));
    expect(toHex(server.peerTransportParameters()!)).toBe(toHex(CLIENT_TP));
    const n = client.negotiated()!;
    expect(n).toMatchObject({
      cipherSuite: CipherSuite.TLS_AES_128_GCM_SHA256,
      group: 'x25519mlkem768',
      alpn: 'h3',
      serverName: 'server.test',
      resumed: false,
      earlyData: 'not_offered',
      helloRetry: false,
      signatureScheme: SignatureScheme.ecdsa_secp256r1_sha256,
    });
    expect(n.peerCertificates[0]!.der).toEqual(pki.leaf.der);
    expect(server.negotiated()).toMatchObject({ cipherSuite: n.cipherSuite, group: n.group, alpn: 'h3', resumed: false });
    // levels: ClientHello at initial; ServerHello at initial; the rest of the server flight at handshake;
    // client Finished at handshake; the ticket at 1-RTT
    expect(r.flights.map((f) => `${f.from}:${f.level}`)).toEqual([
      'client:initial',
      'server:initial',
      'server:handshake',
      'client:handshake',
      'server:oneRtt',
    ]);
    // both sides agree on exporters and the next key-update generation
    const label = 'EXPORTER-test';
    expect(toHex(client.exportKeyingMaterial(label, new Uint8Array(3), 32))).toBe(
      toHex(server.exportKeyingMaterial(label, new Uint8Array(3), 32)),
    );
    const c1 = client.nextApplicationSecrets();
    const s1 = server.nextApplicationSecrets();
    expect(toHex(c1.client)).toBe(toHex(s1.client));
    expect(toHex(c1.server)).toBe(toHex(s1.server));
  });

  it('reassembles messages delivered one byte at a time', () => {
    const clock = new Clock();
    const pki = makePki('ed25519');
    const { client, server } = sessions(clientConfig(pki, clock), serverConfig(pki, clock));
    const r = pipe(client, server, { split: true });
    expect(client.isHandshakeComplete() && server.isHandshakeComplete()).toBe(true);
    expectMatchingSecrets(r);
  });

  it('writes NSS key log lines that match the secrets reported', () => {
    const clock = new Clock();
    const pki = makePki('p256');
    const clientLines: string[] = [];
    const serverLines: string[] = [];
    const { client, server } = sessions(
      clientConfig(pki, clock, { keyLog: (l) => clientLines.push(l) }),
      serverConfig(pki, clock, { keyLog: (l) => serverLines.push(l) }),
    );
    const r = pipe(client, server);
    const labels = clientLines.map((l) => parseKeyLogLine(l)!.label);
    expect(labels).toEqual([
      'SERVER_HANDSHAKE_TRAFFIC_SECRET',
      'CLIENT_HANDSHAKE_TRAFFIC_SECRET',
      'SERVER_TRAFFIC_SECRET_0',
      'EXPORTER_SECRET',
      'CLIENT_TRAFFIC_SECRET_0',
    ]);
    expect(new Set(serverLines)).toEqual(new Set(clientLines));
    const hs = clientLines.map((l) => parseKeyLogLine(l)!).find((e) => e.label === 'CLIENT_HANDSHAKE_TRAFFIC_SECRET')!;
    const ev = r.clientEvents.find((e) => e.kind === 'secretsDerived' && e.level === 'handshake' && e.direction === 'write');
    expect(ev && ev.kind === 'secretsDerived' && toHex(ev.secret)).toBe(hs.secret);
  });

  describe('every suite x group x signature type', () => {
    for (const [keyType, scheme] of keyTypes) {
      const pki = makePki(keyType);
      for (const suite of suites) {
        for (const group of groups) {
          it(`0x${suite.toString(16)} ${group} ${keyType}`, () => {
            const clock = new Clock();
            const { client, server } = sessions(
              clientConfig(pki, clock, { cipherSuites: [suite], groups: [group], keyShareGroups: [group] }),
              serverConfig(pki, clock),
            );
            const r = pipe(client, server);
            expect(client.isHandshakeComplete() && server.isHandshakeComplete()).toBe(true);
            expectMatchingSecrets(r);
            for (const side of [client, server]) {
              expect(side.negotiated()).toMatchObject({ cipherSuite: suite, group, alpn: 'h3', helloRetry: false });
            }
            expect(client.negotiated()!.signatureScheme).toBe(scheme);
            for (const e of [...r.clientEvents, ...r.serverEvents]) {
              if (e.kind === 'secretsDerived') {
                expect(e.cipherSuite).toBe(suite);
                expect(e.secret.length).toBe(suite === CipherSuite.TLS_AES_256_GCM_SHA384 ? 48 : 32);
              }
            }
          });
        }
      }
    }
  });

  it('lets the server prefer its own suite order, or the client’s when configured', () => {
    const clock = new Clock();
    const pki = makePki('p256');
    const offer = [CipherSuite.TLS_CHACHA20_POLY1305_SHA256, CipherSuite.TLS_AES_256_GCM_SHA384];
    const a = sessions(clientConfig(pki, clock, { cipherSuites: offer }), serverConfig(pki, clock));
    pipe(a.client, a.server);
    expect(a.client.negotiated()!.cipherSuite).toBe(CipherSuite.TLS_AES_256_GCM_SHA384);
    const b = sessions(
      clientConfig(pki, clock, { cipherSuites: offer }),
      serverConfig(pki, clock, { cipherSuitePreference: 'client' }),
    );
    pipe(b.client, b.server);
    expect(b.client.negotiated()!.cipherSuite).toBe(CipherSuite.TLS_CHACHA20_POLY1305_SHA256);
  });

  it('picks the server’s first ALPN protocol that the client offers', () => {
    const clock = new Clock();
    const pki = makePki('p256');
    const { client, server } = sessions(
      clientConfig(pki, clock, { alpnProtocols: ['doq', 'h3', 'hq-interop'] }),
      serverConfig(pki, clock, { alpnProtocols: ['hq-interop', 'h3'] }),
    );
    pipe(client, server);
    expect(client.negotiated()!.alpn).toBe('hq-interop');
    expect(server.negotiated()!.alpn).toBe('hq-interop');
  });

  it('runs in TLS mode without transport parameters or ALPN', () => {
    const clock = new Clock();
    const pki = makePki('p384');
    const { client, server } = sessions(
      clientConfig(pki, clock, { mode: 'tls', alpnProtocols: [] }),
      serverConfig(pki, clock, { mode: 'tls', alpnProtocols: [] }),
    );
    const { transportParameters: _c, ...cc } = clientConfig(pki, clock, { mode: 'tls', alpnProtocols: [] });
    const { transportParameters: _s, ...sc } = serverConfig(pki, clock, { mode: 'tls', alpnProtocols: [] });
    const r1 = pipe(client, server);
    expectMatchingSecrets(r1);
    const t = sessions(cc, sc);
    const r2 = pipe(t.client, t.server);
    expectMatchingSecrets(r2);
    expect(t.client.negotiated()!.alpn).toBeUndefined();
    expect(t.client.peerTransportParameters()).toBeUndefined();
  });

  it('handles KeyUpdate in TLS mode (next read secret; answers update_requested) and refuses it in QUIC', () => {
    const clock = new Clock();
    const pki = makePki('p256');
    const { transportParameters: _c, ...cc } = clientConfig(pki, clock, { mode: 'tls', alpnProtocols: [] });
    const { transportParameters: _s, ...sc } = serverConfig(pki, clock, { mode: 'tls', alpnProtocols: [], ticketCount: 0 });
    const { client, server } = sessions(cc, sc);
    const r = pipe(client, server);
    const c0 = secretsOf(r.clientEvents);
    server.handleData('oneRtt', Uint8Array.of(24, 0, 0, 1, 1)); // KeyUpdate(update_requested) from the client
    const events = [];
    for (let e; (e = server.pollEvent()); ) events.push(e);
    const answer = server.pollOutput()!;
    expect(answer).toEqual({ level: 'oneRtt', data: Uint8Array.of(24, 0, 0, 1, 0) });
    const next = nextApplicationSecret(nobleProvider, 'sha256', fromHex(c0.get('oneRtt/write')!));
    expect(events[0]).toMatchObject({ kind: 'secretsDerived', level: 'oneRtt', direction: 'read', secret: next });
    expect(events[1]).toMatchObject({ kind: 'secretsDerived', level: 'oneRtt', direction: 'write' });
    client.handleData(answer.level, answer.data);
    const ce = client.pollEvent();
    expect(ce?.kind === 'secretsDerived' && toHex(ce.secret)).toBe(events[1]?.kind === 'secretsDerived' && toHex(events[1].secret));
    expect(client.pollOutput()).toBeUndefined();
    // QUIC has its own key update (RFC 9001 §6): a TLS KeyUpdate is unexpected_message
    const q = sessions(clientConfig(pki, clock), serverConfig(pki, clock));
    pipe(q.client, q.server);
    expect(() => q.server.handleData('oneRtt', Uint8Array.of(24, 0, 0, 1, 0))).toThrow(/unexpected_message/);
  });

  it('sends SNI only for DNS names, and verifies IP literals against iPAddress SANs', () => {
    const clock = new Clock();
    const pki = makePki('p256', { names: [], ips: ['192.0.2.7'] });
    const { client, server } = sessions(clientConfig(pki, clock, { serverName: '192.0.2.7' }), serverConfig(pki, clock));
    pipe(client, server);
    expect(client.isHandshakeComplete()).toBe(true);
    expect(server.negotiated()!.serverName).toBeUndefined();
  });
});
