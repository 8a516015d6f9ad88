/**
 * qlog data types shared by the QUIC events: packet headers, tokens, raw info and the QUIC frames, as
 * draft-ietf-quic-qlog-quic-events-01..03 Appendix A defines them for qlog 0.3, the version qvis loads.
 *
 * Field names are the schema's own (snake_case), so an event's data object serialises with `JSON.stringify` and no
 * translation step. Byte strings are lowercase hex ("hexstring"). Numbers that QUIC encodes as varints are plain
 * numbers here; like the wire codecs, values of 2^53 and above have already saturated.
 */

/** A hex-encoded byte string (qlog `hexstring`), lowercase. */
export type QlogHex = string;

/** Who did something, from the vantage point of the trace (qlog `Owner`). */
export type QlogOwner = 'local' | 'remote';

/**
 * Packet types by their qlog names (quic-events Appendix A.5). qk's own names map as: `zeroRtt` → `0RTT`,
 * `oneRtt` → `1RTT`, `versionNegotiation` → `version_negotiation`.
 */
export type QlogPacketType =
  | 'initial'
  | 'handshake'
  | '0RTT'
  | '1RTT'
  | 'retry'
  | 'version_negotiation'
  | 'stateless_reset'
  | 'unknown';

/** Packet number spaces by their qlog names (quic-events Appendix A.6). */
export type QlogPacketNumberSpace = 'initial' | 'handshake' | 'application_data';

/** Stream directions by their qlog names (quic-events §3.3.13). */
export type QlogStreamType = 'unidirectional' | 'bidirectional';

/** Sizes and contents of a packet, datagram or frame (main schema `RawInfo`). */
export interface QlogRawInfo {
  /** Total length in bytes, including headers (and, for a QUIC packet, the 16-byte AEAD tag). */
  readonly length?: number;
  /** Length of the payload in bytes, excluding headers and the AEAD tag. */
  readonly payload_length?: number;
  /** The raw bytes, hex encoded; usually omitted. */
  readonly data?: QlogHex;
}

/** An address-validation, resumption or stateless reset token (quic-events Appendix A.8). */
export interface QlogToken {
  /** What kind of token this is. */
  readonly type?: 'retry' | 'resumption' | 'stateless_reset';
  /** Byte length of the token. */
  readonly length?: number;
  /** The token bytes, hex encoded. */
  readonly data?: QlogHex;
  /** Decoded fields of the token (implementation specific). */
  readonly details?: Readonly<Record<string, unknown>>;
}

/** A QUIC packet header as qlog logs it (quic-events Appendix A.7). */
export interface QlogPacketHeader {
  readonly packet_type: QlogPacketType;
  /** The full (decoded) packet number. Absent for Retry, Version Negotiation and stateless resets. */
  readonly packet_number?: number;
  /** The first byte's flag bits (spin, key phase, packet number length), unprotected. */
  readonly flags?: number;
  /** The Initial's token. */
  readonly token?: QlogToken;
  /** The long header's Length field: packet number plus payload. */
  readonly length?: number;
  /** The version, as 8 hex digits (`00000001`). */
  readonly version?: QlogHex;
  /** Source connection ID length. */
  readonly scil?: number;
  /** Destination connection ID length. */
  readonly dcil?: number;
  /** Source connection ID. */
  readonly scid?: QlogHex;
  /** Destination connection ID. */
  readonly dcid?: QlogHex;
}

/**
 * A QUIC transport error by its qlog name (quic-events Appendix A.10.22, the RFC 9000 §20.1 names lowercased):
 * `no_error`, `flow_control_error`, ..., or `crypto_error_0x1NN` for a TLS alert (Appendix A.10.24).
 */
export type QlogTransportError = string;

/** A PADDING frame run: one entry for the whole run (Appendix A.10.1). */
export interface QlogPaddingFrame {
  readonly frame_type: 'padding';
  /** Total bytes of the run, frame header included. */
  readonly length?: number;
  /** Number of PADDING bytes in the run. */
  readonly payload_length: number;
}

/** A PING frame (Appendix A.10.2). */
export interface QlogPingFrame {
  readonly frame_type: 'ping';
  readonly length?: number;
  readonly payload_length?: number;
}

/**
 * An acknowledged range: `[n]` for a single packet, `[smallest, largest]` otherwise (Appendix A.10.3).
 */
export type QlogAckRange = readonly [number] | readonly [number, number];

/** An ACK or ACK_ECN frame (Appendix A.10.3). */
export interface QlogAckFrame {
  readonly frame_type: 'ack';
  /** ACK Delay in milliseconds, decoded with the sender's ack_delay_exponent. */
  readonly ack_delay?: number;
  /** Acknowledged ranges, in the order of the frame (largest first). */
  readonly acked_ranges?: readonly QlogAckRange[];
  /** ECT(1) count (ACK_ECN only). */
  readonly ect1?: number;
  /** ECT(0) count (ACK_ECN only). */
  readonly ect0?: number;
  /** ECN-CE count (ACK_ECN only). */
  readonly ce?: number;
  readonly length?: number;
  readonly payload_length?: number;
}

/** A RESET_STREAM frame (Appendix A.10.4). */
export interface QlogResetStreamFrame {
  readonly frame_type: 'reset_stream';
  readonly stream_id: number;
  /** The application protocol error code. */
  readonly error_code: number | string;
  /** Final size in bytes. */
  readonly final_size: number;
  readonly length?: number;
  readonly payload_length?: number;
}

/** A STOP_SENDING frame (Appendix A.10.5). */
export interface QlogStopSendingFrame {
  readonly frame_type: 'stop_sending';
  readonly stream_id: number;
  readonly error_code: number | string;
  readonly length?: number;
  readonly payload_length?: number;
}

/** A CRYPTO frame (Appendix A.10.6). */
export interface QlogCryptoFrame {
  readonly frame_type: 'crypto';
  readonly offset: number;
  /** Length of the crypto data. */
  readonly length: number;
  readonly payload_length?: number;
}

/** A NEW_TOKEN frame (Appendix A.10.7). */
export interface QlogNewTokenFrame {
  readonly frame_type: 'new_token';
  readonly token: QlogToken;
}

/** A STREAM frame (Appendix A.10.8). */
export interface QlogStreamFrame {
  readonly frame_type: 'stream';
  readonly stream_id: number;
  /** Offset of the data; 0 when the frame had no Offset field. */
  readonly offset: number;
  /** Length of the data. */
  readonly length: number;
  /** Present (and true) only when the FIN bit is set. */
  readonly fin?: boolean;
  /** The data, hex encoded; usually omitted. */
  readonly raw?: QlogHex;
}

/** A MAX_DATA frame (Appendix A.10.9). */
export interface QlogMaxDataFrame {
  readonly frame_type: 'max_data';
  readonly maximum: number;
}

/** A MAX_STREAM_DATA frame (Appendix A.10.10). */
export interface QlogMaxStreamDataFrame {
  readonly frame_type: 'max_stream_data';
  readonly stream_id: number;
  readonly maximum: number;
}

/** A MAX_STREAMS frame (Appendix A.10.11). */
export interface QlogMaxStreamsFrame {
  readonly frame_type: 'max_streams';
  readonly stream_type: QlogStreamType;
  readonly maximum: number;
}

/** A DATA_BLOCKED frame (Appendix A.10.12). */
export interface QlogDataBlockedFrame {
  readonly frame_type: 'data_blocked';
  readonly limit: number;
}

/** A STREAM_DATA_BLOCKED frame (Appendix A.10.13). */
export interface QlogStreamDataBlockedFrame {
  readonly frame_type: 'stream_data_blocked';
  readonly stream_id: number;
  readonly limit: number;
}

/** A STREAMS_BLOCKED frame (Appendix A.10.14). */
export interface QlogStreamsBlockedFrame {
  readonly frame_type: 'streams_blocked';
  readonly stream_type: QlogStreamType;
  readonly limit: number;
}

/** A NEW_CONNECTION_ID frame (Appendix A.10.15). */
export interface QlogNewConnectionIdFrame {
  readonly frame_type: 'new_connection_id';
  readonly sequence_number: number;
  readonly retire_prior_to: number;
  readonly connection_id_length?: number;
  readonly connection_id: QlogHex;
  /** The 16-byte stateless reset token, hex encoded (as qvis and quiche's 0.3 logs carry it). */
  readonly stateless_reset_token?: QlogHex;
}

/** A RETIRE_CONNECTION_ID frame (Appendix A.10.16). */
export interface QlogRetireConnectionIdFrame {
  readonly frame_type: 'retire_connection_id';
  readonly sequence_number: number;
}

/** A PATH_CHALLENGE frame (Appendix A.10.17). */
export interface QlogPathChallengeFrame {
  readonly frame_type: 'path_challenge';
  /** The 8 bytes of challenge data. */
  readonly data?: QlogHex;
}

/** A PATH_RESPONSE frame (Appendix A.10.18). */
export interface QlogPathResponseFrame {
  readonly frame_type: 'path_response';
  readonly data?: QlogHex;
}

/** A CONNECTION_CLOSE frame of either type (Appendix A.10.19). */
export interface QlogConnectionCloseFrame {
  readonly frame_type: 'connection_close';
  readonly error_space?: 'transport' | 'application';
  /** A {@link QlogTransportError} name for the transport space, the numeric code otherwise. */
  readonly error_code?: QlogTransportError | number;
  /** The numeric error code as sent. */
  readonly raw_error_code?: number;
  /** The reason phrase (decoded as UTF-8 when it is valid UTF-8, else hex). */
  readonly reason?: string;
  /** The frame type that triggered a transport error, 0 when unknown. */
  readonly trigger_frame_type?: number | string;
}

/** A HANDSHAKE_DONE frame (Appendix A.10.20). */
export interface QlogHandshakeDoneFrame {
  readonly frame_type: 'handshake_done';
}

/** A DATAGRAM frame (RFC 9221; quic-events-03 `DatagramFrame`). */
export interface QlogDatagramFrame {
  readonly frame_type: 'datagram';
  /** Length of the datagram data. */
  readonly length?: number;
  /** The data, hex encoded; usually omitted. */
  readonly raw?: QlogHex;
}

/** A frame of a type the logger does not know (Appendix A.10.21). */
export interface QlogUnknownFrame {
  readonly frame_type: 'unknown';
  readonly raw_frame_type: number;
  readonly raw_length?: number;
  readonly raw?: QlogHex;
}

/** Any QUIC frame as qlog represents it, discriminated on `frame_type` (Appendix A.10). */
export type QlogFrame =
  | QlogPaddingFrame
  | QlogPingFrame
  | QlogAckFrame
  | QlogResetStreamFrame
  | QlogStopSendingFrame
  | QlogCryptoFrame
  | QlogNewTokenFrame
  | QlogStreamFrame
  | QlogMaxDataFrame
  | QlogMaxStreamDataFrame
  | QlogMaxStreamsFrame
  | QlogDataBlockedFrame
  | QlogStreamDataBlockedFrame
  | QlogStreamsBlockedFrame
  | QlogNewConnectionIdFrame
  | QlogRetireConnectionIdFrame
  | QlogPathChallengeFrame
  | QlogPathResponseFrame
  | QlogConnectionCloseFrame
  | QlogHandshakeDoneFrame
  | QlogDatagramFrame
  | QlogUnknownFrame;

/** The preferred_address transport parameter as qlog logs it (quic-events §3.3.3). */
export interface QlogPreferredAddress {
  /** Dotted-quad IPv4 address. */
  readonly ip_v4: string;
  /** IPv6 address, in full (eight groups of four hex digits). */
  readonly ip_v6: string;
  readonly port_v4: number;
  readonly port_v6: number;
  readonly connection_id: QlogHex;
  readonly stateless_reset_token: QlogHex;
}

/** Secret types by their qlog names (quic-events Appendix A.9). */
export type QlogKeyType =
  | 'server_initial_secret'
  | 'client_initial_secret'
  | 'server_handshake_secret'
  | 'client_handshake_secret'
  | 'server_0rtt_secret'
  | 'client_0rtt_secret'
  | 'server_1rtt_secret'
  | 'client_1rtt_secret';

/**
 * Stream states by their qlog names (quic-events §3.3.13): the simplified bidirectional states, the RFC 9000 §3
 * sending and receiving states, and qlog's `destroyed`.
 */
export type QlogStreamState =
  | 'idle'
  | 'open'
  | 'half_closed_local'
  | 'half_closed_remote'
  | 'closed'
  | 'ready'
  | 'send'
  | 'data_sent'
  | 'reset_sent'
  | 'reset_received'
  | 'receive'
  | 'size_known'
  | 'data_read'
  | 'reset_read'
  | 'data_received'
  | 'destroyed';

/** Connection states by their qlog names (quic-events §3.1.7, full and simple sets). */
export type QlogConnectionState =
  | 'attempted'
  | 'peer_validated'
  | 'handshake_started'
  | 'early_write'
  | 'handshake_complete'
  | 'handshake_confirmed'
  | 'closing'
  | 'draining'
  | 'closed';
