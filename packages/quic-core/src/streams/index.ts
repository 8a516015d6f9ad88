/** The stream layer: states, reassembly, send buffers, flow control, limits and scheduling (RFC 9000 §2-§4). */
export { StreamManager } from './manager.js';
export type { LocalStreamLimits, PeerStreamLimits, StreamControlFrame, StreamReadResult } from './manager.js';
export type { StreamEvent } from './events.js';
export { streamDirection, streamId, streamIndex, streamInitiator } from './stream-id.js';
export type { StreamDirection, StreamInitiator } from './stream-id.js';
export { RecvBuffer } from './recv-buffer.js';
export { SendBuffer } from './send-buffer.js';
export type { StreamChunk } from './send-buffer.js';
export { ReceiveWindow, SendCredit } from './flow-control.js';
export { DEFAULT_URGENCY, Scheduler } from './scheduler.js';
export { RangeSet } from './range-set.js';
