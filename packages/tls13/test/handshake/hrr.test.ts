import { describe, expect, it } from 'vitest';
import { Reader, fromHex } from '@qk/octets';
import { ClientSession, createClientSession } from '../../src/handshake/client.js';
import { ServerSession, createServerSession } from '../../src/handshake/server.js';
import { decodeServerHello, type HelloRetryRequest } from '../../src/messages/hello.js';
import { findExtension } from '../../src/messages/extensions.js';
import { NamedGroup } from '../../src/registry.js';
import { Clock, alertOf, clientConfig, expectMatchingSecrets, makePki, pipe, serverConfig } from './helpers.js';

const pki = makePki('p256');
const cookieKey = fromHex('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f');

function hrrPair(clock: Clock, cookie: boolean) {
  const client = createClientSession(clientConfig(pki, clock, { keyShareGroups: ['x25519'] }));
  const server = createServerSession(
    serverConfig(pki, clock, { groups: ['secp256r1', 'x25519mlkem768'], ...(cookie ? { helloRetryCookie: cookieKey } : {}) }),
  );
  return { client, server };
}

/** The HelloRetryRequest's extensions, from the server's first output. */
function hrrOf(data: Uint8Array) {
  const msg = decodeServerHello(new Reader(data, 4, data.length));
  expect(msg.kind).toBe('hello_retry_request');
  return msg;
}

describe('HelloRetryRequest', () => {
  for (const cookie of [false, true]) {
    it(`client shares only x25519, server wants secp256r1 (${cookie ? 'with' : 'without'} cookie)`, () => {
      const clock = new Clock();
      const { client, server } = hrrPair(clock, cookie);
      const r = pipe(client, server);
      expect(client.isHandshakeComplete() && server.isHandshakeComplete()).toBe(true);
      expectMatchingSecrets(r);
      expect(client.negotiated()).toMatchObject({ helloRetry: true, group: 'secp256r1' });
      expect(server.negotiated()).toMatchObject({ helloRetry: true, group: 'secp256r1' });
      expect(r.flights.map((f) => `${f.from}:${f.level}`).slice(0, 4)).toEqual([
        'client:initial',
        'server:initial',
        'client:initial',
        'server:initial',
      ]);
      const hrr = hrrOf(r.flights[1]!.data);
      expect(findExtension(hrr.extensions, 'key_share_retry')?.selectedGroup).toBe(NamedGroup.secp256r1);
      expect(findExtension(hrr.extensions, 'cookie') !== undefined).toBe(cookie);
      // HRR then ServerHello in the same Initial flight is two messages; the retry alone is one
      expect(r.flights[1]!.data[0]).toBe(2);
    });
  }

  it('is stateless with a cookie: a fresh server session finishes the handshake', () => {
    const clock = new Clock();
    const config = serverConfig(pki, clock, { groups: ['secp256r1'], helloRetryCookie: cookieKey });
    const client = createClientSession(clientConfig(pki, clock, { keyShareGroups: ['x25519'] }));
    const first = createServerSession(config);
    client.start();
    const ch1 = client.pollOutput()!;
    first.handleData(ch1.level, ch1.data);
    const hrr = first.pollOutput()!;
    client.handleData(hrr.level, hrr.data);
    // the first server session is gone; a new one takes ClientHello2
    const second = createServerSession(config);
    const r = pipe(client, second, { start: false });
    expect(client.isHandshakeComplete() && second.isHandshakeComplete()).toBe(true);
    expect(second.negotiated()).toMatchObject({ helloRetry: true, group: 'secp256r1' });
    expect(r.flights.length).toBeGreaterThan(2);
  });

  it('rejects a forged or stale cookie at a fresh server session', () => {
    const clock = new Clock();
    const config = serverConfig(pki, clock, { groups: ['secp256r1'], helloRetryCookie: cookieKey });
    const client = createClientSession(clientConfig(pki, clock, { keyShareGroups: ['x25519'] }));
    const first = createServerSession(config);
    client.start();
    const ch1 = client.pollOutput()!;
    first.handleData(ch1.level, ch1.data);
    client.handleData('initial', first.pollOutput()!.data);
    const ch2 = client.pollOutput()!;
    clock.advance(61_000);
    expect(alertOf(() => createServerSession(config).handleData('initial', ch2.data)).description).toBe('illegal_parameter');
    clock.advance(-61_000);
    const otherKey = serverConfig(pki, clock, { groups: ['secp256r1'], helloRetryCookie: new Uint8Array(32) });
    expect(alertOf(() => createServerSession(otherKey).handleData('initial', ch2.data)).description).toBe('illegal_parameter');
    // and without any cookie key, a cookie in a first ClientHello is refused
    const noKey = serverConfig(pki, clock, { groups: ['secp256r1'] });
    expect(alertOf(() => createServerSession(noKey).handleData('initial', ch2.data)).description).toBe('illegal_parameter');
  });

  it('aborts on a second HelloRetryRequest (unexpected_message)', () => {
    const clock = new Clock();
    const { client, server } = hrrPair(clock, false);
    client.start();
    server.handleData('initial', client.pollOutput()!.data);
    const hrr = server.pollOutput()!;
    client.handleData(hrr.level, hrr.data);
    expect(client.pollOutput()).toBeDefined();
    const a = alertOf(() => client.handleData(hrr.level, hrr.data));
    expect(a.description).toBe('unexpected_message');
    // the session is dead: the same alert again
    expect(alertOf(() => client.handleData('initial', new Uint8Array(1)))).toBe(a);
    expect(client.state).toBe('CLOSED');
  });

  function hrrWith(rewrite: (h: HelloRetryRequest) => HelloRetryRequest) {
    const clock = new Clock();
    const client = createClientSession(clientConfig(pki, clock, { keyShareGroups: ['x25519'] }));
    const server = new ServerSession(serverConfig(pki, clock, { groups: ['secp256r1'] }), { helloRetryRequest: rewrite });
    client.start();
    server.handleData('initial', client.pollOutput()!.data);
    const out = server.pollOutput()!;
    return alertOf(() => client.handleData(out.level, out.data));
  }

  it('aborts when the retry would change nothing (illegal_parameter)', () => {
    expect(hrrWith((h) => ({ ...h, extensions: h.extensions.filter((e) => e.kind === 'supported_versions_server') })).description).toBe(
      'illegal_parameter',
    );
  });

  it('aborts when the retry asks for a group the client already shared or never offered', () => {
    const already = hrrWith((h) => ({
      ...h,
      extensions: h.extensions.map((e) => (e.kind === 'key_share_retry' ? { ...e, selectedGroup: NamedGroup.x25519 } : e)),
    }));
    expect(already.description).toBe('illegal_parameter');
    const unoffered = hrrWith((h) => ({
      ...h,
      extensions: h.extensions.map((e) => (e.kind === 'key_share_retry' ? { ...e, selectedGroup: NamedGroup.x448 } : e)),
    }));
    expect(unoffered.description).toBe('illegal_parameter');
  });

  it('aborts when ServerHello changes the suite the retry selected', () => {
    const clock = new Clock();
    const client = createClientSession(clientConfig(pki, clock, { keyShareGroups: ['x25519'] }));
    const server = createServerSession(serverConfig(pki, clock, { groups: ['secp256r1'] }));
    client.start();
    server.handleData('initial', client.pollOutput()!.data);
    client.handleData('initial', server.pollOutput()!.data);
    const ch2 = client.pollOutput()!;
    // a server that switches suites between HRR and ServerHello: the suite of the real ServerHello is at offset
    // 4 (header) + 2 (version) + 32 (random) + 1 (empty session id) = 39; 0x1301 becomes 0x1303 (offered, but not
    // the one the retry selected)
    server.handleData('initial', ch2.data);
    const flight = server.pollOutput()!;
    const tampered = flight.data.slice();
    tampered[40] = 0x03;
    expect(alertOf(() => client.handleData('initial', tampered)).description).toBe('illegal_parameter');
  });

  it('server: ClientHello2 must carry the requested share and echo the cookie', () => {
    const clock = new Clock();
    const mk = () =>
      createServerSession(serverConfig(pki, clock, { groups: ['secp256r1'], helloRetryCookie: cookieKey }));
    // ClientHello2 with the cookie removed
    const client = new ClientSession(clientConfig(pki, clock, { keyShareGroups: ['x25519'] }), {
      clientHello: (ch, retry) => (retry ? { ...ch, extensions: ch.extensions.filter((e) => e.kind !== 'cookie') } : ch),
    });
    const server = mk();
    client.start();
    server.handleData('initial', client.pollOutput()!.data);
    client.handleData('initial', server.pollOutput()!.data);
    expect(alertOf(() => server.handleData('initial', client.pollOutput()!.data)).description).toBe('illegal_parameter');
    // ClientHello2 that keeps the old share instead of the requested one
    const stubborn = new ClientSession(clientConfig(pki, clock, { keyShareGroups: ['x25519'] }), {
      clientHello: (ch, retry) =>
        retry
          ? {
              ...ch,
              extensions: ch.extensions.map((e) =>
                e.kind === 'key_share' ? { ...e, shares: [{ group: NamedGroup.x25519, keyExchange: new Uint8Array(32).fill(9) }] } : e,
              ),
            }
          : ch,
    });
    const server2 = mk();
    stubborn.start();
    server2.handleData('initial', stubborn.pollOutput()!.data);
    stubborn.handleData('initial', server2.pollOutput()!.data);
    expect(alertOf(() => server2.handleData('initial', stubborn.pollOutput()!.data)).description).toBe('illegal_parameter');
  });
});
