/**
 * TlsRecordConnection against a scripted engine: the key-change rules (handshake read keys at once, 1-RTT read
 * keys only once the handshake completed, a 1-RTT write key update applied after the records queued before it),
 * coalescing of consecutive outputs, and alerts under the right keys.
 */
import { concat, fromHex, toHex } from '@qk/octets';
import { TlsAlert } from '@qk/tls13';
import { describe, expect, it } from 'vitest';
import { TlsRecordConnection } from '../src/connection.js';
import { RecordProtection } from '../src/protection.js';
import { ContentType, RecordDeframer } from '../src/record.js';
import { CipherSuite, cipherSuiteInfo, nobleProvider, trafficKeys } from '../src/tls13.js';
import type { EncryptionLevel, NegotiatedParameters, TlsEvent, TlsSession } from '../src/tls13.js';

const SUITE = CipherSuite.TLS_AES_128_GCM_SHA256;
const secret = (n: number): Uint8Array => new Uint8Array(32).fill(n);

function protection(n: number): RecordProtection {
  const { key, iv } = trafficKeys(nobleProvider, secret(n), cipherSuiteInfo(SUITE)!);
  return new RecordProtection(nobleProvider.aead('aes-128-gcm', key), iv);
}

/** A scripted engine: each handleData call runs the next step, which queues events and outputs. */
class ScriptedSession implements TlsSession {
  readonly state = 'SCRIPTED';
  readonly alert: TlsAlert | undefined = undefined;
  readonly received: Array<{ level: EncryptionLevel; data: string }> = [];
  #events: TlsEvent[] = [];
  #outputs: Array<{ level: EncryptionLevel; data: Uint8Array }> = [];
  #complete = false;
  constructor(
    readonly role: 'client' | 'server',
    readonly steps: Array<(s: ScriptedSession) => void>,
  ) {}
  emit(e: TlsEvent): void {
    if (e.kind === 'handshakeCompleted') this.#complete = true;
    this.#events.push(e);
  }
  output(level: EncryptionLevel, hex: string): void {
    this.#outputs.push({ level, data: fromHex(hex) });
  }
  secret(level: 'handshake' | 'oneRtt', direction: 'read' | 'write', n: number): void {
    this.emit({ kind: 'secretsDerived', level, direction, cipherSuite: SUITE, secret: secret(n) });
  }
  start(): void {
    this.steps.shift()?.(this);
  }
  handleData(level: EncryptionLevel, data: Uint8Array): void {
    this.received.push({ level, data: toHex(data) });
    this.steps.shift()?.(this);
  }
  pollOutput() {
    return this.#outputs.shift();
  }
  pollEvent() {
    return this.#events.shift();
  }
  isHandshakeComplete(): boolean {
    return this.#complete;
  }
  negotiated(): NegotiatedParameters {
    return {
      cipherSuite: SUITE,
      group: 'x25519',
      resumed: false,
      earlyData: 'not_offered',
      helloRetry: false,
      peerCertificates: [],
    };
  }
  peerTransportParameters(): undefined {
    return undefined;
  }
  nextApplicationSecrets(): never {
    throw new TypeError('not scripted');
  }
  exportKeyingMaterial(): never {
    throw new TypeError('not scripted');
  }
}

/** Splits wire bytes into records: [outer type, fragment]. */
function records(bytes: Uint8Array): Array<[number, Uint8Array]> {
  const d = new RecordDeframer();
  d.push(bytes);
  const out: Array<[number, Uint8Array]> = [];
  for (let r = d.next(); r; r = d.next()) out.push([r.header.contentType, concat(r.headerBytes, r.fragment)]);
  return out;
}

function open(p: RecordProtection, record: Uint8Array): string {
  const o = p.open(record.subarray(0, 5), record.subarray(5));
  return `${o.contentType}:${toHex(o.content)}`;
}

describe('TlsRecordConnection key changes (scripted engine)', () => {
  it('server: handshake read keys at once, 1-RTT read keys only after the handshake completes', () => {
    const engine = new ScriptedSession('server', [
      (s) => {
        // ClientHello processed: every secret derived at once, as a real server does.
        s.secret('handshake', 'read', 1);
        s.secret('handshake', 'write', 2);
        s.secret('oneRtt', 'write', 4);
        s.secret('oneRtt', 'read', 3);
        s.output('initial', '02000000');
        s.output('handshake', '08000000');
        s.output('handshake', '0b000000');
        s.output('handshake', '14000000');
      },
      (s) => {
        // client Finished processed
        s.emit({ kind: 'handshakeCompleted' });
        s.output('oneRtt', '04000000');
      },
    ]);
    const conn = new TlsRecordConnection(engine, { provider: nobleProvider });
    conn.receive(fromHex('160303000401000000'));
    const flight = records(conn.pollTransmit()!);
    const { handshake, change_cipher_spec, application_data } = ContentType;
    expect(flight.map(([t]) => t)).toEqual([handshake, change_cipher_spec, application_data]);
    // The three handshake-level outputs were coalesced into one record.
    expect(open(protection(2), flight[2]![1])).toBe('22:080000000b00000014000000');

    // The client's Finished still comes under the client handshake keys (3 is already derived, not yet used).
    conn.receive(protection(1).seal(ContentType.handshake, fromHex('14000000')));
    expect(engine.received.at(-1)).toEqual({ level: 'handshake', data: '14000000' });
    expect(open(protection(4), records(conn.pollTransmit()!)[0]![1])).toBe('22:04000000');
    expect(conn.pollEvent()?.kind).toBe('handshakeCompleted');

    // Now 1-RTT: application data under key 3.
    conn.receive(protection(3).seal(ContentType.application_data, fromHex('6869')));
    expect(conn.pollEvent()).toEqual({ kind: 'applicationDataReceived', data: fromHex('6869') });
  });

  it('a peer KeyUpdate: new read key at once; our reply goes under the old write key, later records the new', () => {
    const engine = new ScriptedSession('client', [
      (s) => s.output('initial', '01000000'),
      (s) => {
        s.secret('handshake', 'read', 2);
        s.secret('handshake', 'write', 1);
      },
      (s) => {
        s.secret('oneRtt', 'read', 4);
        s.secret('oneRtt', 'write', 3);
        s.output('handshake', '14000000');
        s.emit({ kind: 'handshakeCompleted' });
      },
      (s) => {
        // KeyUpdate(update_requested) from the server
        s.secret('oneRtt', 'read', 6);
        s.output('oneRtt', '1800000100');
        s.secret('oneRtt', 'write', 5);
      },
    ]);
    const conn = new TlsRecordConnection(engine, { provider: nobleProvider, middleboxCompat: false });
    conn.start();
    expect(toHex(conn.pollTransmit()!)).toBe('160301000401000000');
    conn.receive(fromHex('160303000402000000'));
    const serverFlight = protection(2);
    conn.receive(serverFlight.seal(ContentType.handshake, fromHex('14000000')));
    expect(open(protection(1), records(conn.pollTransmit()!)[0]![1])).toBe('22:14000000');
    const serverApp = protection(4);
    conn.receive(serverApp.seal(ContentType.handshake, fromHex('1800000101')));
    const reply = records(conn.pollTransmit()!);
    const clientApp = protection(3);
    expect(open(clientApp, reply[0]![1])).toBe('22:1800000100');
    // Server's next records come under read key 6; ours under write key 5.
    conn.receive(protection(6).seal(ContentType.application_data, fromHex('01')));
    conn.send(fromHex('02'));
    expect(open(protection(5), records(conn.pollTransmit()!)[0]![1])).toBe('23:02');
  });

  it('an engine alert is sent under the keys the peer reads, then rethrown; the connection stays dead', () => {
    const engine = new ScriptedSession('client', [
      (s) => s.output('initial', '01000000'),
      (s) => {
        s.secret('handshake', 'read', 2);
        s.secret('handshake', 'write', 1);
      },
      () => {
        throw new TlsAlert('bad_certificate', 'scripted');
      },
    ]);
    const conn = new TlsRecordConnection(engine, { provider: nobleProvider, middleboxCompat: false });
    conn.start();
    conn.pollTransmit();
    conn.receive(fromHex('160303000402000000'));
    expect(() => conn.receive(protection(2).seal(ContentType.handshake, fromHex('0b000000')))).toThrow(/bad_certificate/);
    expect(open(protection(1), records(conn.pollTransmit()!)[0]![1])).toBe('21:022a');
    expect(conn.failure?.description).toBe('bad_certificate');
    expect(() => conn.receive(new Uint8Array(0))).toThrow(/bad_certificate/);
    expect(() => conn.send(new Uint8Array(1))).toThrow(/bad_certificate/);
  });

  it('a non-alert exception from the engine becomes internal_error', () => {
    const engine = new ScriptedSession('server', [
      () => {
        throw new Error('boom');
      },
    ]);
    const conn = new TlsRecordConnection(engine, { provider: nobleProvider });
    expect(() => conn.receive(fromHex('160303000401000000'))).toThrow(/internal_error: boom/);
    expect(toHex(conn.pollTransmit()!)).toBe('15030300020250'); // plaintext: no keys yet
  });
});
