/**
 * The qlog QUIC events qk emits, with their data as draft-ietf-quic-qlog-quic-events-01..03 defines it for qlog 0.3
 * (the version qvis loads): names are `category:event`, data fields keep the schema's names.
 *
 * {@link QlogEventImportance} is the registry: every event name qk knows, with the importance level the schema gives
 * it. {@link QlogEventDataMap} ties each name to its data type, so `sink.event(t, 'transport:packet_sent', data)`
 * is checked at compile time.
 */
import type {
  QlogConnectionState,
  QlogFrame,
  QlogHex,
  QlogKeyType,
  QlogOwner,
  QlogPacketHeader,
  QlogPacketNumberSpace,
  QlogPreferredAddress,
  QlogRawInfo,
  QlogStreamState,
  QlogStreamType,
  QlogToken,
  QlogTransportError,
} from './schema.js';

/** Importance levels of the main schema: `core` events are always worth logging, `extra` ones rarely. */
export type QlogImportance = 'core' | 'base' | 'extra';

/**
 * Every event qk emits, by its qlog 0.3 name, with the schema's importance level. `connectivity:path_updated` is a
 * qk extension: quic-events-01..03 leave migration events as a TODO (§3.1.8) and suggest that name.
 */
export const QlogEventImportance = {
  'connectivity:connection_started': 'base',
  'connectivity:connection_closed': 'base',
  'connectivity:connection_id_updated': 'base',
  'connectivity:connection_state_updated': 'base',
  'connectivity:path_updated': 'base',
  'connectivity:mtu_updated': 'extra',
  'transport:version_information': 'core',
  'transport:alpn_information': 'core',
  'transport:parameters_set': 'core',
  'transport:packet_sent': 'core',
  'transport:packet_received': 'core',
  'transport:packet_dropped': 'base',
  'transport:packet_buffered': 'base',
  'transport:packets_acked': 'extra',
  'transport:datagrams_sent': 'extra',
  'transport:datagrams_received': 'extra',
  'transport:datagram_dropped': 'extra',
  'transport:stream_state_updated': 'base',
  'transport:frames_processed': 'extra',
  'security:key_updated': 'base',
  'security:key_discarded': 'base',
  'recovery:parameters_set': 'base',
  'recovery:metrics_updated': 'core',
  'recovery:congestion_state_updated': 'base',
  'recovery:loss_timer_updated': 'extra',
  'recovery:packet_lost': 'core',
  'recovery:marked_for_retransmit': 'extra',
} as const satisfies Record<string, QlogImportance>;

/** The name of an event qk emits, `category:event`. */
export type QlogEventName = keyof typeof QlogEventImportance;

/** An IP address: human-readable (`192.0.2.1`, `2001:db8::1`) or hex bytes (quic-events Appendix A.4). */
export type QlogIpAddress = string;

// ---------------------------------------------------------------------------------------------- connectivity

/** `connectivity:connection_started` (§3.1.2): a client attempts, or a server accepts, a connection. */
export interface QlogConnectionStarted {
  readonly ip_version?: 'v4' | 'v6';
  readonly src_ip: QlogIpAddress;
  readonly dst_ip: QlogIpAddress;
  /** Transport protocol, default `QUIC`. */
  readonly protocol?: string;
  readonly src_port?: number;
  readonly dst_port?: number;
  readonly src_cid?: QlogHex;
  readonly dst_cid?: QlogHex;
}

/** Why a connection closed (§3.1.3). */
export type QlogConnectionClosedTrigger =
  | 'clean'
  | 'handshake_timeout'
  | 'idle_timeout'
  | 'error'
  | 'stateless_reset'
  | 'version_mismatch'
  | 'application';

/** `connectivity:connection_closed` (§3.1.3). */
export interface QlogConnectionClosed {
  /** Which side closed the connection. */
  readonly owner?: QlogOwner;
  /** A transport error name, or the numeric code when it has none. */
  readonly connection_code?: QlogTransportError | number;
  /** The application error code. */
  readonly application_code?: string | number;
  /** An implementation-specific code. */
  readonly internal_code?: number;
  readonly reason?: string;
  readonly trigger?: QlogConnectionClosedTrigger;
}

/** `connectivity:connection_id_updated` (§3.1.4): `local` for our own ID, `remote` for the peer's. */
export interface QlogConnectionIdUpdated {
  readonly owner: QlogOwner;
  readonly old?: QlogHex;
  readonly new?: QlogHex;
}

/** `connectivity:connection_state_updated` (§3.1.7). */
export interface QlogConnectionStateUpdated {
  readonly old?: QlogConnectionState;
  readonly new: QlogConnectionState;
}

/** One end of a network path. */
export interface QlogPathEndpoint {
  readonly ip: QlogIpAddress;
  readonly port: number;
}

/** A network path: the four-tuple qk keys paths by. */
export interface QlogPath {
  readonly local?: QlogPathEndpoint;
  readonly remote: QlogPathEndpoint;
}

/**
 * `connectivity:path_updated` (qk extension; see {@link QlogEventImportance}): the active path changed or a path's
 * validation progressed.
 */
export interface QlogPathUpdated {
  /** The path before the change (for a switch of the active path). */
  readonly old?: QlogPath;
  /** The path concerned. */
  readonly new: QlogPath;
  /** Where the path stands: being validated, validated, failed validation, or now the active path. */
  readonly state?: 'validating' | 'validated' | 'failed' | 'active' | 'abandoned';
  /** What caused the change. */
  readonly trigger?: 'migration' | 'nat_rebinding' | 'preferred_address' | 'probe';
}

/** `connectivity:mtu_updated` (quic-events-03): the path MTU (maximum UDP payload) changed. */
export interface QlogMtuUpdated {
  readonly old?: number;
  readonly new: number;
  /** True when the search is complete and the value will not change until the next search. */
  readonly done?: boolean;
}

// ------------------------------------------------------------------------------------------------- transport

/** `transport:version_information` (§3.3.1). Versions are 8 hex digits. */
export interface QlogVersionInformation {
  readonly server_versions?: readonly QlogHex[];
  readonly client_versions?: readonly QlogHex[];
  readonly chosen_version?: QlogHex;
}

/** `transport:alpn_information` (§3.3.2). */
export interface QlogAlpnInformation {
  readonly server_alpns?: readonly string[];
  readonly client_alpns?: readonly string[];
  readonly chosen_alpn?: string;
}

/**
 * `transport:parameters_set` (§3.3.3): transport parameters and TLS settings of one side (`owner`). Time values are
 * milliseconds. The schema allows extra fields: qk adds `max_datagram_frame_size` (RFC 9221) and `grease_quic_bit`
 * (RFC 9287).
 */
export interface QlogParametersSet {
  readonly owner?: QlogOwner;
  readonly resumption_allowed?: boolean;
  readonly early_data_enabled?: boolean;
  /** The TLS cipher suite, e.g. `TLS_AES_128_GCM_SHA256`. */
  readonly tls_cipher?: string;
  readonly aead_tag_length?: number;
  readonly original_destination_connection_id?: QlogHex;
  readonly initial_source_connection_id?: QlogHex;
  readonly retry_source_connection_id?: QlogHex;
  readonly stateless_reset_token?: QlogHex;
  readonly disable_active_migration?: boolean;
  readonly max_idle_timeout?: number;
  readonly max_udp_payload_size?: number;
  readonly ack_delay_exponent?: number;
  readonly max_ack_delay?: number;
  readonly active_connection_id_limit?: number;
  readonly initial_max_data?: number;
  readonly initial_max_stream_data_bidi_local?: number;
  readonly initial_max_stream_data_bidi_remote?: number;
  readonly initial_max_stream_data_uni?: number;
  readonly initial_max_streams_bidi?: number;
  readonly initial_max_streams_uni?: number;
  readonly preferred_address?: QlogPreferredAddress;
  readonly max_datagram_frame_size?: number;
  readonly grease_quic_bit?: boolean;
}

/** Why a packet was sent (§3.3.5). */
export type QlogPacketSentTrigger =
  | 'retransmit_reordered'
  | 'retransmit_timeout'
  | 'pto_probe'
  | 'retransmit_crypto'
  | 'cc_bandwidth_probe';

/** Fields shared by `transport:packet_sent` and `transport:packet_received` (§3.3.5, §3.3.6). */
interface QlogPacketEventBase {
  readonly header: QlogPacketHeader;
  readonly frames?: readonly QlogFrame[];
  /** True when the packet shared its datagram with others. */
  readonly is_coalesced?: boolean;
  /** Only for a Retry packet. */
  readonly retry_token?: QlogToken;
  /** Only for a stateless reset: the 16-byte token. */
  readonly stateless_reset_token?: QlogHex;
  /** Only for Version Negotiation: 8-hex-digit versions. */
  readonly supported_versions?: readonly QlogHex[];
  readonly raw?: QlogRawInfo;
  /** Links coalesced packets to their datagram (see `transport:datagrams_sent`). */
  readonly datagram_id?: number;
}

/** `transport:packet_sent` (§3.3.5). */
export interface QlogPacketSent extends QlogPacketEventBase {
  readonly trigger?: QlogPacketSentTrigger;
}

/** `transport:packet_received` (§3.3.6). */
export interface QlogPacketReceived extends QlogPacketEventBase {
  /** Set when a buffered packet is processed now that its keys are available. */
  readonly trigger?: 'keys_available';
}

/** Why a packet was dropped (§3.3.7). */
export type QlogPacketDroppedTrigger =
  | 'key_unavailable'
  | 'unknown_connection_id'
  | 'header_parse_error'
  | 'payload_decrypt_error'
  | 'protocol_violation'
  | 'dos_prevention'
  | 'unsupported_version'
  | 'unexpected_packet'
  | 'unexpected_source_connection_id'
  | 'unexpected_version'
  | 'duplicate'
  | 'invalid_initial';

/** `transport:packet_dropped` (§3.3.7). */
export interface QlogPacketDropped {
  /** At least `packet_type` when it could be parsed. */
  readonly header?: QlogPacketHeader;
  readonly raw?: QlogRawInfo;
  readonly datagram_id?: number;
  readonly trigger?: QlogPacketDroppedTrigger;
}

/** `transport:packet_buffered` (§3.3.8): a packet kept until its keys arrive. */
export interface QlogPacketBuffered {
  readonly header?: QlogPacketHeader;
  readonly raw?: QlogRawInfo;
  readonly datagram_id?: number;
  readonly trigger?: 'backpressure' | 'keys_unavailable';
}

/** `transport:packets_acked` (§3.3.9): packets acknowledged for the first time. */
export interface QlogPacketsAcked {
  /** Absent means `application_data`. */
  readonly packet_number_space?: QlogPacketNumberSpace;
  readonly packet_numbers?: readonly number[];
}

/** `transport:datagrams_sent` and `transport:datagrams_received` (§3.3.10, §3.3.11). */
export interface QlogDatagrams {
  /** How many datagrams were passed at once. */
  readonly count?: number;
  /** One entry per datagram; `length` is the UDP payload length. */
  readonly raw?: readonly QlogRawInfo[];
  readonly datagram_ids?: readonly number[];
}

/** `transport:datagram_dropped` (§3.3.12): a datagram with no valid QUIC packet in it. */
export interface QlogDatagramDropped {
  readonly raw?: QlogRawInfo;
}

/** `transport:stream_state_updated` (§3.3.13). */
export interface QlogStreamStateUpdated {
  readonly stream_id: number;
  readonly stream_type?: QlogStreamType;
  readonly old?: QlogStreamState;
  readonly new: QlogStreamState;
  readonly stream_side?: 'sending' | 'receiving';
}

/** `transport:frames_processed` (§3.3.14). */
export interface QlogFramesProcessed {
  readonly frames: readonly QlogFrame[];
  readonly packet_number?: number;
}

// -------------------------------------------------------------------------------------------------- security

/** What caused a key change (§3.2). */
export type QlogKeyTrigger = 'tls' | 'remote_update' | 'local_update';

/**
 * `security:key_updated` (§3.2.1). qk omits the secrets themselves (`old`, `new`) unless the caller puts them in:
 * qlog files travel further than SSLKEYLOGFILEs.
 */
export interface QlogKeyUpdated {
  readonly key_type: QlogKeyType;
  readonly old?: QlogHex;
  readonly new?: QlogHex;
  /** Key phase generation, for 1-RTT key updates. */
  readonly generation?: number;
  readonly trigger?: QlogKeyTrigger;
}

/** `security:key_discarded` (quic-events-03; `key_retired` in -01). */
export interface QlogKeyDiscarded {
  readonly key_type: QlogKeyType;
  readonly key?: QlogHex;
  readonly generation?: number;
  readonly trigger?: QlogKeyTrigger;
}

// -------------------------------------------------------------------------------------------------- recovery

/** `recovery:parameters_set` (§3.4.1). Times in milliseconds, sizes in bytes. */
export interface QlogRecoveryParametersSet {
  /** kPacketThreshold. */
  readonly reordering_threshold?: number;
  /** kTimeThreshold, as an RTT multiplier. */
  readonly time_threshold?: number;
  /** kGranularity. */
  readonly timer_granularity?: number;
  /** kInitialRtt. */
  readonly initial_rtt?: number;
  readonly max_datagram_size?: number;
  readonly initial_congestion_window?: number;
  readonly minimum_congestion_window?: number;
  /** kLossReductionFactor. */
  readonly loss_reduction_factor?: number;
  /** kPersistentCongestionThreshold, as a PTO multiplier. */
  readonly persistent_congestion_threshold?: number;
}

/**
 * `recovery:metrics_updated` (§3.4.2): the metrics that changed, grouped in one event. RTTs in milliseconds, window
 * and in-flight in bytes, pacing rate in bits per second.
 */
export interface QlogMetricsUpdated {
  readonly min_rtt?: number;
  readonly smoothed_rtt?: number;
  readonly latest_rtt?: number;
  readonly rtt_variance?: number;
  readonly pto_count?: number;
  readonly congestion_window?: number;
  readonly bytes_in_flight?: number;
  readonly ssthresh?: number;
  readonly packets_in_flight?: number;
  readonly pacing_rate?: number;
}

/** `recovery:congestion_state_updated` (§3.4.3), e.g. `slow_start` → `congestion_avoidance`. */
export interface QlogCongestionStateUpdated {
  readonly old?: string;
  readonly new: string;
  readonly trigger?: 'persistent_congestion' | 'ECN';
}

/** `recovery:loss_timer_updated` (§3.4.4). */
export interface QlogLossTimerUpdated {
  readonly timer_type?: 'ack' | 'pto';
  readonly packet_number_space?: QlogPacketNumberSpace;
  readonly event_type: 'set' | 'expired' | 'cancelled';
  /** For `set`: milliseconds from this event until the timer fires. */
  readonly delta?: number;
}

/** `recovery:packet_lost` (§3.4.5). */
export interface QlogPacketLost {
  /** At least `packet_type` and `packet_number`. */
  readonly header?: QlogPacketHeader;
  readonly frames?: readonly QlogFrame[];
  readonly trigger?: 'reordering_threshold' | 'time_threshold' | 'pto_expired';
}

/** `recovery:marked_for_retransmit` (§3.4.6). */
export interface QlogMarkedForRetransmit {
  readonly frames: readonly QlogFrame[];
}

/** The data type of each event, by name. */
export interface QlogEventDataMap {
  'connectivity:connection_started': QlogConnectionStarted;
  'connectivity:connection_closed': QlogConnectionClosed;
  'connectivity:connection_id_updated': QlogConnectionIdUpdated;
  'connectivity:connection_state_updated': QlogConnectionStateUpdated;
  'connectivity:path_updated': QlogPathUpdated;
  'connectivity:mtu_updated': QlogMtuUpdated;
  'transport:version_information': QlogVersionInformation;
  'transport:alpn_information': QlogAlpnInformation;
  'transport:parameters_set': QlogParametersSet;
  'transport:packet_sent': QlogPacketSent;
  'transport:packet_received': QlogPacketReceived;
  'transport:packet_dropped': QlogPacketDropped;
  'transport:packet_buffered': QlogPacketBuffered;
  'transport:packets_acked': QlogPacketsAcked;
  'transport:datagrams_sent': QlogDatagrams;
  'transport:datagrams_received': QlogDatagrams;
  'transport:datagram_dropped': QlogDatagramDropped;
  'transport:stream_state_updated': QlogStreamStateUpdated;
  'transport:frames_processed': QlogFramesProcessed;
  'security:key_updated': QlogKeyUpdated;
  'security:key_discarded': QlogKeyDiscarded;
  'recovery:parameters_set': QlogRecoveryParametersSet;
  'recovery:metrics_updated': QlogMetricsUpdated;
  'recovery:congestion_state_updated': QlogCongestionStateUpdated;
  'recovery:loss_timer_updated': QlogLossTimerUpdated;
  'recovery:packet_lost': QlogPacketLost;
  'recovery:marked_for_retransmit': QlogMarkedForRetransmit;
}

/** A recorded event: what a sink receives, as a value (see `QlogRecorder`). */
export type QlogEvent = {
  readonly [N in QlogEventName]: { readonly time: number; readonly name: N; readonly data: QlogEventDataMap[N] };
}[QlogEventName];
