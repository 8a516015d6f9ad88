/**
 * The frame type registry and RFC 9000 Table 3 (§12.4) as data, extended with the DATAGRAM frames of RFC 9221.
 *
 * Each row keeps the table's own notation, the "Pkts" letters (`IH01`: Initial, Handshake, 0-RTT, 1-RTT; `_` where a
 * frame is not allowed; `ih` for "only a CONNECTION_CLOSE frame of type 0x1c can appear in Initial or Handshake
 * packets") and the "Spec" letters (N: not ack-eliciting, C: not counted in bytes in flight for congestion control,
 * P: a probing frame, F: flow controlled), so that it can be checked against the RFC character by character; the
 * booleans every lookup uses are derived from the letters once, when the module loads.
 */
import type { FramePacketType } from '../packet-type.js';

/** QUIC frame types by their RFC names (RFC 9000 §19, §12.4 Table 3; RFC 9221 §4). */
export const FrameType = {
  PADDING: 0x00,
  PING: 0x01,
  ACK: 0x02,
  /** ACK with ECN counts (type 0x03). */
  ACK_ECN: 0x03,
  RESET_STREAM: 0x04,
  STOP_SENDING: 0x05,
  CRYPTO: 0x06,
  NEW_TOKEN: 0x07,
  /** The first of the eight STREAM types 0x08-0x0f; the low three bits are OFF, LEN and FIN. */
  STREAM: 0x08,
  MAX_DATA: 0x10,
  MAX_STREAM_DATA: 0x11,
  MAX_STREAMS_BIDI: 0x12,
  MAX_STREAMS_UNI: 0x13,
  DATA_BLOCKED: 0x14,
  STREAM_DATA_BLOCKED: 0x15,
  STREAMS_BLOCKED_BIDI: 0x16,
  STREAMS_BLOCKED_UNI: 0x17,
  NEW_CONNECTION_ID: 0x18,
  RETIRE_CONNECTION_ID: 0x19,
  PATH_CHALLENGE: 0x1a,
  PATH_RESPONSE: 0x1b,
  /** CONNECTION_CLOSE signalling a QUIC transport error (type 0x1c). */
  CONNECTION_CLOSE: 0x1c,
  /** CONNECTION_CLOSE signalling an application error (type 0x1d). */
  CONNECTION_CLOSE_APPLICATION: 0x1d,
  HANDSHAKE_DONE: 0x1e,
  /** DATAGRAM without a Length field: the data extends to the end of the packet (RFC 9221 §4). */
  DATAGRAM: 0x30,
  /** DATAGRAM with a Length field (RFC 9221 §4). */
  DATAGRAM_WITH_LENGTH: 0x31,
} as const;

/** The RFC name of a frame type. */
export type FrameTypeName = keyof typeof FrameType;

/** One row of Table 3, as printed, plus where the frame is defined. */
export interface FrameTypeRow {
  /** The frame's name in Table 3 (`STREAM` for all of 0x08-0x0f, `ACK` for 0x02 and 0x03, ...). */
  readonly name: string;
  /** Where the frame is defined, e.g. `RFC 9000 §19.3`. */
  readonly definition: string;
  /** The "Pkts" cell: `IH01`, `IH_1`, `__01`, `___1` or `ih01`. */
  readonly pkts: string;
  /** The "Spec" cell: some of `N`, `C`, `P`, `F`, or empty. */
  readonly spec: string;
}

/** Everything qk derives from a Table 3 row for one frame type. */
export interface FrameTypeInfo extends FrameTypeRow {
  /** The frame type value. */
  readonly type: number;
  /** Allowed in Initial packets (for 0x1d: no, the `ih` rule). */
  readonly initial: boolean;
  /** Allowed in Handshake packets (for 0x1d: no, the `ih` rule). */
  readonly handshake: boolean;
  /** Allowed in 0-RTT packets (Table 3, and RFC 9000 §12.5 for RETIRE_CONNECTION_ID). */
  readonly zeroRtt: boolean;
  /** Allowed in 1-RTT packets. */
  readonly oneRtt: boolean;
  /** Not N: a packet with this frame is ack-eliciting (RFC 9000 §13.2). */
  readonly ackEliciting: boolean;
  /** Not C: a packet with this frame counts toward bytes in flight (RFC 9002 §2). */
  readonly congestionControlled: boolean;
  /** P: may be sent on a path being probed (RFC 9000 §9.1). */
  readonly probing: boolean;
  /** F: its contents are flow controlled (RFC 9000 §4). */
  readonly flowControlled: boolean;
}

/** RFC 9000 Table 3 rows (and RFC 9221's two DATAGRAM types, which have no Spec markings and are 0-RTT/1-RTT only). */
const ROWS: ReadonlyArray<readonly [first: number, last: number, row: FrameTypeRow]> = [
  [0x00, 0x00, { name: 'PADDING', definition: 'RFC 9000 §19.1', pkts: 'IH01', spec: 'NP' }],
  [0x01, 0x01, { name: 'PING', definition: 'RFC 9000 §19.2', pkts: 'IH01', spec: '' }],
  [0x02, 0x03, { name: 'ACK', definition: 'RFC 9000 §19.3', pkts: 'IH_1', spec: 'NC' }],
  [0x04, 0x04, { name: 'RESET_STREAM', definition: 'RFC 9000 §19.4', pkts: '__01', spec: '' }],
  [0x05, 0x05, { name: 'STOP_SENDING', definition: 'RFC 9000 §19.5', pkts: '__01', spec: '' }],
  [0x06, 0x06, { name: 'CRYPTO', definition: 'RFC 9000 §19.6', pkts: 'IH_1', spec: '' }],
  [0x07, 0x07, { name: 'NEW_TOKEN', definition: 'RFC 9000 §19.7', pkts: '___1', spec: '' }],
  [0x08, 0x0f, { name: 'STREAM', definition: 'RFC 9000 §19.8', pkts: '__01', spec: 'F' }],
  [0x10, 0x10, { name: 'MAX_DATA', definition: 'RFC 9000 §19.9', pkts: '__01', spec: '' }],
  [0x11, 0x11, { name: 'MAX_STREAM_DATA', definition: 'RFC 9000 §19.10', pkts: '__01', spec: '' }],
  [0x12, 0x13, { name: 'MAX_STREAMS', definition: 'RFC 9000 §19.11', pkts: '__01', spec: '' }],
  [0x14, 0x14, { name: 'DATA_BLOCKED', definition: 'RFC 9000 §19.12', pkts: '__01', spec: '' }],
  [0x15, 0x15, { name: 'STREAM_DATA_BLOCKED', definition: 'RFC 9000 §19.13', pkts: '__01', spec: '' }],
  [0x16, 0x17, { name: 'STREAMS_BLOCKED', definition: 'RFC 9000 §19.14', pkts: '__01', spec: '' }],
  [0x18, 0x18, { name: 'NEW_CONNECTION_ID', definition: 'RFC 9000 §19.15', pkts: '__01', spec: 'P' }],
  [0x19, 0x19, { name: 'RETIRE_CONNECTION_ID', definition: 'RFC 9000 §19.16', pkts: '__01', spec: '' }],
  [0x1a, 0x1a, { name: 'PATH_CHALLENGE', definition: 'RFC 9000 §19.17', pkts: '__01', spec: 'P' }],
  [0x1b, 0x1b, { name: 'PATH_RESPONSE', definition: 'RFC 9000 §19.18', pkts: '___1', spec: 'P' }],
  [0x1c, 0x1d, { name: 'CONNECTION_CLOSE', definition: 'RFC 9000 §19.19', pkts: 'ih01', spec: 'N' }],
  [0x1e, 0x1e, { name: 'HANDSHAKE_DONE', definition: 'RFC 9000 §19.20', pkts: '___1', spec: '' }],
  [0x30, 0x31, { name: 'DATAGRAM', definition: 'RFC 9221 §4', pkts: '__01', spec: '' }],
];

/** One past the largest known frame type: the lookup table's size. */
const TABLE_SIZE = 0x32;

/**
 * RFC 9000 §12.5: "it is not possible to send the following frames in 0-RTT packets [...]: ACK, CRYPTO,
 * HANDSHAKE_DONE, NEW_TOKEN, PATH_RESPONSE, and RETIRE_CONNECTION_ID. A server MAY treat receipt of these frames in
 * 0-RTT packets as a connection error of type PROTOCOL_VIOLATION." Table 3 already excludes all but
 * RETIRE_CONNECTION_ID from 0-RTT; qk takes the MAY for that one too.
 */
const NOT_IN_ZERO_RTT = new Set<number>([0x02, 0x03, 0x06, 0x07, 0x19, 0x1b, 0x1e]);

function derive(type: number, row: FrameTypeRow): FrameTypeInfo {
  const [i, h, z, o] = row.pkts;
  // The `ih` legend: only type 0x1c may appear in Initial or Handshake packets.
  const lowerOk = (c: string | undefined, upper: string): boolean =>
    c === upper || (c === upper.toLowerCase() && type === FrameType.CONNECTION_CLOSE);
  return {
    ...row,
    type,
    initial: lowerOk(i, 'I'),
    handshake: lowerOk(h, 'H'),
    zeroRtt: z === '0' && !NOT_IN_ZERO_RTT.has(type),
    oneRtt: o === '1',
    ackEliciting: !row.spec.includes('N'),
    congestionControlled: !row.spec.includes('C'),
    probing: row.spec.includes('P'),
    flowControlled: row.spec.includes('F'),
  };
}

const TABLE: ReadonlyArray<FrameTypeInfo | undefined> = (() => {
  const table: Array<FrameTypeInfo | undefined> = new Array<FrameTypeInfo | undefined>(TABLE_SIZE).fill(undefined);
  for (const [first, last, row] of ROWS) for (let t = first; t <= last; t++) table[t] = derive(t, row);
  return table;
})();

/** Table 3 facts for frame `type`, or `undefined` for a type qk does not know (a FRAME_ENCODING_ERROR on receipt). */
export function frameTypeInfo(type: number): FrameTypeInfo | undefined {
  return type < TABLE_SIZE ? TABLE[type] : undefined;
}

/** Every known frame type with its Table 3 facts, in type order. */
export function knownFrameTypes(): readonly FrameTypeInfo[] {
  return TABLE.filter((info): info is FrameTypeInfo => info !== undefined);
}

/** True when Table 3 allows frame `type` in a packet of `packetType` (RFC 9000 §12.4; RFC 9221 §4). */
export function isFrameAllowedIn(type: number, packetType: FramePacketType): boolean {
  const info = frameTypeInfo(type);
  return info !== undefined && info[packetType];
}

/** The RFC name of frame `type` (`STREAM` for 0x08-0x0f), or `UNKNOWN_0x…`. */
export function frameTypeName(type: number): string {
  return frameTypeInfo(type)?.name ?? `UNKNOWN_0x${type.toString(16)}`;
}
