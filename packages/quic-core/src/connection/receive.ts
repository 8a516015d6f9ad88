/**
 * The receive path: split a datagram into its coalesced packets (RFC 9000 §12.2), drop what cannot be processed
 * (unparsable, another connection's or version's, no keys, undecryptable, duplicate: each counted), check the
 * reserved bits after decryption (RFC 9000 §17.2), and dispatch every frame to its handler after checking that
 * RFC 9000 Table 3 allows it in the packet type (the frame decoder does).
 *
 * Errors are thrown as `TransportError` / `TlsAlert` and caught by `Connection.handleDatagram`, the one catch
 * site.
 *
 * @module
 */
import { Reader, equal } from '@qk/octets';
import { unprotectPacket } from '../crypto/index.js';
import { TransportError } from '../errors.js';
import type { PacketNumberSpace } from '../recovery/index.js';
import { MIN_INITIAL_DATAGRAM_SIZE, decodeFrame, isAckEliciting, parsePacket, parseShortHeader } from '../wire/index.js';
import type { FramePacketType, LongHeaderPacket, ShortHeaderPacket } from '../wire/index.js';
import type { ConnectionCore } from './core.js';
import { assertNever } from './events.js';
import { onAckFrame } from './handlers/ack.js';
import { onNewConnectionIdFrame, onRetireConnectionIdFrame } from './handlers/cids.js';
import { onConnectionCloseFrame } from './handlers/close.js';
import { onCryptoFrame } from './handlers/crypto.js';
import { onDatagramFrame } from './handlers/datagrams.js';
import { onDataBlockedFrame, onMaxDataFrame, onMaxStreamsFrame, onStreamsBlockedFrame } from './handlers/flow.js';
import { onHandshakeDoneFrame, onNewTokenFrame, onPathChallengeFrame, onPathResponseFrame } from './handlers/misc.js';
import {
  onMaxStreamDataFrame,
  onResetStreamFrame,
  onStopSendingFrame,
  onStreamDataBlockedFrame,
  onStreamFrame,
} from './handlers/streams.js';
import type { Path } from './types.js';

/** Most ACK ranges kept from one ACK frame (the decoder reads and checks all of them). */
const MAX_ACK_RANGES = 64;
/** 1-RTT packets held while the handshake completes: at most this many, and this many bytes. */
const MAX_EARLY_PACKETS = 16;
const MAX_EARLY_BYTES = 65_536;

/**
 * Processes one received datagram.
 *
 * @throws TransportError / TlsAlert for a protocol violation (the caller closes the connection)
 */
export function receiveDatagram(c: ConnectionCore, data: Uint8Array, _path: Path, now: number): void {
  c.counters.datagramsReceived++;
  c.counters.bytesReceived += data.length;
  if (c.state === 'draining' || c.state === 'closed') return;
  if (c.state === 'closing') {
    // Answer packets with CONNECTION_CLOSE again, at 1, 2, 4, 8... datagrams (RFC 9000 §10.2.1 rate limiting).
    c.closeReceived++;
    if (c.closeReceived >= c.closeNextResponse) {
      c.closeDue = true;
      c.closeNextResponse *= 2;
    }
    return;
  }
  c.updateAmplificationLimit(now);
  let processed = false;
  let offset = 0;
  while (offset < data.length) {
    const p = parsePacket(data, offset, c.localCids.length);
    if (p.kind === 'drop') {
      c.counters.packetsDropped++;
      break;
    }
    if (p.kind === 'long') {
      if (receiveLong(c, data, p, now)) processed = true;
    } else if (p.kind === 'short') {
      if (receiveShort(c, data, p, now)) processed = true;
    } else {
      // Version Negotiation, Retry, or an unknown version: not handled by the connection yet.
      c.counters.packetsDropped++;
    }
    if (c.isClosing()) return;
    offset = p.end;
  }
  if (c.handshakeComplete && c.earlyOneRtt.length > 0) processEarlyOneRtt(c, now);
  if (!processed && c.peerCids.isStatelessReset(data)) {
    c.enterDraining(
      { cause: 'statelessReset', errorCode: 0, frameType: undefined, reason: 'stateless reset', application: false, fromPeer: true },
      now,
    );
  }
}

function drop(c: ConnectionCore): false {
  c.counters.packetsDropped++;
  return false;
}

function receiveLong(c: ConnectionCore, data: Uint8Array, p: LongHeaderPacket, now: number): boolean {
  if (p.version !== c.version) return drop(c);
  if (!c.localCids.has(p.dcid) && !(c.role === 'server' && equal(p.dcid, c.initialDcid))) return drop(c);
  if (p.packetType === 'zeroRtt') return drop(c); // 0-RTT is not implemented yet
  if (p.packetType === 'initial') {
    // Servers drop Initials in datagrams under 1200 bytes or to a DCID under 8 bytes (RFC 9000 §14.1, §7.2);
    // clients drop server Initials carrying a token (§17.2.2).
    if (c.role === 'server' && (data.length < MIN_INITIAL_DATAGRAM_SIZE || c.initialDcid.length < 8)) return drop(c);
    if (c.role === 'client' && p.token.length > 0) return drop(c);
  }
  const peerScid = c.peerInitialScid;
  if (peerScid !== undefined && !equal(p.scid, peerScid)) return drop(c);
  const space: PacketNumberSpace = p.packetType;
  const sp = c.spaces[space];
  const keys = sp.openKeys;
  if (keys === undefined) return drop(c);
  const u = unprotectPacket(keys, data, p.start, p.pnOffset, p.end, sp.ackTracker.largestReceived);
  if (u === undefined) {
    sp.undecryptable++;
    c.counters.packetsUndecryptable++;
    return drop(c);
  }
  if (u.reservedBits !== 0) throw new TransportError('PROTOCOL_VIOLATION', 'reserved header bits are set');
  if (sp.ackTracker.isDuplicate(u.packetNumber)) {
    c.counters.packetsDuplicate++;
    return drop(c);
  }
  if (peerScid === undefined) {
    // The client's first packet from the server: its Source Connection ID becomes our destination (RFC 9000 §7.2).
    const scid = p.scid.slice();
    c.peerInitialScid = scid;
    c.peerCids.replaceInitial(scid);
  }
  const ackEliciting = processFrames(c, space, p.packetType, u.payload, p.dcid, now);
  sp.ackTracker.onPacketReceived(u.packetNumber, now, ackEliciting);
  onPacketProcessed(c, now);
  if (space === 'handshake' && c.role === 'server') {
    // A Handshake packet proves the client's address (RFC 9000 §8.1) and ends the Initial keys (RFC 9001 §4.9.1).
    c.addressValidated = true;
    c.discardSpace('initial', now);
    c.updateAmplificationLimit(now);
  }
  return true;
}

/** Processes the 1-RTT packets held until the handshake completed. */
function processEarlyOneRtt(c: ConnectionCore, now: number): void {
  const held = c.earlyOneRtt;
  c.earlyOneRtt = [];
  c.earlyOneRttBytes = 0;
  for (const d of held) {
    const p = parseShortHeader(d, 0, c.localCids.length);
    if (p.kind === 'short') receiveShort(c, d, p, now);
    if (c.isClosing()) return;
  }
}

function receiveShort(c: ConnectionCore, data: Uint8Array, p: ShortHeaderPacket, now: number): boolean {
  if (!c.localCids.has(p.dcid)) return drop(c);
  const sp = c.spaces.application;
  const keys = sp.openKeys;
  if (keys === undefined || !c.handshakeComplete) {
    // 1-RTT packets are processed only once the handshake is complete (RFC 9001 §5.7): hold a few until then.
    const size = p.end - p.start;
    if (c.earlyOneRtt.length >= MAX_EARLY_PACKETS || c.earlyOneRttBytes + size > MAX_EARLY_BYTES) return drop(c);
    c.earlyOneRtt.push(data.slice(p.start, p.end));
    c.earlyOneRttBytes += size;
    return true;
  }
  const u = unprotectPacket(keys, data, p.start, p.pnOffset, p.end, sp.ackTracker.largestReceived);
  if (u === undefined) {
    sp.undecryptable++;
    c.counters.packetsUndecryptable++;
    return drop(c);
  }
  if (u.reservedBits !== 0) throw new TransportError('PROTOCOL_VIOLATION', 'reserved header bits are set');
  if (sp.ackTracker.isDuplicate(u.packetNumber)) {
    c.counters.packetsDuplicate++;
    return drop(c);
  }
  const ackEliciting = processFrames(c, 'application', 'oneRtt', u.payload, p.dcid, now);
  sp.ackTracker.onPacketReceived(u.packetNumber, now, ackEliciting);
  onPacketProcessed(c, now);
  return true;
}

/** Bookkeeping after any packet was processed: counters and the idle timer (RFC 9000 §10.1). */
function onPacketProcessed(c: ConnectionCore, now: number): void {
  c.counters.packetsReceived++;
  c.ackElicitingSinceReceive = false;
  c.restartIdleTimer(now);
}

/**
 * Decodes and handles every frame of a packet's payload; returns whether it was ack-eliciting.
 *
 * @throws TransportError PROTOCOL_VIOLATION for a packet without frames; what the decoder and handlers throw
 */
function processFrames(
  c: ConnectionCore,
  space: PacketNumberSpace,
  packetType: FramePacketType,
  payload: Uint8Array,
  dcid: Uint8Array,
  now: number,
): boolean {
  const r = new Reader(payload);
  if (r.isEmpty()) throw new TransportError('PROTOCOL_VIOLATION', 'a packet without frames');
  let ackEliciting = false;
  while (!r.isEmpty()) {
    const start = r.offset;
    const f = decodeFrame(r, packetType, MAX_ACK_RANGES);
    if (isAckEliciting(f)) ackEliciting = true;
    switch (f.kind) {
      case 'padding':
      case 'ping':
        break;
      case 'ack':
        onAckFrame(c, space, f, now);
        break;
      case 'crypto':
        onCryptoFrame(c, space, f, now);
        break;
      case 'stream':
        onStreamFrame(c, f);
        break;
      case 'resetStream':
        onResetStreamFrame(c, f);
        break;
      case 'stopSending':
        onStopSendingFrame(c, f);
        break;
      case 'maxStreamData':
        onMaxStreamDataFrame(c, f);
        break;
      case 'streamDataBlocked':
        onStreamDataBlockedFrame(c, f);
        break;
      case 'maxData':
        onMaxDataFrame(c, f);
        break;
      case 'dataBlocked':
        onDataBlockedFrame(c, f);
        break;
      case 'maxStreams':
        onMaxStreamsFrame(c, f);
        break;
      case 'streamsBlocked':
        onStreamsBlockedFrame(c, f);
        break;
      case 'newConnectionId':
        onNewConnectionIdFrame(c, f);
        break;
      case 'retireConnectionId':
        onRetireConnectionIdFrame(c, f, dcid);
        break;
      case 'newToken':
        onNewTokenFrame(c, f);
        break;
      case 'pathChallenge':
        onPathChallengeFrame(c, f);
        break;
      case 'pathResponse':
        onPathResponseFrame(c, f);
        break;
      case 'handshakeDone':
        onHandshakeDoneFrame(c, now);
        break;
      case 'datagram':
        onDatagramFrame(c, f, r.offset - start);
        break;
      case 'connectionClose':
        onConnectionCloseFrame(c, f, now);
        return ackEliciting;
      default:
        assertNever(f, 'frame');
    }
  }
  return ackEliciting;
}
