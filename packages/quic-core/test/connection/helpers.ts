/**
 * Helpers for driving connections by hand: a fixed clock, the simulator pair's configurations, opening Initial
 * packets with keys derived from their DCID, and listing the packets of a datagram.
 */
import { Reader, Writer } from '@qk/octets';
import { nobleProvider } from '@qk/tls13';
import { initialKeys, protectPacket, unprotectPacket } from '../../src/crypto/index.js';
import { Connection } from '../../src/connection/index.js';
import type { Path, Transmit } from '../../src/connection/index.js';
import { decodeFrame, encodeLongHeader, parsePacket, patchLongHeaderLength } from '../../src/wire/index.js';
import type { Frame, ParsedPacket } from '../../src/wire/index.js';
import { T0, clientAddress, makeClientConfig, makeServerConfig, serverAddress } from '../sim/pair.js';
import type { PairOptions } from '../sim/pair.js';

export const clientPath: Path = { local: clientAddress, remote: serverAddress };
export const serverPath: Path = { local: serverAddress, remote: clientAddress };

/** A client and a server config on a fixed clock. */
export function configs(seed = 1, options: PairOptions = {}) {
  const clock = (): number => T0;
  return { client: makeClientConfig(seed, clock, options), server: makeServerConfig(seed, clock, options) };
}

/** Every datagram `conn` has to send at `now`. */
export function drain(conn: Connection, now: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let t: Transmit | undefined; (t = conn.pollTransmit(now)) !== undefined; ) out.push(t.data.slice());
  return out;
}

/** The packets of a datagram, as parsed (headers only). */
export function packetsOf(datagram: Uint8Array, localCidLength = 8): ParsedPacket[] {
  const out: ParsedPacket[] = [];
  for (let at = 0; at < datagram.length; ) {
    const p = parsePacket(datagram, at, localCidLength);
    if (p.kind === 'drop') throw new Error(`unparsable packet at ${at}: ${p.reason}`);
    out.push(p);
    at = p.end;
  }
  return out;
}

/**
 * Opens the Initial packet at the start of `datagram`: a client's with the keys of its own DCID, a server's with
 * the keys of `originalDcid` (the DCID of the client's first Initial). Returns its number and frames.
 */
export function openInitial(datagram: Uint8Array, originalDcid?: Uint8Array): { packetNumber: number; frames: Frame[] } {
  const copy = datagram.slice();
  const p = parsePacket(copy, 0, 8);
  if (p.kind !== 'long' || p.packetType !== 'initial') throw new Error('not an Initial');
  const keys = initialKeys(nobleProvider, p.version, originalDcid ?? p.dcid);
  const u = unprotectPacket(originalDcid === undefined ? keys.client : keys.server, copy, p.start, p.pnOffset, p.end, -1);
  if (u === undefined) throw new Error('Initial does not open');
  const r = new Reader(u.payload);
  const frames: Frame[] = [];
  while (!r.isEmpty()) frames.push(decodeFrame(r, 'initial'));
  return { packetNumber: u.packetNumber, frames };
}

/**
 * Runs a client and a server by hand until nothing moves: every datagram is delivered at once and the clock
 * advances to the earliest timer when both are idle. `filter` may drop datagrams (return false).
 */
export function exchange(
  client: Connection,
  server: Connection,
  start: number,
  until: () => boolean,
  maxTime = start + 10_000,
  filter: (from: 'client' | 'server', d: Uint8Array) => boolean = () => true,
): number {
  let now = start;
  for (let guard = 0; guard < 100_000; guard++) {
    if (until()) return now;
    let moved = false;
    for (const d of drain(client, now)) {
      moved = true;
      if (filter('client', d)) server.handleDatagram(d, serverPath, now);
    }
    for (const d of drain(server, now)) {
      moved = true;
      if (filter('server', d)) client.handleDatagram(d, clientPath, now);
    }
    if (moved) continue;
    const next = Math.min(client.pollTimeout() ?? Infinity, server.pollTimeout() ?? Infinity);
    if (!Number.isFinite(next) || next > maxTime) return now;
    now = Math.max(now, next);
    client.handleTimeout(now);
    server.handleTimeout(now);
  }
  throw new Error('exchange did not settle');
}

/** An established client and server, driven by hand with zero delay. */
export function establish(seed = 1, options: PairOptions = {}): { client: Connection; server: Connection; now: number } {
  const cfg = configs(seed, options);
  const client = Connection.connect(cfg.client, clientPath, 0);
  const [first] = drain(client, 0);
  const server = Connection.accept(cfg.server, first!, serverPath, 0);
  const now = exchange(client, server, 0, () => client.isHandshakeConfirmed() && server.isHandshakeConfirmed());
  if (!client.isEstablished() || !server.isEstablished()) throw new Error('handshake did not complete');
  return { client, server, now };
}

/** Options of {@link craftInitial}. */
export interface CraftOptions {
  /** Set the reserved bits of the first byte (a PROTOCOL_VIOLATION once decrypted). */
  readonly reservedBits?: boolean;
  /** Pad the datagram (outside the packet) with zeros up to this size; default 1200. */
  readonly datagramSize?: number;
  readonly packetNumber?: number;
}

/** A client Initial packet protected with the keys of `dcid`, carrying `payload` as its frames. */
export function craftInitial(dcid: Uint8Array, scid: Uint8Array, payload: Uint8Array, options: CraftOptions = {}): Uint8Array {
  const keys = initialKeys(nobleProvider, 1, dcid).client;
  const pn = options.packetNumber ?? 0;
  const w = new Writer(1500);
  const layout = encodeLongHeader(w, { packetType: 'initial', version: 1, dcid, scid, packetNumber: pn, packetNumberLength: 4 });
  w.writeBytes(payload);
  const payloadEnd = w.length;
  w.reserve(16);
  patchLongHeaderLength(w, layout, payloadEnd + 16);
  const buf = w.finish().slice();
  if (options.reservedBits === true) buf[0]! |= 0x0c;
  const end = protectPacket(keys, buf, 0, layout.pnOffset, pn, buf.subarray(layout.payloadOffset, payloadEnd));
  const size = Math.max(end, options.datagramSize ?? 1200);
  const out = new Uint8Array(size);
  out.set(buf.subarray(0, end));
  return out;
}
