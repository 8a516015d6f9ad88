/**
 * One packet number space (RFC 9000 §12.3) as the connection keeps it: its packet protection keys, the next packet
 * number, what was received (for ACKs), the CRYPTO stream in both directions, and the probes it owes; plus the
 * record of what each sent packet carried, so an acknowledgment or a loss can be applied to the information rather
 * than the packet (RFC 9000 §13.3).
 *
 * @module
 */
import type { EncryptionLevel } from '@qk/tls13';
import type { PacketKeys } from '../crypto/index.js';
import { ReceivedPacketTracker } from '../recovery/index.js';
import type { PacketNumberSpace } from '../recovery/index.js';
import type { StreamControlFrame } from '../streams/manager.js';
import { RecvBuffer } from '../streams/recv-buffer.js';
import { SendBuffer } from '../streams/send-buffer.js';

/** One piece of information a sent packet carried, to be acknowledged or declared lost. */
export type SentItem =
  /** CRYPTO data of this packet's space. */
  | { readonly kind: 'crypto'; readonly offset: number; readonly length: number }
  /** STREAM data (and the FIN). */
  | { readonly kind: 'stream'; readonly streamId: number; readonly offset: number; readonly length: number; readonly fin: boolean }
  /** An ACK frame whose Largest Acknowledged was `largestAcked`. */
  | { readonly kind: 'ack'; readonly largestAcked: number }
  /** A flow-control or stream-state frame from the stream layer. */
  | { readonly kind: 'control'; readonly frame: StreamControlFrame }
  /** HANDSHAKE_DONE. */
  | { readonly kind: 'handshakeDone' }
  /** NEW_CONNECTION_ID for our connection ID `sequenceNumber`. */
  | { readonly kind: 'newConnectionId'; readonly sequenceNumber: number }
  /** RETIRE_CONNECTION_ID for the peer's connection ID `sequenceNumber`. */
  | { readonly kind: 'retireConnectionId'; readonly sequenceNumber: number };

/** The encryption level whose keys protect a space's packets (1-RTT for the application space). */
export function levelOfSpace(space: PacketNumberSpace): EncryptionLevel {
  return space === 'application' ? 'oneRtt' : space;
}

/** Options of a {@link PacketSpace}. */
export interface PacketSpaceOptions {
  readonly name: PacketNumberSpace;
  /** Our max_ack_delay (ms): how long an ACK of 1-RTT packets may wait. */
  readonly maxAckDelay: number;
  /** Fragments of out-of-order CRYPTO data held at most. */
  readonly maxCryptoFragments: number;
}

/** The state of one packet number space. */
export class PacketSpace {
  /** Which space. */
  readonly name: PacketNumberSpace;
  /** The TLS encryption level of its CRYPTO data. */
  readonly level: EncryptionLevel;
  /** Keys to protect packets we send; undefined until derived and after discard. */
  sealKeys: PacketKeys | undefined = undefined;
  /** Keys to open packets the peer sends; undefined until derived and after discard. */
  openKeys: PacketKeys | undefined = undefined;
  /** True once the keys were discarded (RFC 9001 §4.9): nothing is sent or received in this space again. */
  discarded = false;
  /** The next packet number to send. */
  nextPacketNumber = 0;
  /** Received packet numbers and the ACK schedule. */
  readonly ackTracker: ReceivedPacketTracker;
  /** CRYPTO data to send at this level. */
  readonly cryptoSend = new SendBuffer();
  /** CRYPTO data received at this level, reassembled for TLS. */
  readonly cryptoRecv: RecvBuffer;
  /** Ack-eliciting probe packets owed after a probe timeout (RFC 9002 §6.2.4). */
  probes = 0;
  /** Packets whose protection failed to open in this space (counted drops). */
  undecryptable = 0;

  constructor(options: PacketSpaceOptions) {
    this.name = options.name;
    this.level = levelOfSpace(options.name);
    this.ackTracker = new ReceivedPacketTracker({ space: options.name, maxAckDelay: options.maxAckDelay });
    this.cryptoRecv = new RecvBuffer(options.maxCryptoFragments);
  }

  /** True when packets can be sent in this space now. */
  canSend(): boolean {
    return this.sealKeys !== undefined && !this.discarded;
  }

  /** Takes the next packet number. */
  takePacketNumber(): number {
    return this.nextPacketNumber++;
  }

  /**
   * Requeues every CRYPTO byte sent and not yet acknowledged, for a probe (RFC 9002 §6.2.4: retransmit unacknowledged
   * CRYPTO data). Returns true when there was some.
   */
  requeueUnackedCrypto(): boolean {
    const sent = this.cryptoSend.sendOffset;
    if (sent === 0) return false;
    this.cryptoSend.onLost(0, sent, false);
    return this.cryptoSend.hasRetransmission();
  }

  /** Discards the keys and everything pending (RFC 9001 §4.9). */
  discard(): void {
    this.sealKeys = undefined;
    this.openKeys = undefined;
    this.discarded = true;
    this.probes = 0;
  }
}
