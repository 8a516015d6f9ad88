/**
 * `pnpm demo`: qk's TLS 1.3 client against qk's server with freshly generated certificates, first in memory (QUIC
 * mode, dummy transport parameters), then over loopback TCP through the test tooling's record layer (TLS mode),
 * each with a full handshake and a resumed one, printing what was negotiated and how long it took. A few seconds.
 *
 * Run from the repository root with `pnpm demo`, or from packages/tls13 with
 * `npx tsx --conditions=@qk/source bin/demo.ts`.
 */
import { performance } from 'node:perf_hooks';
import { connectTls, serveTls } from '../../../tooling/tls-record/src/index.js';
import { nobleProvider } from '../src/crypto/noble.js';
import { cipherSuiteInfo } from '../src/crypto/suites.js';
import {
  MemoryTicketStore,
  createClientSession,
  createServerSession,
  signatureSchemeName,
} from '../src/handshake/index.js';
import type { NegotiatedParameters, TlsClientConfig, TlsServerConfig } from '../src/handshake/index.js';
import { TrustStore, generateCertificate } from '../src/x509/index.js';
import { DUMMY_TRANSPORT_PARAMETERS, handshakeInMemory } from '../bench/handshake.js';

const LOOP_MS = 400;
const provider = nobleProvider;
const out = (line = ''): void => console.log(line);

function ms(t: number): string {
  return `${t.toFixed(1)} ms`;
}

/** One column of the result table. */
interface Outcome {
  readonly negotiated: NegotiatedParameters;
  readonly millis: number;
}

function table(title: string, full: Outcome, resumed: Outcome, perSecond: number, resumedPerSecond: number): void {
  const rows: Array<[string, (o: Outcome) => string]> = [
    ['cipher suite', (o) => cipherSuiteInfo(o.negotiated.cipherSuite)?.name ?? `0x${o.negotiated.cipherSuite.toString(16)}`],
    ['group', (o) => o.negotiated.group],
    [
      'signature',
      (o) => (o.negotiated.signatureScheme === undefined ? '(none: PSK)' : signatureSchemeName(o.negotiated.signatureScheme)),
    ],
    ['ALPN', (o) => o.negotiated.alpn ?? '(none)'],
    ['resumed', (o) => (o.negotiated.resumed ? 'yes' : 'no')],
    ['0-RTT', (o) => o.negotiated.earlyData.replace('_', ' ')],
    ['HelloRetryRequest', (o) => (o.negotiated.helloRetry ? 'yes' : 'no')],
    ['handshake time', (o) => ms(o.millis)],
  ];
  out(title);
  out(`  ${''.padEnd(20)}${'full handshake'.padEnd(28)}resumed handshake`);
  for (const [name, cell] of rows) out(`  ${name.padEnd(20)}${cell(full).padEnd(28)}${cell(resumed)}`);
  out(
    `  ${'loop'.padEnd(20)}${`${perSecond.toFixed(0)} handshakes/s`.padEnd(28)}${resumedPerSecond.toFixed(0)} handshakes/s`,
  );
  out();
}

/** Runs `fn` repeatedly for about `budget` ms; returns runs per second. */
async function rate(fn: () => unknown, budget = LOOP_MS): Promise<number> {
  const start = performance.now();
  let n = 0;
  let now = start;
  while (n < 2 || now - start < budget) {
    await fn();
    n++;
    now = performance.now();
  }
  return (n * 1000) / (now - start);
}

async function main(): Promise<void> {
  const started = performance.now();
  out(`qk TLS 1.3 demo: node ${process.version}, provider ${provider.name} (pure TypeScript)`);

  // Certificates: a CA and a server certificate for localhost / 127.0.0.1 issued by it.
  const t0 = performance.now();
  const now = Date.now();
  const validity = { notBefore: now - 60_000, notAfter: now + 86_400_000 };
  const ca = generateCertificate({ subject: 'qk demo CA', isCA: true, keyType: 'p256', ...validity }, provider);
  const leaf = generateCertificate(
    {
      subject: 'localhost',
      subjectAltNames: { dns: ['localhost'], ip: ['127.0.0.1'] },
      keyType: 'p256',
      issuer: { certificate: ca.certificate, privateKey: ca.privateKey },
      ...validity,
    },
    provider,
  );
  const trustStore = TrustStore.fromCertificates([ca.certificate]);
  const names = `CA "${ca.certificate.subject.text}" -> "${leaf.certificate.subject.text}"`;
  out(`certificates: ${names} (ECDSA P-256), generated in ${ms(performance.now() - t0)}`);
  out();

  // 1. In memory, QUIC mode.
  const quicCommon = { provider, now: Date.now, alpnProtocols: ['h3'], transportParameters: DUMMY_TRANSPORT_PARAMETERS };
  const quicServer: TlsServerConfig = {
    ...quicCommon,
    certificateChain: [leaf.certificate],
    privateKey: leaf.privateKey,
    maxEarlyData: 0xffff_ffff,
  };
  const quicClient: TlsClientConfig = {
    ...quicCommon,
    serverName: 'localhost',
    trustStore,
    ticketStore: new MemoryTicketStore(),
    earlyData: true,
  };
  const memory = (client: TlsClientConfig, server: TlsServerConfig): Outcome => {
    const c = createClientSession(client);
    const s = createServerSession(server);
    const t = performance.now();
    handshakeInMemory(c, s);
    return { negotiated: c.negotiated()!, millis: performance.now() - t };
  };
  memory({ ...quicClient, ticketStore: new MemoryTicketStore() }, { ...quicServer, ticketCount: 0 }); // JIT warm-up
  const fullMem = memory(quicClient, quicServer);
  const resumedMem = memory(quicClient, quicServer);
  const noTickets: TlsServerConfig = { ...quicServer, ticketCount: 0 };
  const fullClient: TlsClientConfig = { ...quicClient, ticketStore: new MemoryTicketStore(), earlyData: false };
  const memFullRate = await rate(() => memory(fullClient, noTickets));
  const memResumedRate = await rate(() => memory(quicClient, quicServer));
  const title = '1. In memory, QUIC mode (RFC 9001 §4), ALPN h3, dummy transport parameters';
  table(title, fullMem, resumedMem, memFullRate, memResumedRate);

  // 2. Over loopback TCP, TLS mode, through the record layer.
  const tlsServer: TlsServerConfig = {
    mode: 'tls',
    provider,
    now: Date.now,
    alpnProtocols: ['h2', 'http/1.1'],
    certificateChain: [leaf.certificate],
    privateKey: leaf.privateKey,
  };
  const tlsClient: TlsClientConfig = {
    mode: 'tls',
    provider,
    now: Date.now,
    alpnProtocols: ['h2'],
    serverName: 'localhost',
    trustStore,
    ticketStore: new MemoryTicketStore(),
  };
  const server = await serveTls({ engineConfig: tlsServer });
  try {
    const tcp = async (client: TlsClientConfig, waitForTicket: boolean): Promise<Outcome> => {
      const t = performance.now();
      const conn = await connectTls({ host: '127.0.0.1', port: server.port, engineConfig: client });
      const millis = performance.now() - t;
      conn.send('ping');
      const echo = new TextDecoder().decode(await conn.receiveExactly(4));
      if (echo !== 'ping') throw new Error(`echo mismatch: ${echo}`);
      if (waitForTicket) await conn.nextSessionTicket();
      const negotiated = conn.negotiated;
      await conn.close();
      return { negotiated, millis };
    };
    const fullTcp = await tcp(tlsClient, true);
    const resumedTcp = await tcp(tlsClient, false);
    const tcpFullRate = await rate(() => tcp({ ...tlsClient, ticketStore: new MemoryTicketStore() }, false));
    const tcpResumedRate = await rate(() => tcp(tlsClient, true));
    table(
      `2. Over loopback TCP (127.0.0.1:${server.port}), TLS mode through @qk/tls-record, echo checked`,
      fullTcp,
      resumedTcp,
      tcpFullRate,
      tcpResumedRate,
    );
  } finally {
    await server.close();
  }
  out(`done in ${ms(performance.now() - started)}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
