/**
 * Hostile input at every handshake state of both roles: random bytes, and random mutations of the real next
 * flight, fed at the expected level (and at random levels) end in a TlsAlert or are absorbed (e.g. as part of a
 * message still incomplete), never in another exception, and the session never loops.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nobleProvider } from '../../src/crypto/noble.js';
import { TlsAlert } from '../../src/errors.js';
import { createClientSession } from '../../src/handshake/client.js';
import type { TlsClientConfig, TlsServerConfig } from '../../src/handshake/config.js';
import { createServerSession } from '../../src/handshake/server.js';
import { MemoryTicketStore, StrikeRegister, TicketKeyManager } from '../../src/handshake/tickets.js';
import type { EncryptionLevel, TlsOutput, TlsSession } from '../../src/handshake/types.js';
import { Clock, clientConfig, makePki, pipe, serverConfig } from './helpers.js';

const pki = makePki('p256');
const clientPki = makePki('ed25519', { names: ['client.test'] });
const levels: EncryptionLevel[] = ['initial', 'zeroRtt', 'handshake', 'oneRtt'];

interface Scenario {
  readonly name: string;
  readonly client: () => TlsClientConfig;
  readonly server: () => TlsServerConfig;
}

const clock = new Clock();
const ticketStore = new MemoryTicketStore({ maxPerServer: 64 });
const ticketKeys = new TicketKeyManager({ provider: nobleProvider, now: clock.now });
const resumeClient = clientConfig(pki, clock, { ticketStore, earlyData: true, keyShareGroups: ['x25519'] });
const resumeServer = serverConfig(pki, clock, {
  ticketKeys,
  maxEarlyData: 0xffff_ffff,
  antiReplay: new StrikeRegister(),
  ticketCount: 2,
});

const scenarios: Scenario[] = [
  {
    name: 'full handshake',
    client: () => clientConfig(pki, clock, { keyShareGroups: ['x25519'] }),
    server: () => serverConfig(pki, clock),
  },
  {
    name: 'HelloRetryRequest with cookie and client authentication',
    client: () =>
      clientConfig(pki, clock, {
        keyShareGroups: ['x25519'],
        certificateChain: [clientPki.leaf.certificate],
        privateKey: clientPki.leaf.privateKey,
      }),
    server: () =>
      serverConfig(pki, clock, {
        groups: ['secp256r1'],
        helloRetryCookie: new Uint8Array(32).fill(1),
        requestClientCertificate: 'require',
        clientTrustStore: clientPki.trustStore,
      }),
  },
  { name: 'resumption with 0-RTT', client: () => resumeClient, server: () => resumeServer },
  {
    name: 'TLS mode resumption with EndOfEarlyData',
    client: () => ({ ...resumeClient, mode: 'tls' }),
    server: () => ({ ...resumeServer, mode: 'tls', maxEarlyData: 1000 }),
  },
];

// tickets for the resumption scenarios (one per run is consumed)
for (let i = 0; i < 20; i++) {
  pipe(createClientSession(resumeClient), createServerSession(resumeServer));
  pipe(createClientSession({ ...resumeClient, mode: 'tls' }), createServerSession({ ...resumeServer, mode: 'tls', maxEarlyData: 1000 }));
}

/** A fault must be a protocol alert; internal_error would mean an engine bug surfaced by peer input. */
function expectPeerAlert(thrown: unknown): void {
  expect(thrown).toBeInstanceOf(TlsAlert);
  expect((thrown as TlsAlert).description).not.toBe('internal_error');
}

/** Feeds `data` and drains; returns what was thrown, if anything. */
function feed(target: TlsSession, level: EncryptionLevel, data: Uint8Array): unknown {
  try {
    target.handleData(level, data);
  } catch (e) {
    return e;
  }
  let n = 0;
  while (target.pollOutput() !== undefined || target.pollEvent() !== undefined) {
    if (++n > 1000) throw new Error('the session keeps producing output');
  }
  return undefined;
}

type Attack =
  | { kind: 'random'; bytes: Uint8Array; level: EncryptionLevel | 'expected' }
  | { kind: 'mutate'; flips: [number, number][]; truncate: number | undefined };

const attackArb: fc.Arbitrary<Attack> = fc.oneof(
  fc.record({
    kind: fc.constant('random' as const),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 200 }),
    level: fc.constantFrom<EncryptionLevel | 'expected'>('expected', 'expected', ...levels),
  }),
  fc.record({
    kind: fc.constant('mutate' as const),
    flips: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 3 }),
    truncate: fc.option(fc.nat(), { nil: undefined }),
  }),
);

/** Runs the handshake, attacking the `stop`-th item in transit (or, past the end, sending junk afterwards). */
function attackAt(s: Scenario, stop: number, attack: Attack, toClient: boolean): void {
  const client = createClientSession(s.client());
  const server = createServerSession(s.server());
  client.start();
  server.start();
  const queue: { from: 'client' | 'server'; out: TlsOutput }[] = [];
  const collect = () => {
    for (const [from, src] of [
      ['client', client],
      ['server', server],
    ] as const) {
      while (src.pollEvent() !== undefined);
      for (let o; (o = src.pollOutput()); ) queue.push({ from, out: o });
    }
  };
  collect();
  let index = 0;
  while (queue.length > 0) {
    const { from, out } = queue.shift()!;
    const dst = from === 'client' ? server : client;
    if (index++ === stop) {
      let thrown: unknown;
      if (attack.kind === 'random') {
        const level = attack.level === 'expected' ? out.level : attack.level;
        thrown = feed(dst, level, attack.bytes);
      } else {
        let data = out.data.slice();
        for (const [at, v] of attack.flips) data[at % data.length] = v;
        if (attack.truncate !== undefined) data = data.subarray(0, attack.truncate % data.length);
        thrown = feed(dst, out.level, data);
      }
      if (thrown !== undefined) expectPeerAlert(thrown);
      return;
    }
    dst.handleData(out.level, out.data);
    collect();
  }
  // after the handshake: junk to either side at every level
  const target = toClient ? client : server;
  const bytes = attack.kind === 'random' ? attack.bytes : Uint8Array.of(4, 0, 0, 1, 0);
  for (const level of levels) {
    const thrown = feed(target, level, bytes);
    if (thrown !== undefined) {
      expectPeerAlert(thrown);
      return;
    }
  }
}

describe('hostile input at every state ends in a TlsAlert, never another exception', () => {
  for (const [i, s] of scenarios.entries()) {
    it(s.name, () => {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 8 }), attackArb, fc.boolean(), (stop, attack, toClient) => {
          attackAt(s, stop, attack, toClient);
        }),
        { numRuns: i >= 2 ? 20 : 60 },
      );
    });
  }
});
