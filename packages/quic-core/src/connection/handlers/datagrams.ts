/**
 * DATAGRAM frames (RFC 9221): bounded receive queue; frames arrive only if we advertised max_datagram_frame_size.
 *
 * @module
 */
import { TransportError } from '../../errors.js';
import { FrameType } from '../../wire/index.js';
import type { DatagramFrame } from '../../wire/index.js';
import type { ConnectionCore } from '../core.js';

/**
 * DATAGRAM (RFC 9221 §4, §5): queue it for `readDatagram`, or drop it (counted) when the queue is full.
 *
 * @throws TransportError PROTOCOL_VIOLATION when we did not advertise support, or for a frame larger than we allow
 */
export function onDatagramFrame(c: ConnectionCore, f: DatagramFrame, frameSize: number): void {
  const cfg = c.config;
  if (!cfg.enableDgram) {
    throw new TransportError('PROTOCOL_VIOLATION', 'DATAGRAM frame without max_datagram_frame_size', {
      frameType: FrameType.DATAGRAM_WITH_LENGTH,
    });
  }
  if (frameSize > cfg.maxDatagramFrameSize) {
    throw new TransportError('PROTOCOL_VIOLATION', `DATAGRAM frame of ${frameSize} bytes exceeds ${cfg.maxDatagramFrameSize}`, {
      frameType: FrameType.DATAGRAM_WITH_LENGTH,
    });
  }
  c.counters.dgramsReceived++;
  if (c.dgramRecv.length >= cfg.dgramRecvMaxQueueLen) {
    c.counters.dgramsDroppedOnReceive++;
    return;
  }
  c.dgramRecv.push(f.data);
  if (c.dgramRecv.length === 1) c.emit({ kind: 'datagramReceived' });
}
