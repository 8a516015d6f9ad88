/**
 * The RFC 8448 example traces, replayed through qk's engine in TLS mode with a scripted provider that supplies the
 * traces' randomness, ephemeral keys and (randomized) RSA-PSS signatures. Where the engine can be given every
 * input, its messages must equal the trace's byte for byte; every secret it reports must equal the trace's.
 *
 * What is scripted, and why: randoms and key shares (the trace's values); RSA-PSS signatures (they contain a random
 * salt; the script checks with node:crypto that the trace's signature verifies over the content the engine asked to
 * sign, so the engine's CertificateVerify input is proven); RSA-PSS verification of the trace's 1024-bit key
 * (qk's providers refuse keys under 2048 bits; node:crypto verifies it); ticket sealing (the trace's ticket bytes
 * stand for the engine's sealed state). ClientHellos and EncryptedExtensions carry extensions qk does not send
 * (record_size_limit, renegotiation_info, padding): test hooks put the trace's extension lists in, and the engine
 * encodes, hashes and (for PSK binders) computes the rest.
 */
import { constants, createPublicKey, verify as nodeVerify } from 'node:crypto';
import { x25519 } from '@noble/curves/ed25519.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { Reader, concat, equal, fromHex, toHex } from '@qk/octets';
import { nobleProvider } from '../../src/crypto/noble.js';
import type { PublicKey } from '../../src/crypto/keys.js';
import type { CryptoProvider, KeyExchangeGroup, KeyShare } from '../../src/crypto/provider.js';
import { cipherSuiteInfo } from '../../src/crypto/suites.js';
import type { TlsClientConfig, TlsServerConfig } from '../../src/handshake/config.js';
import { createClientSessionForTesting, createServerSessionForTesting } from '../../src/handshake/testing.js';
import { MemoryTicketStore, type TicketSealer } from '../../src/handshake/tickets.js';
import type { TlsEvent, TlsOutput, TlsSession } from '../../src/handshake/types.js';
import { trafficKeys } from '../../src/key-schedule.js';
import { decodeCertificate, decodeEncryptedExtensions, type EncryptedExtensions } from '../../src/messages/authentication.js';
import { decodeClientHello, decodeServerHello, type ClientHello } from '../../src/messages/hello.js';
import { parseCertificate } from '../../src/x509/certificate.js';
import { rsaPrivateKey } from '../../src/x509/private-key.js';
import simple from '../vectors/rfc8448-simple-1rtt.json' with { type: 'json' };
import resumed from '../vectors/rfc8448-resumed-0rtt.json' with { type: 'json' };
import retry from '../vectors/rfc8448-hello-retry.json' with { type: 'json' };

const hex = (e: { hex: string }): Uint8Array => fromHex(e.hex);
const body = (e: { hex: string }): Reader => {
  const b = hex(e);
  return new Reader(b, 4, b.length);
};
const T0 = Date.UTC(2017, 0, 1);

// ---------------------------------------------------------------------------------------------------------------
// The scripted provider

interface ScriptedShare {
  readonly group: KeyExchangeGroup;
  readonly publicShare: Uint8Array;
  /** The x25519 private key (the shared secret is computed), or */
  readonly privateKey?: Uint8Array;
  /** the shared secret itself. */
  readonly sharedSecret?: Uint8Array;
}

interface Script {
  /** Bytes `random` returns, by request length, in order (other requests: real randomness). */
  readonly random?: Record<number, Uint8Array[]>;
  /** Client key shares, in order: the public share and either the x25519 private key or the shared secret. */
  readonly keyShares?: ScriptedShare[];
  /** The server's answer: its public share and its x25519 private key or the shared secret. */
  readonly accept?: { publicShare: Uint8Array; privateKey?: Uint8Array; sharedSecret?: Uint8Array };
  /** RSA-PSS signatures `sign` returns, in order (each checked with node:crypto against the content). */
  readonly signatures?: Uint8Array[];
}

function nodeKey(key: PublicKey) {
  return createPublicKey({ key: Buffer.from(key.spki), format: 'der', type: 'spki' });
}

function scripted(script: Script): CryptoProvider & { readonly log: string[] } {
  const random = new Map(Object.entries(script.random ?? {}).map(([k, v]) => [Number(k), [...v]]));
  const shares = [...(script.keyShares ?? [])];
  const signatures = [...(script.signatures ?? [])];
  const log: string[] = [];
  return {
    ...nobleProvider,
    name: 'rfc8448-script',
    log,
    random(out: Uint8Array): Uint8Array {
      const next = random.get(out.length)?.shift();
      if (next !== undefined) {
        out.set(next);
        log.push(`random ${out.length} (scripted)`);
        return out;
      }
      return nobleProvider.random(out);
    },
    generateKeyShare(group: KeyExchangeGroup): KeyShare {
      const s = shares.shift();
      if (s === undefined || s.group !== group) throw new Error(`unscripted key share for ${group}`);
      log.push(`keyShare ${group}`);
      return { group, publicShare: s.publicShare, privateState: s };
    },
    completeKeyExchange(share: KeyShare, serverShare: Uint8Array): Uint8Array | undefined {
      const s = share.privateState as ScriptedShare;
      return s.sharedSecret ?? x25519.getSharedSecret(s.privateKey!, serverShare);
    },
    acceptKeyExchange(group: KeyExchangeGroup, clientShare: Uint8Array) {
      const a = script.accept;
      if (a === undefined) throw new Error('unscripted acceptKeyExchange');
      log.push(`accept ${group}`);
      return { publicShare: a.publicShare, sharedSecret: a.sharedSecret ?? x25519.getSharedSecret(a.privateKey!, clientShare) };
    },
    sign(alg, key, message) {
      const sig = signatures.shift();
      if (sig === undefined || alg.kind !== 'rsa-pss' || key.kind !== 'rsa') throw new Error('unscripted signature');
      const pub = nodeKey(key.publicKey);
      const ok = nodeVerify(alg.hash, message, { key: pub, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: alg.saltLength }, sig);
      if (!ok) throw new Error('the trace signature does not verify over the content the engine signs');
      log.push('sign (trace signature verified over the engine content)');
      return sig;
    },
    verify(alg, key, message, signature) {
      if (alg.kind === 'rsa-pss' && key.kind === 'rsa' && key.bits < 2048) {
        log.push('verify rsa-pss 1024 with node:crypto');
        return nodeVerify(alg.hash, message, { key: nodeKey(key), padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: alg.saltLength }, signature);
      }
      return nobleProvider.verify(alg, key, message, signature);
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Trace fixtures

const serverCertificate = parseCertificate(decodeCertificate(body(simple.certificate)).entries[0]!.data.slice());

function traceRsaKey() {
  const k = simple.serverRsaKey;
  const big = (h: string) => BigInt('0x' + h);
  const n = big(k.modulus);
  const e = big(k.publicExponent);
  const d = big(k.privateExponent);
  const p = big(k.prime1);
  const q = big(k.prime2);
  const inv = (a: bigint, m: bigint): bigint => {
    let [r0, r1, s0, s1] = [a % m, m, 1n, 0n];
    while (r1 !== 0n) {
      const t = r0 / r1;
      [r0, r1] = [r1, r0 - t * r1];
      [s0, s1] = [s1, s0 - t * s1];
    }
    return ((s0 % m) + m) % m;
  };
  return rsaPrivateKey({ n, e, d, p, q, dp: d % (p - 1n), dq: d % (q - 1n), qi: inv(q, p) });
}

/** A sealer whose tickets are the trace's: it maps the trace's ticket bytes to the state the engine sealed. */
class TraceTicketSealer implements TicketSealer {
  #plain: Uint8Array | undefined;
  constructor(readonly ticket: Uint8Array) {}
  seal(plaintext: Uint8Array): Uint8Array {
    this.#plain = plaintext.slice();
    return this.ticket;
  }
  open(ticket: Uint8Array): Uint8Array | undefined {
    return equal(ticket, this.ticket) ? this.#plain : undefined;
  }
}

const nstTicket = (() => {
  const b = hex(simple.newSessionTicket);
  const r = new Reader(b, 4, b.length);
  r.skip(8);
  r.readU8Bytes();
  return r.readU16Bytes().slice();
})();

function drainAll(s: TlsSession): { outputs: TlsOutput[]; events: TlsEvent[] } {
  const outputs: TlsOutput[] = [];
  const events: TlsEvent[] = [];
  for (let e; (e = s.pollEvent()); ) events.push(e);
  for (let o; (o = s.pollOutput()); ) outputs.push(o);
  for (let e; (e = s.pollEvent()); ) events.push(e);
  return { outputs, events };
}

function secret(events: readonly TlsEvent[], level: string, direction: string): string | undefined {
  const e = events.find((x) => x.kind === 'secretsDerived' && x.level === level && x.direction === direction);
  return e?.kind === 'secretsDerived' ? toHex(e.secret) : undefined;
}

/** An EncryptedExtensions hook that puts the trace's extension list in. */
function eeFrom(trace: { hex: string }) {
  const traceExtensions = decodeEncryptedExtensions(body(trace)).extensions;
  return (engine: EncryptedExtensions): EncryptedExtensions => ({ ...engine, extensions: traceExtensions });
}

const clientHelloOf = (trace: { hex: string }): ClientHello => decodeClientHello(body(trace));

// ---------------------------------------------------------------------------------------------------------------

describe('RFC 8448 §3: simple 1-RTT handshake', () => {
  const S = simple;

  it('server: fed the trace ClientHello, sends the trace ServerHello and flight, derives the trace secrets', () => {
    const provider = scripted({
      random: { 32: [hex(S.serverHello).subarray(6, 38)], 4: [fromHex('fad6aac5')] },
      accept: { publicShare: fromHex(S.serverX25519.publicKey), privateKey: fromHex(S.serverX25519.privateKey) },
      signatures: [hex(S.certificateVerify).subarray(8)],
    });
    const config: TlsServerConfig = {
      mode: 'tls',
      provider,
      now: () => T0,
      certificateChain: [serverCertificate],
      privateKey: traceRsaKey(),
      ticketKeys: new TraceTicketSealer(nstTicket),
      ticketLifetimeSeconds: 30,
      maxEarlyData: 1024,
    };
    const server = createServerSessionForTesting(config, { encryptedExtensions: eeFrom(S.encryptedExtensions) });
    server.handleData('initial', hex(S.clientHello));
    const first = drainAll(server);
    expect(first.outputs.map((o) => o.level)).toEqual(['initial', 'handshake']);
    expect(toHex(first.outputs[0]!.data)).toBe(S.serverHello.hex);
    expect(toHex(first.outputs[1]!.data)).toBe(
      S.encryptedExtensions.hex + S.certificate.hex + S.certificateVerify.hex + S.serverFinished.hex,
    );
    const sec = S.secrets;
    expect(secret(first.events, 'handshake', 'read')).toBe(sec.clientHandshakeTrafficSecret);
    expect(secret(first.events, 'handshake', 'write')).toBe(sec.serverHandshakeTrafficSecret);
    expect(secret(first.events, 'oneRtt', 'write')).toBe(sec.serverApplicationTrafficSecret);
    server.handleData('handshake', hex(S.clientFinished));
    const second = drainAll(server);
    expect(secret(second.events, 'oneRtt', 'read')).toBe(sec.clientApplicationTrafficSecret);
    expect(second.events.map((e) => e.kind)).toContain('handshakeCompleted');
    expect(second.outputs).toHaveLength(1);
    expect(second.outputs[0]!.level).toBe('oneRtt');
    expect(toHex(second.outputs[0]!.data)).toBe(S.newSessionTicket.hex);
    expect(toHex(server.exportKeyingMaterial('test', new Uint8Array(0), 8)).length).toBe(16);
    expect(provider.log).toContain('sign (trace signature verified over the engine content)');
  });

  it('client: sends the trace ClientHello, verifies the trace flight, sends the trace Finished, stores the ticket', () => {
    const provider = scripted({
      random: { 32: [hex(S.clientHello).subarray(6, 38)] },
      keyShares: [{ group: 'x25519', publicShare: fromHex(S.clientX25519.publicKey), privateKey: fromHex(S.clientX25519.privateKey) }],
    });
    const ticketStore = new MemoryTicketStore();
    const chains: string[] = [];
    const config: TlsClientConfig = {
      mode: 'tls',
      provider,
      now: () => T0,
      serverName: 'server',
      keyShareGroups: ['x25519'],
      insecureSkipVerify: true,
      verifyCertificate: (chain) => chains.push(chain[0]!.subject.text),
      ticketStore,
    };
    const client = createClientSessionForTesting(config, { clientHello: () => clientHelloOf(S.clientHello) });
    client.start();
    const hello = drainAll(client);
    expect(hello.outputs).toHaveLength(1);
    expect(toHex(hello.outputs[0]!.data)).toBe(S.clientHello.hex);
    client.handleData('initial', hex(S.serverHello));
    const afterSh = drainAll(client);
    expect(secret(afterSh.events, 'handshake', 'read')).toBe(S.secrets.serverHandshakeTrafficSecret);
    expect(secret(afterSh.events, 'handshake', 'write')).toBe(S.secrets.clientHandshakeTrafficSecret);
    client.handleData(
      'handshake',
      concat(hex(S.encryptedExtensions), hex(S.certificate), hex(S.certificateVerify), hex(S.serverFinished)),
    );
    const fin = drainAll(client);
    expect(fin.outputs).toEqual([{ level: 'handshake', data: hex(S.clientFinished) }]);
    expect(secret(fin.events, 'oneRtt', 'read')).toBe(S.secrets.serverApplicationTrafficSecret);
    expect(secret(fin.events, 'oneRtt', 'write')).toBe(S.secrets.clientApplicationTrafficSecret);
    expect(chains).toEqual(['CN=rsa']);
    expect(provider.log).toContain('verify rsa-pss 1024 with node:crypto');
    expect(client.negotiated()).toMatchObject({ cipherSuite: 0x1301, group: 'x25519', signatureScheme: 0x0804, resumed: false });
    client.handleData('oneRtt', hex(S.newSessionTicket));
    const t = drainAll(client).events.find((e) => e.kind === 'sessionTicketReceived');
    expect(t?.kind === 'sessionTicketReceived' && toHex(t.ticket.psk)).toBe(S.secrets.ticketPsk);
    expect(t?.kind === 'sessionTicketReceived' && t.ticket).toMatchObject({ lifetimeSeconds: 30, ageAdd: 0xfad6aac5, maxEarlyData: 1024 });
    expect(ticketStore.size).toBe(1);
  });
});

describe('RFC 8448 §4: resumed 0-RTT handshake', () => {
  const R = resumed;
  let ticketStore: MemoryTicketStore;
  let sealer: TraceTicketSealer;

  beforeAll(() => {
    // §4 resumes the session of §3: run §3 on both sides to get the client's ticket and the server's sealed state
    const S = simple;
    ticketStore = new MemoryTicketStore();
    const c = createClientSessionForTesting(
      {
        mode: 'tls',
        provider: scripted({
          random: { 32: [hex(S.clientHello).subarray(6, 38)] },
          keyShares: [{ group: 'x25519', publicShare: fromHex(S.clientX25519.publicKey), privateKey: fromHex(S.clientX25519.privateKey) }],
        }),
        now: () => T0,
        serverName: 'server',
        keyShareGroups: ['x25519'],
        insecureSkipVerify: true,
        ticketStore,
      },
      { clientHello: () => clientHelloOf(S.clientHello) },
    );
    sealer = new TraceTicketSealer(nstTicket);
    const s = createServerSessionForTesting(
      {
        mode: 'tls',
        provider: scripted({
          random: { 32: [hex(S.serverHello).subarray(6, 38)], 4: [fromHex('fad6aac5')] },
          accept: { publicShare: fromHex(S.serverX25519.publicKey), privateKey: fromHex(S.serverX25519.privateKey) },
          signatures: [hex(S.certificateVerify).subarray(8)],
        }),
        now: () => T0,
        certificateChain: [serverCertificate],
        privateKey: traceRsaKey(),
        ticketKeys: sealer,
        ticketLifetimeSeconds: 30,
        maxEarlyData: 1024,
      },
      { encryptedExtensions: eeFrom(S.encryptedExtensions) },
    );
    c.start();
    for (let i = 0; i < 4; i++) {
      for (const o of drainAll(c).outputs) s.handleData(o.level, o.data);
      for (const o of drainAll(s).outputs) c.handleData(o.level, o.data);
    }
    expect(c.isHandshakeComplete() && s.isHandshakeComplete()).toBe(true);
    expect(ticketStore.size).toBe(1);
  });

  it('client: offers the ticket with the trace binder and 0-RTT, then answers the trace flight byte for byte', () => {
    const provider = scripted({
      random: { 32: [hex(R.clientHello).subarray(6, 38)] },
      keyShares: [{ group: 'x25519', publicShare: fromHex(R.clientX25519.publicKey), privateKey: fromHex(R.clientX25519.privateKey) }],
    });
    const trace = clientHelloOf(R.clientHello);
    const client = createClientSessionForTesting(
      {
        mode: 'tls',
        provider,
        now: () => T0 + 6, // the trace's obfuscated_ticket_age (0xfad6aacb) is 6 ms past ticket_age_add
        serverName: 'server',
        keyShareGroups: ['x25519'],
        insecureSkipVerify: true,
        ticketStore,
        earlyData: true,
      },
      {
        clientHello: (ch) => {
          // the engine's own PSK offer must be the trace's (ticket and obfuscated age); its binder is computed later
          const mine = ch.extensions.find((e) => e.kind === 'pre_shared_key');
          const theirs = trace.extensions.find((e) => e.kind === 'pre_shared_key');
          expect(mine?.kind === 'pre_shared_key' && toHex(mine.identities[0]!.identity)).toBe(
            theirs?.kind === 'pre_shared_key' && toHex(theirs.identities[0]!.identity),
          );
          expect(mine?.kind === 'pre_shared_key' && mine.identities[0]!.obfuscatedTicketAge).toBe(0xfad6aacb);
          expect(ch.extensions.some((e) => e.kind === 'early_data')).toBe(true);
          const binderless = trace.extensions.map((e) =>
            e.kind === 'pre_shared_key' ? { ...e, binders: [new Uint8Array(32)] } : e,
          );
          return { ...trace, extensions: binderless };
        },
      },
    );
    client.start();
    const hello = drainAll(client);
    expect(toHex(hello.outputs[0]!.data)).toBe(R.clientHello.hex); // binder included: 3add4fb2...
    expect(toHex(hello.outputs[0]!.data).slice(-64)).toBe(R.secrets.binder);
    expect(secret(hello.events, 'zeroRtt', 'write')).toBe(R.secrets.clientEarlyTrafficSecret);
    client.handleData('initial', hex(R.serverHello));
    const sh = drainAll(client);
    expect(secret(sh.events, 'handshake', 'read')).toBe(R.secrets.serverHandshakeTrafficSecret);
    expect(secret(sh.events, 'handshake', 'write')).toBe(R.secrets.clientHandshakeTrafficSecret);
    client.handleData('handshake', concat(hex(R.encryptedExtensions), hex(R.serverFinished)));
    const fin = drainAll(client);
    expect(fin.events.map((e) => e.kind)).toContain('earlyDataAccepted');
    expect(fin.outputs).toEqual([
      { level: 'zeroRtt', data: hex(R.endOfEarlyData) },
      { level: 'handshake', data: hex(R.clientFinished) },
    ]);
    expect(secret(fin.events, 'oneRtt', 'read')).toBe(R.secrets.serverApplicationTrafficSecret);
    expect(secret(fin.events, 'oneRtt', 'write')).toBe(R.secrets.clientApplicationTrafficSecret);
    expect(client.negotiated()).toMatchObject({ resumed: true, earlyData: 'accepted', group: 'x25519' });
  });

  it('server: accepts the trace ClientHello (binder, ticket age, 0-RTT) and sends the trace flight', () => {
    const provider = scripted({
      random: { 32: [hex(R.serverHello).subarray(6, 38)] },
      accept: { publicShare: fromHex(R.serverX25519.publicKey), privateKey: fromHex(R.serverX25519.privateKey) },
    });
    const server = createServerSessionForTesting(
      {
        mode: 'tls',
        provider,
        now: () => T0 + 10,
        certificateChain: [serverCertificate],
        privateKey: traceRsaKey(),
        ticketKeys: sealer,
        ticketLifetimeSeconds: 30,
        maxEarlyData: 1024,
      },
      { encryptedExtensions: eeFrom(R.encryptedExtensions) },
    );
    server.handleData('initial', hex(R.clientHello));
    const first = drainAll(server);
    expect(first.outputs.map((o) => [o.level, toHex(o.data)])).toEqual([
      ['initial', R.serverHello.hex],
      ['handshake', R.encryptedExtensions.hex + R.serverFinished.hex],
    ]);
    expect(secret(first.events, 'zeroRtt', 'read')).toBe(R.secrets.clientEarlyTrafficSecret);
    expect(secret(first.events, 'handshake', 'read')).toBe(R.secrets.clientHandshakeTrafficSecret);
    expect(secret(first.events, 'handshake', 'write')).toBe(R.secrets.serverHandshakeTrafficSecret);
    expect(secret(first.events, 'oneRtt', 'write')).toBe(R.secrets.serverApplicationTrafficSecret);
    expect(first.events.map((e) => e.kind)).toContain('earlyDataAccepted');
    expect(server.state).toBe('WAIT_EOED');
    server.handleData('zeroRtt', hex(R.endOfEarlyData));
    server.handleData('handshake', hex(R.clientFinished));
    const done = drainAll(server);
    expect(secret(done.events, 'oneRtt', 'read')).toBe(R.secrets.clientApplicationTrafficSecret);
    expect(server.isHandshakeComplete()).toBe(true);
    expect(server.negotiated()).toMatchObject({ resumed: true, earlyData: 'accepted' });
  });
});

describe('RFC 8448 §5: HelloRetryRequest', () => {
  const H = retry;

  function keysOf(events: readonly TlsEvent[], level: string, direction: string) {
    const e = events.find((x) => x.kind === 'secretsDerived' && x.level === level && x.direction === direction);
    if (e?.kind !== 'secretsDerived') throw new Error(`no ${level}/${direction} secret`);
    const k = trafficKeys(nobleProvider, e.secret, cipherSuiteInfo(e.cipherSuite)!);
    return toHex(k.key) + '/' + toHex(k.iv);
  }

  it('client: retries with the requested P-256 share and the cookie, then finishes like the trace', () => {
    const provider = scripted({
      random: { 32: [hex(H.clientHello1).subarray(6, 38)] },
      keyShares: [
        { group: 'x25519', publicShare: hex(H.clientX25519Public) },
        { group: 'secp256r1', publicShare: hex(H.clientP256Public), sharedSecret: hex(H.sharedSecret) },
      ],
    });
    const hrr = decodeServerHello(body(H.helloRetryRequest));
    const client = createClientSessionForTesting(
      { mode: 'tls', provider, now: () => T0, serverName: 'server', keyShareGroups: ['x25519'], insecureSkipVerify: true },
      {
        clientHello: (ch, isRetry) => {
          if (!isRetry) return clientHelloOf(H.clientHello1);
          // the engine's ClientHello2: same random, the P-256 share, the cookie echoed
          const share = ch.extensions.find((e) => e.kind === 'key_share');
          expect(share?.kind === 'key_share' && share.shares.map((s) => s.group)).toEqual([0x17]);
          const cookie = ch.extensions.find((e) => e.kind === 'cookie');
          const sent = hrr.extensions.find((e) => e.kind === 'cookie');
          expect(cookie?.kind === 'cookie' && toHex(cookie.cookie)).toBe(sent?.kind === 'cookie' && toHex(sent.cookie));
          expect(toHex(ch.random)).toBe(toHex(hex(H.clientHello1).subarray(6, 38)));
          return clientHelloOf(H.clientHello2);
        },
      },
    );
    client.start();
    expect(toHex(drainAll(client).outputs[0]!.data)).toBe(H.clientHello1.hex);
    client.handleData('initial', hex(H.helloRetryRequest));
    const ch2 = drainAll(client);
    expect(ch2.outputs.map((o) => [o.level, toHex(o.data)])).toEqual([['initial', H.clientHello2.hex]]);
    client.handleData('initial', hex(H.serverHello));
    const sh = drainAll(client);
    expect(keysOf(sh.events, 'handshake', 'read')).toBe(`${H.trafficKeys.serverHandshakeKey}/${H.trafficKeys.serverHandshakeIv}`);
    expect(keysOf(sh.events, 'handshake', 'write')).toBe(`${H.trafficKeys.clientHandshakeKey}/${H.trafficKeys.clientHandshakeIv}`);
    client.handleData(
      'handshake',
      concat(hex(H.encryptedExtensions), hex(H.certificate), hex(H.certificateVerify), hex(H.serverFinished)),
    );
    const fin = drainAll(client);
    expect(fin.outputs).toEqual([{ level: 'handshake', data: hex(H.clientFinished) }]);
    expect(keysOf(fin.events, 'oneRtt', 'read')).toBe(`${H.trafficKeys.serverApplicationKey}/${H.trafficKeys.serverApplicationIv}`);
    expect(keysOf(fin.events, 'oneRtt', 'write')).toBe(`${H.trafficKeys.clientApplicationKey}/${H.trafficKeys.clientApplicationIv}`);
    expect(client.negotiated()).toMatchObject({ helloRetry: true, group: 'secp256r1', cipherSuite: 0x1301 });
  });

  it('server: asks for P-256 (with the trace cookie), then answers ClientHello2 with the trace flight', () => {
    const provider = scripted({
      random: { 32: [hex(H.serverHello).subarray(6, 38)] },
      accept: { publicShare: hex(H.serverP256Public), sharedSecret: hex(H.sharedSecret) },
      signatures: [hex(H.certificateVerify).subarray(8)],
    });
    const traceHrr = decodeServerHello(body(H.helloRetryRequest));
    const server = createServerSessionForTesting(
      {
        mode: 'tls',
        provider,
        now: () => T0,
        groups: ['secp256r1'],
        certificateChain: [serverCertificate],
        privateKey: traceRsaKey(),
        ticketCount: 0,
        // explicit, so that no default key manager draws from the scripted randomness
        ticketKeys: new TraceTicketSealer(nstTicket),
      },
      {
        // the trace's cookie is the trace server's own; the rest of the retry is the engine's
        helloRetryRequest: (h) => {
          expect(h.extensions.map((e) => e.kind)).toEqual(['key_share_retry', 'supported_versions_server']);
          return { ...h, extensions: traceHrr.extensions };
        },
        encryptedExtensions: eeFrom(H.encryptedExtensions),
      },
    );
    server.handleData('initial', hex(H.clientHello1));
    expect(drainAll(server).outputs.map((o) => [o.level, toHex(o.data)])).toEqual([['initial', H.helloRetryRequest.hex]]);
    server.handleData('initial', hex(H.clientHello2));
    const flight = drainAll(server);
    expect(flight.outputs.map((o) => [o.level, toHex(o.data)])).toEqual([
      ['initial', H.serverHello.hex],
      ['handshake', H.encryptedExtensions.hex + H.certificate.hex + H.certificateVerify.hex + H.serverFinished.hex],
    ]);
    expect(keysOf(flight.events, 'handshake', 'write')).toBe(`${H.trafficKeys.serverHandshakeKey}/${H.trafficKeys.serverHandshakeIv}`);
    expect(keysOf(flight.events, 'oneRtt', 'write')).toBe(`${H.trafficKeys.serverApplicationKey}/${H.trafficKeys.serverApplicationIv}`);
    server.handleData('handshake', hex(H.clientFinished));
    const done = drainAll(server);
    expect(keysOf(done.events, 'oneRtt', 'read')).toBe(`${H.trafficKeys.clientApplicationKey}/${H.trafficKeys.clientApplicationIv}`);
    expect(server.negotiated()).toMatchObject({ helloRetry: true, group: 'secp256r1' });
  });
});
