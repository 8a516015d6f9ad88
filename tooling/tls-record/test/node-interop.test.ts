/**
 * qk's TLS 1.3 engine against node:tls (OpenSSL 3 inside Node) over loopback TCP, both directions: every suite x
 * group both support, every certificate key type, ALPN, certificate verification against a generated CA, a
 * HelloRetryRequest, and a resumed session (PSK) each way. Application data echo proves the traffic keys.
 */
import { TlsAlert } from '@qk/tls13';
import type { KeyExchangeGroup } from '@qk/tls13';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectTls, serveTls } from '../src/net.js';
import type { TlsServer } from '../src/net.js';
import { CipherSuite, MemoryTicketStore, TrustStore, nobleProvider } from '../src/tls13.js';
import type { TlsClientConfig, TlsServerConfig } from '../src/tls13.js';
import { KEY_TYPES, makePki } from './helpers/pki.js';
import type { KeyType, TestPki } from './helpers/pki.js';
import { NODE_CURVE, nodeClientExchange, startNodeServer } from './helpers/node-peer.js';

const SUITES = Object.entries(CipherSuite) as [string, number][];
const GROUPS: KeyExchangeGroup[] = ['x25519', 'secp256r1', 'secp384r1'];

let pki: TestPki;
beforeAll(() => {
  pki = makePki();
});
afterAll(() => pki.cleanup());

function qkClient(extra: Partial<TlsClientConfig> = {}): TlsClientConfig {
  return { mode: 'tls', provider: nobleProvider, now: Date.now, serverName: 'localhost', trustStore: pki.trustStore, ...extra };
}

function qkServer(keyType: KeyType = 'p256', extra: Partial<TlsServerConfig> = {}): TlsServerConfig {
  const id = pki.servers[keyType];
  const base = { mode: 'tls', provider: nobleProvider, now: Date.now } as const;
  return { ...base, certificateChain: id.chain, privateKey: id.privateKey, ...extra };
}

async function qkExchange(port: number, config: TlsClientConfig, message: string) {
  const conn = await connectTls({ host: '127.0.0.1', port, engineConfig: config, timeoutMs: 10_000 });
  try {
    conn.send(message);
    const echoed = new TextDecoder().decode(await conn.receiveExactly(message.length));
    return { negotiated: conn.negotiated, echoed, conn };
  } finally {
    await conn.close().catch(() => conn.destroy());
  }
}

describe('qk client -> node:tls server', () => {
  for (const [suiteName, suite] of SUITES) {
    for (const group of GROUPS) {
      it(`${suiteName} x ${group}`, async () => {
        const server = await startNodeServer({
          key: pki.servers.p256.keyPem,
          cert: pki.servers.p256.certPem,
          ciphers: suiteName,
          ecdhCurve: NODE_CURVE[group]!,
        });
        try {
          const config = qkClient({ cipherSuites: [suite], groups: [group] });
          const { negotiated, echoed } = await qkExchange(server.port, config, `ping ${suiteName}`);
          expect(echoed).toBe(`ping ${suiteName}`);
          expect(negotiated.cipherSuite).toBe(suite);
          expect(negotiated.group).toBe(group);
          expect(server.connections[0]?.cipher).toBe(suiteName);
        } finally {
          await server.close();
        }
      });
    }
  }

  for (const keyType of KEY_TYPES) {
    it(`verifies a ${keyType} server certificate against the CA`, async () => {
      const id = pki.servers[keyType];
      const server = await startNodeServer({ key: id.keyPem, cert: id.certPem });
      try {
        const { negotiated, echoed } = await qkExchange(server.port, qkClient(), 'cert check');
        expect(echoed).toBe('cert check');
        expect(negotiated.peerCertificates[0]?.der).toEqual(id.chain[0]!.der);
        expect(negotiated.signatureScheme).toBeDefined();
      } finally {
        await server.close();
      }
    });
  }

  it('ALPN: the server picks from the offer; HRR when the server wants a group the client did not share', async () => {
    const server = await startNodeServer({
      key: pki.servers.p256.keyPem,
      cert: pki.servers.p256.certPem,
      ALPNProtocols: ['h2', 'http/1.1'],
      ecdhCurve: 'secp384r1',
    });
    try {
      const { negotiated } = await qkExchange(server.port, qkClient({ alpnProtocols: ['http/1.1', 'h2'] }), 'alpn');
      expect(negotiated.alpn).toBe('h2');
      expect(negotiated.helloRetry).toBe(true);
      expect(negotiated.group).toBe('secp384r1');
      expect(server.connections[0]?.alpn).toBe('h2');
    } finally {
      await server.close();
    }
  });

  it('resumes a session with a ticket from node (PSK)', async () => {
    const server = await startNodeServer({ key: pki.servers.p256.keyPem, cert: pki.servers.p256.certPem });
    try {
      const config = qkClient({ ticketStore: new MemoryTicketStore() });
      const first = await connectTls({ host: '127.0.0.1', port: server.port, engineConfig: config });
      first.send('one');
      await first.receiveExactly(3);
      await first.nextSessionTicket();
      await first.close();
      expect(first.negotiated.resumed).toBe(false);
      const { negotiated, echoed } = await qkExchange(server.port, config, 'two');
      expect(echoed).toBe('two');
      expect(negotiated.resumed).toBe(true);
      expect(server.connections.map((c) => c.resumed)).toEqual([false, true]);
    } finally {
      await server.close();
    }
  });

  it('an unknown CA: qk refuses with unknown_ca and node sees the alert', async () => {
    const server = await startNodeServer({ key: pki.servers.p256.keyPem, cert: pki.servers.p256.certPem });
    try {
      const engineConfig = qkClient({ trustStore: new TrustStore() });
      const err = await connectTls({ host: '127.0.0.1', port: server.port, engineConfig }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(TlsAlert);
      expect((err as TlsAlert).description).toBe('unknown_ca');
      await expect.poll(() => server.errors.length).toBe(1);
      expect(String(server.errors[0])).toMatch(/unknown ca/i);
    } finally {
      await server.close();
    }
  });
});

describe('node:tls client -> qk server', () => {
  let server: TlsServer | undefined;
  afterAll(async () => server?.close());

  for (const [suiteName, suite] of SUITES) {
    for (const group of GROUPS) {
      it(`${suiteName} x ${group}`, async () => {
        const qk = await serveTls({ engineConfig: qkServer('p256', { cipherSuites: [suite], groups: [group] }) });
        try {
          const r = await nodeClientExchange({
            port: qk.port,
            ca: pki.ca.pem,
            servername: 'localhost',
            ciphers: suiteName,
            ecdhCurve: NODE_CURVE[group]!,
            message: `hello ${suiteName}`,
          });
          expect(r.echoed).toBe(`hello ${suiteName}`);
          expect(r.cipher).toBe(suiteName);
          expect(r.group).toBe(NODE_CURVE[group]); // node's own view of the key exchange
          const done = await qk.settled(1);
          expect(done.error).toBeUndefined();
          expect(done.connection.negotiated.cipherSuite).toBe(suite);
          expect(done.connection.negotiated.group).toBe(group);
          expect(done.connection.negotiated.serverName).toBe('localhost');
        } finally {
          await qk.close();
        }
      });
    }
  }

  for (const keyType of KEY_TYPES) {
    it(`node verifies qk's ${keyType} certificate chain and signature`, async () => {
      const qk = await serveTls({ engineConfig: qkServer(keyType) });
      try {
        const r = await nodeClientExchange({ port: qk.port, ca: pki.ca.pem, servername: 'localhost', message: keyType });
        expect(r.echoed).toBe(keyType);
      } finally {
        await qk.close();
      }
    });
  }

  it('ALPN: qk picks its first preference among node\'s offer', async () => {
    const qk = await serveTls({ engineConfig: qkServer('p256', { alpnProtocols: ['h2', 'http/1.1'] }) });
    try {
      const r = await nodeClientExchange({
        port: qk.port,
        ca: pki.ca.pem,
        servername: 'localhost',
        ALPNProtocols: ['http/1.1', 'h2'],
        message: 'alpn',
      });
      expect(r.alpn).toBe('h2');
      expect((await qk.settled(1)).connection.negotiated.alpn).toBe('h2');
    } finally {
      await qk.close();
    }
  });

  it('resumes node\'s session with a qk ticket (PSK)', async () => {
    const qk = await serveTls({ engineConfig: qkServer('p256') });
    try {
      const first = await nodeClientExchange({
        port: qk.port,
        ca: pki.ca.pem,
        servername: 'localhost',
        message: 'first',
        waitForSession: true,
      });
      expect(first.resumed).toBe(false);
      expect(first.session).toBeDefined();
      const second = await nodeClientExchange({
        port: qk.port,
        ca: pki.ca.pem,
        servername: 'localhost',
        message: 'second',
        session: first.session!,
      });
      expect(second.echoed).toBe('second');
      expect(second.resumed).toBe(true);
      expect((await qk.settled(2)).connection.negotiated.resumed).toBe(true);
    } finally {
      await qk.close();
    }
  });

  it('mutual TLS: qk requires a client certificate and verifies node\'s', async () => {
    const qk = await serveTls({
      engineConfig: qkServer('p256', { requestClientCertificate: 'require', clientTrustStore: pki.trustStore }),
    });
    try {
      const r = await nodeClientExchange({
        port: qk.port,
        ca: pki.ca.pem,
        servername: 'localhost',
        key: pki.client.keyPem,
        cert: pki.client.certPem,
        message: 'mtls',
      });
      expect(r.echoed).toBe('mtls');
      const done = await qk.settled(1);
      expect(done.connection.negotiated.peerCertificates[0]?.der).toEqual(pki.client.chain[0]!.der);
    } finally {
      await qk.close();
    }
  });

  it('node rejects a certificate from another CA; the qk side fails too', async () => {
    const qk = await serveTls({ engineConfig: qkServer('p256') });
    try {
      const other = makePki();
      other.cleanup();
      const err = await nodeClientExchange({ port: qk.port, ca: other.ca.pem, servername: 'localhost', message: 'x' }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(String(err)).toMatch(/certificate/i);
      // node:tls checks the chain in JavaScript after OpenSSL's handshake and just destroys the socket (no alert),
      // so the qk server sees the connection end before the client's Finished.
      const done = await qk.settled(1);
      expect(done.error).toBeDefined();
      if (done.error instanceof TlsAlert) expect(done.error.fromPeer).toBe(true);
      else expect(String(done.error)).toMatch(/closed the connection during the handshake/);
    } finally {
      await qk.close();
    }
  });
});
