/**
 * Packet assembly: one datagram per call, with an Initial, a Handshake and a 1-RTT packet coalesced when each
 * space has something to send (RFC 9000 §12.2).
 *
 * A datagram is built in two passes. First each space's packet is planned: which frames, in which order, and their
 * exact encoded size, taking what the streams, the CRYPTO buffers and the control queues hand out. Then, once the
 * datagram's size is known (and padding added where RFC 9000 §14.1 requires it: every client datagram carrying an
 * Initial, and every server datagram carrying an ack-eliciting Initial, reaches 1200 bytes), the packets are
 * written and protected in place, and recorded with loss detection.
 *
 * Limits honoured: the path's maximum datagram size (ours, capped by the peer's max_udp_payload_size), the 3x
 * anti-amplification limit of an unvalidated server (RFC 9000 §8.1), the congestion window (ACK-only packets and
 * probes are exempt, RFC 9002 §7), and pacing (a release time stamped on the datagram, RFC 9002 §7.7).
 *
 * @module
 */
import { Writer, utf8 } from '@qk/octets';
import { protectPacket } from '../crypto/index.js';
import { TransportErrorCode } from '../errors.js';
import type { PacketNumberSpace } from '../recovery/index.js';
import {
  MIN_INITIAL_DATAGRAM_SIZE,
  encodeFrame,
  encodeLongHeader,
  encodePacketNumber,
  encodeShortHeader,
  packetNumberLength,
  patchLongHeaderLength,
  sizeOfFrame,
  sizeOfLongHeader,
  streamFrameOverhead,
  cryptoFrameOverhead,
} from '../wire/index.js';
import type { ConnectionCloseFrame, Frame, StreamFrame } from '../wire/index.js';
import { MIN_AMPLIFICATION_BUDGET } from './core.js';
import type { ConnectionCore } from './core.js';
import type { PacketSpace, SentItem } from './space.js';
import type { Transmit } from './types.js';

/** The AEAD tag every QUIC packet ends with (RFC 9001 §5.3). */
const TAG_LENGTH = 16;
/** The packet number and payload together span at least 4 bytes, for the header protection sample (RFC 9001 §5.4.2). */
const MIN_PN_AND_PAYLOAD = 4;
/** Below this many bytes of room a packet is not worth starting. */
const MIN_PAYLOAD_ROOM = 3;
/** The longest reason phrase put in a CONNECTION_CLOSE frame. */
const MAX_REASON_LENGTH = 256;
const EMPTY = new Uint8Array(0);
const SPACES: readonly PacketNumberSpace[] = ['initial', 'handshake', 'application'];

/** One packet of a datagram being assembled. */
interface PacketPlan {
  readonly sp: PacketSpace;
  readonly packetNumber: number;
  readonly truncated: number;
  readonly pnLength: 1 | 2 | 3 | 4;
  readonly dcid: Uint8Array;
  readonly scid: Uint8Array;
  readonly headerSize: number;
  readonly frames: Frame[];
  readonly items: SentItem[];
  payloadSize: number;
  ackEliciting: boolean;
  padded: boolean;
  /** The ACK frame in the packet, if any (its tracker is told once the packet is committed). */
  hasAck: boolean;
}

/** Header size, packet number and frames so far, plus the tag: the packet's size on the wire. */
function packetSize(p: PacketPlan): number {
  return p.headerSize + p.payloadSize + TAG_LENGTH;
}

/** Room left in the plan's payload when the whole packet may take `room` bytes. */
function left(p: PacketPlan, room: number): number {
  return room - packetSize(p);
}

function addFrame(p: PacketPlan, frame: Frame, size: number, item?: SentItem): void {
  p.frames.push(frame);
  p.payloadSize += size;
  if (item !== undefined) p.items.push(item);
  if (frame.kind !== 'ack' && frame.kind !== 'padding' && frame.kind !== 'connectionClose') p.ackEliciting = true;
}

function addPadding(p: PacketPlan, bytes: number): void {
  if (bytes <= 0) return;
  p.frames.push({ kind: 'padding', length: bytes });
  p.payloadSize += bytes;
  p.padded = true;
}

/** Starts a packet in `sp`, or `undefined` when `room` cannot hold a useful one. */
function startPacket(c: ConnectionCore, sp: PacketSpace, room: number): PacketPlan | undefined {
  if (sp.name === 'application' && sp.nextPacketNumber >= c.nextSkippedPacketNumber) {
    // Skip a packet number now and then: an ACK of it proves the peer acknowledges what it never got (RFC 9000 §21.4).
    const skipped = sp.takePacketNumber();
    c.recovery.skipPacketNumber('application', skipped);
    c.scheduleNextSkip(skipped);
  }
  const packetNumber = sp.nextPacketNumber;
  const pnLength = packetNumberLength(packetNumber, c.recovery.largestAcked(sp.name));
  const { truncated } = encodePacketNumber(packetNumber, c.recovery.largestAcked(sp.name));
  const dcid = c.peerCids.current;
  const scid = c.localCids.current;
  const headerSize =
    sp.name === 'application'
      ? 1 + dcid.length + pnLength
      : sizeOfLongHeader({ packetType: sp.name, version: c.version, dcid, scid, packetNumber: truncated, packetNumberLength: pnLength });
  if (room - headerSize - TAG_LENGTH < MIN_PAYLOAD_ROOM) return undefined;
  return {
    sp,
    packetNumber,
    truncated,
    pnLength,
    dcid,
    scid,
    headerSize,
    frames: [],
    items: [],
    payloadSize: 0,
    ackEliciting: false,
    padded: false,
    hasAck: false,
  };
}

/** Adds CRYPTO frames from the space's handshake byte stream while they fit. */
function fillCrypto(p: PacketPlan, room: number): void {
  const buf = p.sp.cryptoSend;
  for (;;) {
    const space = left(p, room);
    const overhead = cryptoFrameOverhead(buf.writtenBytes, Math.max(space, 0));
    const chunk = buf.nextChunk(space - overhead);
    if (chunk === undefined || chunk.data.length === 0) return;
    const size = cryptoFrameOverhead(chunk.offset, chunk.data.length) + chunk.data.length;
    addFrame(p, { kind: 'crypto', offset: chunk.offset, data: chunk.data }, size, {
      kind: 'crypto',
      offset: chunk.offset,
      length: chunk.data.length,
    });
    buf.onSent(chunk.offset, chunk.data.length, false);
  }
}

/** Adds STREAM frames, streams in priority order, while they fit. */
function fillStreams(c: ConnectionCore, p: PacketPlan, room: number): void {
  const streams = c.streams;
  for (;;) {
    const space = left(p, room);
    if (space < 3) return;
    const id = streams.nextSendable();
    if (id === undefined) return;
    const s = streams.sendStreamOf(id);
    if (s === undefined) return;
    const overhead = streamFrameOverhead(id, s.buffer.writtenBytes, space);
    if (overhead > space) return;
    const chunk = s.buffer.nextChunk(space - overhead);
    if (chunk === undefined) return;
    const frame: StreamFrame = { kind: 'stream', streamId: id, offset: chunk.offset, data: chunk.data, fin: chunk.fin };
    addFrame(p, frame, streamFrameOverhead(id, chunk.offset, chunk.data.length) + chunk.data.length, {
      kind: 'stream',
      streamId: id,
      offset: chunk.offset,
      length: chunk.data.length,
      fin: chunk.fin,
    });
    streams.onStreamDataSent(id, chunk.offset, chunk.data.length, chunk.fin);
  }
}

/** Adds the 1-RTT control frames: HANDSHAKE_DONE, PATH_RESPONSE, stream control, connection IDs. */
function fillControl(c: ConnectionCore, p: PacketPlan, room: number, now: number): void {
  if (c.handshakeDonePending) {
    addFrame(p, { kind: 'handshakeDone' }, 1, { kind: 'handshakeDone' });
    c.handshakeDonePending = false;
  }
  while (c.pathResponses.length > 0 && left(p, room) >= 9) {
    addFrame(p, { kind: 'pathResponse', data: c.pathResponses.shift()! }, 9);
  }
  if (c.streams.hasControlFrames()) {
    for (const f of c.streams.controlFrames(now, c.recovery.rtt.smoothedRtt)) c.pendingControl.push(f);
  }
  if (c.pendingControl.length > 0) {
    const rest: typeof c.pendingControl = [];
    for (const f of c.pendingControl) {
      const size = sizeOfFrame(f);
      if (size <= left(p, room)) addFrame(p, f, size, { kind: 'control', frame: f });
      else rest.push(f);
    }
    c.pendingControl = rest;
  }
  const local = c.localCids;
  while (local.pending.length > 0) {
    const seq = local.pending[0]!;
    const id = local.get(seq);
    if (id === undefined) {
      local.pending.shift();
      continue;
    }
    const frame: Frame = {
      kind: 'newConnectionId',
      sequenceNumber: seq,
      retirePriorTo: 0,
      connectionId: id.connectionId,
      statelessResetToken: id.statelessResetToken,
    };
    const size = sizeOfFrame(frame);
    if (size > left(p, room)) break;
    local.pending.shift();
    addFrame(p, frame, size, { kind: 'newConnectionId', sequenceNumber: seq });
  }
  const peer = c.peerCids;
  while (peer.pendingRetire.length > 0) {
    const seq = peer.pendingRetire[0]!;
    const frame: Frame = { kind: 'retireConnectionId', sequenceNumber: seq };
    const size = sizeOfFrame(frame);
    if (size > left(p, room)) break;
    peer.takeRetire();
    addFrame(p, frame, size, { kind: 'retireConnectionId', sequenceNumber: seq });
  }
}

/** Adds queued DATAGRAM frames while they fit (RFC 9221 §5: never fragmented, not retransmitted). */
function fillDatagrams(c: ConnectionCore, p: PacketPlan, room: number): void {
  const q = c.dgramSend;
  while (q.length > 0) {
    const frame: Frame = { kind: 'datagram', data: q[0]! };
    const size = sizeOfFrame(frame);
    if (size > left(p, room)) return;
    q.shift();
    addFrame(p, frame, size);
    c.counters.dgramsSent++;
  }
}

/**
 * Plans the packet of `sp` within `room` bytes, or returns `undefined` when it has nothing worth sending: an ACK
 * that is not yet due rides only along with other frames.
 */
function planPacket(c: ConnectionCore, sp: PacketSpace, room: number, canSendData: boolean, now: number): PacketPlan | undefined {
  const p = startPacket(c, sp, room);
  if (p === undefined) return undefined;
  const tracker = sp.ackTracker;
  const deadline = tracker.ackDeadline();
  const ackDue = deadline !== undefined && deadline <= now;
  if (tracker.ackPending() && (ackDue || canSendData)) {
    const content = tracker.buildAck(now, c.config.ackDelayExponent);
    if (content !== undefined) {
      const frame: Frame = { kind: 'ack', ...content };
      const size = sizeOfFrame(frame);
      if (size <= left(p, room)) {
        addFrame(p, frame, size, { kind: 'ack', largestAcked: content.ranges[0]!.largest });
        p.hasAck = true;
      }
    }
  }
  if (canSendData) {
    if (sp.name === 'application') fillControl(c, p, room, now);
    fillCrypto(p, room);
    if (sp.name === 'application') {
      fillDatagrams(c, p, room);
      fillStreams(c, p, room);
    }
    if (sp.probes > 0 && !p.ackEliciting && left(p, room) >= 1) addFrame(p, { kind: 'ping' }, 1);
  }
  if (!p.ackEliciting && !(p.hasAck && ackDue)) return undefined;
  return p;
}

/** Writes and protects the planned packets into one datagram of `size` bytes; returns it. */
function writeDatagram(c: ConnectionCore, plans: readonly PacketPlan[], size: number): Uint8Array {
  const buf = new Uint8Array(size);
  const w = Writer.into(buf);
  for (const p of plans) {
    const sp = p.sp;
    const keys = sp.sealKeys!;
    const start = w.length;
    let pnOffset: number;
    let layout: ReturnType<typeof encodeLongHeader> | undefined;
    if (sp.name === 'application') {
      pnOffset = encodeShortHeader(w, { dcid: p.dcid, packetNumber: p.truncated, packetNumberLength: p.pnLength, keyPhase: false });
    } else {
      layout = encodeLongHeader(w, {
        packetType: sp.name,
        version: c.version,
        dcid: p.dcid,
        scid: p.scid,
        packetNumber: p.truncated,
        packetNumberLength: p.pnLength,
      });
      pnOffset = layout.pnOffset;
    }
    const payloadStart = w.length;
    for (const f of p.frames) encodeFrame(w, f);
    const payloadEnd = w.length;
    w.reserve(TAG_LENGTH);
    if (layout !== undefined) patchLongHeaderLength(w, layout, payloadEnd + TAG_LENGTH);
    protectPacket(keys, buf, start, pnOffset, p.packetNumber, buf.subarray(payloadStart, payloadEnd));
    sp.nextPacketNumber = p.packetNumber + 1;
  }
  return buf.subarray(0, w.length);
}

/** Pads the last packet so the datagram reaches `target` bytes, and every packet the header protection minimum. */
function finishPadding(plans: readonly PacketPlan[], target: number): number {
  let total = 0;
  for (const p of plans) {
    const short = MIN_PN_AND_PAYLOAD - (p.pnLength + p.payloadSize);
    if (short > 0) addPadding(p, short);
    total += packetSize(p);
  }
  if (total < target) {
    const last = plans[plans.length - 1]!;
    addPadding(last, target - total);
    total = target;
  }
  return total;
}

/**
 * The next datagram to send, or `undefined` when there is nothing to send now (or the limits forbid it).
 *
 * @param now the current time in ms
 */
export function buildTransmit(c: ConnectionCore, now: number): Transmit | undefined {
  if (c.state === 'draining' || c.state === 'closed') return undefined;
  let limit = c.maxDatagramSize();
  const budget = c.amplificationBudget();
  if (budget < limit) {
    if (budget < MIN_AMPLIFICATION_BUDGET) return undefined;
    limit = Math.floor(budget);
  }
  if (c.state === 'closing') return buildClose(c, limit);

  const probing = c.spaces.initial.probes > 0 || c.spaces.handshake.probes > 0 || c.spaces.application.probes > 0;
  const cwndOk = c.recovery.bytesInFlight + limit <= c.recovery.congestionWindow();
  const canSendData = probing || cwndOk || c.sendOneAllowance;
  const plans: PacketPlan[] = [];
  let used = 0;
  for (const name of SPACES) {
    const sp = c.spaces[name];
    if (!sp.canSend()) continue;
    if (name === 'application' && !c.handshakeComplete) continue;
    const p = planPacket(c, sp, limit - used, canSendData, now);
    if (p === undefined) continue;
    plans.push(p);
    used += packetSize(p);
  }
  if (plans.length === 0) {
    if (cwndOk) c.recovery.onApplicationLimited();
    return undefined;
  }
  const needsPadding = plans.some((p) => p.sp.name === 'initial' && (c.role === 'client' || p.ackEliciting));
  const total = finishPadding(plans, needsPadding ? Math.min(MIN_INITIAL_DATAGRAM_SIZE, limit) : 0);

  const ackEliciting = plans.some((p) => p.ackEliciting);
  const inFlight = ackEliciting || plans.some((p) => p.padded);
  let release = now;
  if (c.config.enablePacing && inFlight) {
    const rate = c.recovery.pacingRate();
    if (!probing && ackEliciting) release = c.pacer.nextReleaseTime(now, total, rate);
    c.pacer.onSent(release, total, rate);
  }
  const timeSent = Math.max(release, c.lastSendTime);
  c.lastSendTime = timeSent;

  const data = writeDatagram(c, plans, total);
  let sentHandshake = false;
  for (const p of plans) {
    const sp = p.sp;
    if (p.hasAck) sp.ackTracker.onAckSent();
    if (p.ackEliciting && sp.probes > 0) sp.probes--;
    if (sp.name === 'handshake') sentHandshake = true;
    c.recovery.onPacketSent(sp.name, {
      packetNumber: p.packetNumber,
      timeSent,
      size: packetSize(p),
      ackEliciting: p.ackEliciting,
      inFlight: p.ackEliciting || p.padded,
      payload: p.items,
    });
  }
  c.counters.packetsSent += plans.length;
  c.counters.bytesSent += data.length;
  c.counters.datagramsSent++;
  if (ackEliciting) c.sendOneAllowance = false;
  if (ackEliciting && !c.ackElicitingSinceReceive) {
    c.ackElicitingSinceReceive = true;
    c.restartIdleTimer(now);
  }
  // A client discards its Initial keys when it first sends a Handshake packet (RFC 9001 §4.9.1).
  if (sentHandshake && c.role === 'client') c.discardSpace('initial', now);
  c.updateAmplificationLimit(now);
  return release > now ? { data, path: c.path, releaseTime: release } : { data, path: c.path };
}

/** The CONNECTION_CLOSE frame for a packet of `space` (RFC 9000 §10.2.3 hides application errors before 1-RTT). */
function closeFrame(c: ConnectionCore, space: PacketNumberSpace): ConnectionCloseFrame {
  const e = c.closeError!;
  let reason = utf8(e.reason);
  if (reason.length > MAX_REASON_LENGTH) reason = reason.subarray(0, MAX_REASON_LENGTH);
  if (!e.application) {
    return { kind: 'connectionClose', errorSpace: 'transport', errorCode: e.errorCode, frameType: e.frameType, reasonPhrase: reason };
  }
  if (space === 'application') return { kind: 'connectionClose', errorSpace: 'application', errorCode: e.errorCode, reasonPhrase: reason };
  return {
    kind: 'connectionClose',
    errorSpace: 'transport',
    errorCode: TransportErrorCode.APPLICATION_ERROR,
    frameType: 0,
    reasonPhrase: EMPTY,
  };
}

/** A datagram carrying CONNECTION_CLOSE in every space with keys, when one is due in the closing state. */
function buildClose(c: ConnectionCore, limit: number): Transmit | undefined {
  if (!c.closeDue) return undefined;
  c.closeDue = false;
  const plans: PacketPlan[] = [];
  let used = 0;
  for (const name of SPACES) {
    const sp = c.spaces[name];
    if (!sp.canSend()) continue;
    if (name === 'application' && !c.handshakeComplete && c.role === 'client') continue;
    const p = startPacket(c, sp, limit - used);
    if (p === undefined) continue;
    const frame = closeFrame(c, name);
    const size = sizeOfFrame(frame);
    if (size > left(p, limit - used)) continue;
    addFrame(p, frame, size);
    plans.push(p);
    used += packetSize(p);
  }
  if (plans.length === 0) return undefined;
  const needsPadding = c.role === 'client' && plans.some((p) => p.sp.name === 'initial');
  const total = finishPadding(plans, needsPadding ? Math.min(MIN_INITIAL_DATAGRAM_SIZE, limit) : 0);
  const data = writeDatagram(c, plans, total);
  c.counters.packetsSent += plans.length;
  c.counters.bytesSent += data.length;
  c.counters.datagramsSent++;
  return { data, path: c.path };
}
