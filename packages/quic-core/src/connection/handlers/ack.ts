/**
 * ACK frames and loss recovery (RFC 9002): feed acknowledgments to loss detection, then apply what it returns to
 * the information the packets carried: acknowledged data is released, lost data is queued again (RFC 9000 §13.3:
 * "resend information, not packets"); and the loss detection timer's probes.
 *
 * @module
 */
import { TransportError } from '../../errors.js';
import { decodeAckDelay } from '../../recovery/index.js';
import type { PacketNumberSpace, SentPacket } from '../../recovery/index.js';
import { FrameType } from '../../wire/index.js';
import type { AckFrame } from '../../wire/index.js';
import type { ConnectionCore } from '../core.js';
import { assertNever } from '../events.js';
import type { SentItem } from '../space.js';

/**
 * An ACK frame arrived in `space`.
 *
 * @throws TransportError PROTOCOL_VIOLATION for an acknowledgment of a packet never sent or deliberately skipped
 */
export function onAckFrame(c: ConnectionCore, space: PacketNumberSpace, frame: AckFrame, now: number): void {
  const ackDelay = space === 'initial' ? 0 : decodeAckDelay(frame.ackDelay, c.peerAckDelayExponent);
  const outcome = c.recovery.onAckReceived(space, frame.ranges, ackDelay, now, frame.ecn);
  if (outcome.kind === 'protocolViolation') {
    throw new TransportError('PROTOCOL_VIOLATION', outcome.reason, {
      frameType: frame.ecn === undefined ? FrameType.ACK : FrameType.ACK_ECN,
    });
  }
  for (const p of outcome.acked) onPacketAcked(c, space, p);
  for (const p of outcome.spuriouslyLost) onPacketAcked(c, space, p);
  onPacketsLost(c, space, outcome.lost);
  c.checkRecoveryEntry();
  if (space === 'application' && outcome.acked.length > 0 && c.role === 'client' && c.handshakeComplete) {
    // A client MAY consider the handshake confirmed once a 1-RTT packet is acknowledged (RFC 9001 §4.1.2).
    c.confirmHandshake(now);
  }
}

/** Releases what an acknowledged packet carried. */
function onPacketAcked(c: ConnectionCore, space: PacketNumberSpace, p: SentPacket<SentItem[]>): void {
  const sp = c.spaces[space];
  for (const item of p.payload) {
    switch (item.kind) {
      case 'crypto':
        if (!sp.discarded) sp.cryptoSend.onAck(item.offset, item.length, false);
        break;
      case 'stream':
        c.streams.onStreamDataAcked(item.streamId, item.offset, item.length, item.fin);
        break;
      case 'ack':
        sp.ackTracker.onAckFrameAcked(item.largestAcked);
        break;
      case 'control':
        if (item.frame.kind === 'resetStream') c.streams.onResetAcked(item.frame.streamId);
        break;
      case 'handshakeDone':
      case 'newConnectionId':
        break;
      case 'retireConnectionId':
        c.peerCids.onRetireAcked(item.sequenceNumber);
        break;
      default:
        assertNever(item, 'sent item');
    }
  }
}

/** Queues again what lost packets carried (RFC 9000 §13.3). */
export function onPacketsLost(c: ConnectionCore, space: PacketNumberSpace, lost: readonly SentPacket<SentItem[]>[]): void {
  const sp = c.spaces[space];
  for (const p of lost) {
    for (const item of p.payload) {
      switch (item.kind) {
        case 'crypto':
          if (!sp.discarded) sp.cryptoSend.onLost(item.offset, item.length, false);
          break;
        case 'stream':
          c.streams.onStreamDataLost(item.streamId, item.offset, item.length, item.fin);
          break;
        case 'ack':
          break; // a fresh ACK is built from the tracker
        case 'control':
          c.streams.onControlLost(item.frame);
          break;
        case 'handshakeDone':
          if (!c.isClosing()) c.handshakeDonePending = true;
          break;
        case 'newConnectionId':
          c.localCids.onNewLost(item.sequenceNumber);
          break;
        case 'retireConnectionId':
          c.peerCids.onRetireLost(item.sequenceNumber);
          break;
        default:
          assertNever(item, 'sent item');
      }
    }
  }
}

/** The loss detection timer fired (RFC 9002 §6.1.2, §6.2): requeue lost data or owe probes. */
export function onLossDetectionTimeout(c: ConnectionCore, now: number): void {
  const r = c.recovery.onLossDetectionTimeout(now);
  switch (r.kind) {
    case 'none':
      return;
    case 'packetsLost':
      onPacketsLost(c, r.space, r.lost);
      c.checkRecoveryEntry();
      return;
    case 'ptoExpired': {
      owe(c, r.space, r.probePackets);
      for (const other of r.alsoProbe) owe(c, other, 1);
      return;
    }
    default:
      assertNever(r, 'loss detection outcome');
  }
}

/** Owes `n` probe packets in `space`, retransmitting its unacknowledged CRYPTO data (RFC 9002 §6.2.4). */
function owe(c: ConnectionCore, space: PacketNumberSpace, n: number): void {
  const sp = c.spaces[space];
  if (!sp.canSend()) {
    // No keys to probe with in that space (e.g. a client before Handshake keys): probe in Initial instead.
    if (space !== 'initial' && c.spaces.initial.canSend()) owe(c, 'initial', n);
    return;
  }
  sp.probes = Math.max(sp.probes, n);
  sp.requeueUnackedCrypto();
}
