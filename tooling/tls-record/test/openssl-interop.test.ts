/**
 * qk's TLS 1.3 engine against the `openssl` command line (`s_server` / `s_client`, spawned per case and killed at
 * the end) over loopback TCP: every suite x group both support (OpenSSL 3.0: x25519, P-256, P-384; no ML-KEM),
 * every certificate key type, ALPN, certificate verification against a generated CA, and resumption
 * (`-sess_out` / `-sess_in` one way, qk's ticket store the other). Skipped only when the binary is absent.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { TlsAlert } from '@qk/tls13';
import type { KeyExchangeGroup } from '@qk/tls13';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectTls, serveTls } from '../src/net.js';
import { CipherSuite, MemoryTicketStore, nobleProvider } from '../src/tls13.js';
import type { TlsClientConfig, TlsServerConfig } from '../src/tls13.js';
import { OPENSSL_GROUP, opensslVersion, runOpensslClient, startOpensslServer } from './helpers/openssl.js';
import { KEY_TYPES, makePki } from './helpers/pki.js';
import type { KeyType, TestPki } from './helpers/pki.js';

const SUITES = Object.entries(CipherSuite) as [string, number][];
const GROUPS: KeyExchangeGroup[] = ['x25519', 'secp256r1', 'secp384r1'];

const d = opensslVersion === undefined ? describe.skip : describe;
if (opensslVersion === undefined) {
  // eslint-disable-next-line no-console
  console.warn('skipping the openssl interop tests: no `openssl` binary on PATH (CI installs it)');
}

let pki: TestPki;
beforeAll(() => {
  if (opensslVersion !== undefined) pki = makePki();
});
afterAll(() => pki?.cleanup());

function qkClient(extra: Partial<TlsClientConfig> = {}): TlsClientConfig {
  return { mode: 'tls', provider: nobleProvider, now: Date.now, serverName: 'localhost', trustStore: pki.trustStore, ...extra };
}

function qkServer(keyType: KeyType = 'p256', extra: Partial<TlsServerConfig> = {}): TlsServerConfig {
  const id = pki.servers[keyType];
  const base = { mode: 'tls', provider: nobleProvider, now: Date.now } as const;
  return { ...base, certificateChain: id.chain, privateKey: id.privateKey, ...extra };
}

/** Connects qk to s_server (which echoes each line reversed) and checks the echo. */
async function qkToOpenssl(port: number, config: TlsClientConfig, line: string) {
  const conn = await connectTls({ host: '127.0.0.1', port, engineConfig: config });
  try {
    conn.send(`${line}\n`);
    const back = new TextDecoder().decode(await conn.receiveExactly(line.length + 1));
    expect(back).toBe(`${[...line].reverse().join('')}\n`);
    return conn;
  } catch (e) {
    conn.destroy();
    throw e;
  }
}

d(`qk client -> openssl s_server (${opensslVersion})`, () => {
  for (const [suiteName, suite] of SUITES) {
    for (const group of GROUPS) {
      it(`${suiteName} x ${group}`, async () => {
        const server = await startOpensslServer({
          certFile: pki.servers.p256.certFile,
          keyFile: pki.servers.p256.keyFile,
          ciphersuites: suiteName,
          groups: OPENSSL_GROUP[group]!,
        });
        try {
          const conn = await qkToOpenssl(server.port, qkClient({ cipherSuites: [suite], groups: [group] }), `abc ${group}`);
          expect(conn.negotiated.cipherSuite).toBe(suite);
          expect(conn.negotiated.group).toBe(group);
          await conn.close();
        } finally {
          await server.stop();
        }
      });
    }
  }

  for (const keyType of KEY_TYPES) {
    it(`verifies s_server's ${keyType} certificate`, async () => {
      const id = pki.servers[keyType];
      const server = await startOpensslServer({ certFile: id.certFile, keyFile: id.keyFile });
      try {
        const conn = await qkToOpenssl(server.port, qkClient(), keyType);
        expect(conn.negotiated.peerCertificates[0]?.der).toEqual(id.chain[0]!.der);
        await conn.close();
      } finally {
        await server.stop();
      }
    });
  }

  it('ALPN, and a HelloRetryRequest to P-384', async () => {
    const server = await startOpensslServer({
      certFile: pki.servers.p256.certFile,
      keyFile: pki.servers.p256.keyFile,
      alpn: 'h2,http/1.1',
      groups: 'P-384',
    });
    try {
      const conn = await qkToOpenssl(server.port, qkClient({ alpnProtocols: ['http/1.1', 'h2'] }), 'alpn');
      expect(conn.negotiated.alpn).toBe('h2'); // s_server picks by its own order
      expect(conn.negotiated.helloRetry).toBe(true);
      expect(conn.negotiated.group).toBe('secp384r1');
      await conn.close();
    } finally {
      await server.stop();
    }
  });

  it('resumes with a ticket from s_server (PSK)', async () => {
    const server = await startOpensslServer({
      certFile: pki.servers.p256.certFile,
      keyFile: pki.servers.p256.keyFile,
      naccept: 2,
    });
    try {
      const config = qkClient({ ticketStore: new MemoryTicketStore() });
      const first = await qkToOpenssl(server.port, config, 'first');
      await first.nextSessionTicket();
      expect(first.negotiated.resumed).toBe(false);
      await first.close();
      const second = await qkToOpenssl(server.port, config, 'second');
      expect(second.negotiated.resumed).toBe(true);
      expect(second.negotiated.peerCertificates).toHaveLength(0);
      await second.close();
    } finally {
      await server.stop();
    }
  });
  it('mutual TLS: s_server requires a certificate and verifies qk\'s', async () => {
    const server = await startOpensslServer({
      certFile: pki.servers.p256.certFile,
      keyFile: pki.servers.p256.keyFile,
      extraArgs: ['-Verify', '2', '-CAfile', pki.caFile],
    });
    try {
      const conn = await qkToOpenssl(
        server.port,
        qkClient({ certificateChain: pki.client.chain, privateKey: pki.client.privateKey }),
        'mtls',
      );
      expect(conn.negotiated.clientSignatureScheme).toBeDefined();
      await conn.close();
      await expect.poll(() => server.output()).toContain('qk test client');
    } finally {
      await server.stop();
    }
  });

  it('KeyUpdate from s_server (update_requested): qk switches read keys, answers, and switches write keys', async () => {
    const server = await startOpensslServer({
      certFile: pki.servers.p256.certFile,
      keyFile: pki.servers.p256.keyFile,
      rev: false,
    });
    try {
      const conn = await connectTls({ host: '127.0.0.1', port: server.port, engineConfig: qkClient() });
      conn.send('before\n');
      await expect.poll(() => server.output()).toContain('before');
      server.write('K\n'); // s_server: SSL_key_update(SSL_KEY_UPDATE_REQUESTED)
      await expect.poll(() => server.output()).toContain('SSL_do_handshake -> 1');
      server.write('from openssl\n');
      expect(new TextDecoder().decode(await conn.receiveExactly(13))).toBe('from openssl\n');
      conn.send('after\n'); // under qk's new write key: s_server can read it only if both sides updated
      await expect.poll(() => server.output()).toContain('after');
      await conn.close();
    } finally {
      await server.stop();
    }
  });

  it('a wrong host name: qk refuses with bad_certificate and s_server reports the alert', async () => {
    const server = await startOpensslServer({ certFile: pki.servers.p256.certFile, keyFile: pki.servers.p256.keyFile });
    try {
      const err = await connectTls({
        host: '127.0.0.1',
        port: server.port,
        engineConfig: qkClient({ serverName: 'not-localhost.test' }),
      }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(TlsAlert);
      expect((err as TlsAlert).description).toBe('bad_certificate');
      await expect.poll(() => server.output()).toMatch(/bad certificate/i);
    } finally {
      await server.stop();
    }
  });
});

d(`openssl s_client -> qk server (${opensslVersion})`, () => {
  for (const [suiteName, suite] of SUITES) {
    for (const group of GROUPS) {
      it(`${suiteName} x ${group}`, async () => {
        const qk = await serveTls({ engineConfig: qkServer('p256', { cipherSuites: [suite], groups: [group] }) });
        try {
          const r = await runOpensslClient({
            port: qk.port,
            caFile: pki.caFile,
            serverName: 'localhost',
            ciphersuites: suiteName,
            groups: OPENSSL_GROUP[group]!,
            send: 'hello qk\n',
            expect: 'hello qk',
          });
          expect(r.stdout).toContain(`New, TLSv1.3, Cipher is ${suiteName}`);
          expect(r.stdout).toContain('Verification: OK');
          expect(r.stdout).toContain('hello qk');
          const done = await qk.settled(1);
          expect(done.error).toBeUndefined();
          expect(done.connection.negotiated.cipherSuite).toBe(suite);
          expect(done.connection.negotiated.group).toBe(group);
        } finally {
          await qk.close();
        }
      });
    }
  }

  for (const keyType of KEY_TYPES) {
    it(`s_client verifies qk's ${keyType} certificate`, async () => {
      const qk = await serveTls({ engineConfig: qkServer(keyType) });
      try {
        const r = await runOpensslClient({
          port: qk.port,
          caFile: pki.caFile,
          serverName: 'localhost',
          send: `${keyType}\n`,
          expect: keyType,
        });
        expect(r.stdout).toContain('Verification: OK');
        expect(r.stdout).toContain(keyType);
      } finally {
        await qk.close();
      }
    });
  }

  it('ALPN: qk picks its preference among s_client\'s offer', async () => {
    const qk = await serveTls({ engineConfig: qkServer('p256', { alpnProtocols: ['h2', 'http/1.1'] }) });
    try {
      const r = await runOpensslClient({
        port: qk.port,
        caFile: pki.caFile,
        serverName: 'localhost',
        alpn: 'http/1.1,h2',
        send: 'alpn\n',
        expect: 'alpn',
      });
      expect(r.stdout).toContain('ALPN protocol: h2');
      expect((await qk.settled(1)).connection.negotiated.alpn).toBe('h2');
    } finally {
      await qk.close();
    }
  });

  it('resumes s_client\'s saved session (-sess_out / -sess_in) with a qk ticket', async () => {
    const qk = await serveTls({ engineConfig: qkServer('p256') });
    const sess = join(pki.dir, 'session.pem');
    try {
      const first = await runOpensslClient({
        port: qk.port,
        caFile: pki.caFile,
        serverName: 'localhost',
        sessOut: sess,
        send: 'first\n',
        expect: 'first',
      });
      // qk sends its NewSessionTicket before the echo, so s_client saved the session before printing 'first'.
      expect(first.stdout).toContain('New, TLSv1.3');
      expect(existsSync(sess)).toBe(true);
      const second = await runOpensslClient({
        port: qk.port,
        caFile: pki.caFile,
        serverName: 'localhost',
        sessIn: sess,
        send: 'second\n',
        expect: 'second',
      });
      expect(second.stdout).toContain('Reused, TLSv1.3');
      expect((await qk.settled(2)).connection.negotiated.resumed).toBe(true);
    } finally {
      await qk.close();
    }
  });

  it('s_client rejects a certificate from another CA with unknown_ca; qk receives the alert', async () => {
    const qk = await serveTls({ engineConfig: qkServer('p256') });
    try {
      const r = await runOpensslClient({
        port: qk.port,
        caFile: pki.servers.p384.certFile, // a CA file without qk's CA: verification fails
        serverName: 'localhost',
        send: 'never\n',
        expect: 'never',
        timeoutMs: 5000,
      });
      expect(r.code).not.toBe(0);
      const done = await qk.settled(1);
      expect(done.error).toBeInstanceOf(TlsAlert);
      expect((done.error as TlsAlert).description).toBe('unknown_ca');
      expect((done.error as TlsAlert).fromPeer).toBe(true);
    } finally {
      await qk.close();
    }
  });
});
