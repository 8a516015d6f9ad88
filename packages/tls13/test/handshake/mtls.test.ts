import { describe, expect, it } from 'vitest';
import { createClientSession } from '../../src/handshake/client.js';
import { createServerSession } from '../../src/handshake/server.js';
import { SignatureScheme } from '../../src/registry.js';
import { TlsAlert } from '../../src/errors.js';
import { Clock, alertOf, clientConfig, expectMatchingSecrets, makePki, pipe, serverConfig } from './helpers.js';

const serverPki = makePki('p256');
const clientPki = makePki('ed25519', { names: ['client.test'], subject: 'client.test' });
const strangerPki = makePki('p384', { names: ['client.test'], subject: 'client.test' });

function withClientCert(clock: Clock, pki = clientPki) {
  return clientConfig(serverPki, clock, {
    certificateChain: [pki.leaf.certificate],
    privateKey: pki.leaf.privateKey,
  });
}

describe('client certificates (mutual TLS)', () => {
  for (const mode of ['request', 'require'] as const) {
    it(`${mode}: the client authenticates with its certificate`, () => {
      const clock = new Clock();
      const client = createClientSession(withClientCert(clock));
      const server = createServerSession(
        serverConfig(serverPki, clock, { requestClientCertificate: mode, clientTrustStore: clientPki.trustStore }),
      );
      const r = pipe(client, server);
      expectMatchingSecrets(r);
      const n = server.negotiated()!;
      expect(n.peerCertificates[0]!.der).toEqual(clientPki.leaf.der);
      expect(n.clientSignatureScheme).toBe(SignatureScheme.ed25519);
      expect(client.negotiated()!.clientSignatureScheme).toBe(SignatureScheme.ed25519);
    });
  }

  it('request: a client without a certificate still connects, unauthenticated', () => {
    const clock = new Clock();
    const client = createClientSession(clientConfig(serverPki, clock));
    const server = createServerSession(
      serverConfig(serverPki, clock, { requestClientCertificate: 'request', clientTrustStore: clientPki.trustStore }),
    );
    const r = pipe(client, server);
    expectMatchingSecrets(r);
    expect(server.negotiated()!.peerCertificates).toEqual([]);
    expect(server.negotiated()!.clientSignatureScheme).toBeUndefined();
  });

  it('require: a client without a certificate gets certificate_required', () => {
    const clock = new Clock();
    const client = createClientSession(clientConfig(serverPki, clock));
    const server = createServerSession(
      serverConfig(serverPki, clock, { requestClientCertificate: 'require', clientTrustStore: clientPki.trustStore }),
    );
    const a = alertOf(() => pipe(client, server));
    expect(a.description).toBe('certificate_required');
    expect(server.alert).toBe(a);
  });

  it('require: a certificate from an unknown CA gets unknown_ca', () => {
    const clock = new Clock();
    const client = createClientSession(withClientCert(clock, strangerPki));
    const server = createServerSession(
      serverConfig(serverPki, clock, { requestClientCertificate: 'require', clientTrustStore: clientPki.trustStore }),
    );
    expect(alertOf(() => pipe(client, server)).description).toBe('unknown_ca');
  });

  it('a custom client verifier decides alone when there is no trust store', () => {
    const clock = new Clock();
    const seen: string[] = [];
    const config = serverConfig(serverPki, clock, {
      requestClientCertificate: 'require',
      verifyClientCertificate: (chain, info) => {
        seen.push(`${info.peerRole}:${chain[0]!.subject.text}`);
        if (!chain[0]!.subject.text.includes('client.test')) throw new TlsAlert('access_denied', 'not on the list');
      },
    });
    const server = createServerSession(config);
    pipe(createClientSession(withClientCert(clock, strangerPki)), server);
    expect(server.isHandshakeComplete()).toBe(true);
    const denied = createServerSession(config);
    expect(alertOf(() => pipe(createClientSession(withClientCert(clock, serverPki)), denied)).description).toBe('access_denied');
    expect(seen).toEqual(['client:CN=client.test', 'client:CN=server.test']);
  });

  it('resumption keeps the client authenticated under require', () => {
    const clock = new Clock();
    const cc = withClientCert(clock);
    const sc = serverConfig(serverPki, clock, { requestClientCertificate: 'require', clientTrustStore: clientPki.trustStore });
    pipe(createClientSession(cc), createServerSession(sc));
    const client = createClientSession(cc);
    const server = createServerSession(sc);
    const r = pipe(client, server);
    expect(client.negotiated()!.resumed).toBe(true);
    expectMatchingSecrets(r);
  });
});
