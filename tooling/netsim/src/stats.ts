/** Why the simulator dropped a datagram. */
export const DropReason = {
  /** Random (Bernoulli) loss on a link. */
  loss: 'loss',
  /** Gilbert-Elliott burst loss on a link. */
  burst: 'burst',
  /** The link's drop-tail queue was full. */
  queue: 'queue',
  /** Larger than the link's MTU. */
  mtu: 'mtu',
  /** Sent into a link during one of its blackhole windows. */
  blackhole: 'blackhole',
  /** The link's drop filter callback returned true. */
  filter: 'filter',
  /** Arrived at a NAT for an external address and port with no mapping (e.g. the mapping before a rebinding). */
  nat: 'nat',
  /** No host owns the destination address, no link leads there, or the address is a NAT's private inside. */
  noRoute: 'noRoute',
  /** The destination host has no endpoint bound to the destination port. */
  noListener: 'noListener',
} as const;

/** One of {@link DropReason}'s values. */
export type DropReason = (typeof DropReason)[keyof typeof DropReason];

/** Every drop reason, in a fixed order (for iteration and for zero-filled counters). */
export const DROP_REASONS: readonly DropReason[] = Object.values(DropReason);

/** What each {@link DropReason} means, for reports. */
export const DROP_REASON_DESCRIPTIONS: Readonly<Record<DropReason, string>> = {
  loss: 'random (Bernoulli) loss',
  burst: 'Gilbert-Elliott burst loss',
  queue: 'drop-tail queue overflow',
  mtu: 'datagram larger than the link MTU',
  blackhole: 'sent during a blackhole window',
  filter: 'dropped by the link filter callback',
  nat: 'no NAT mapping for the destination',
  noRoute: 'no route to the destination address',
  noListener: 'no endpoint bound to the destination port',
};

/**
 * Datagram counters. On a link they count what entered the link; on an endpoint they count what that endpoint
 * sent. Invariant once nothing is in flight: `sentDatagrams + duplicated = deliveredDatagrams + droppedDatagrams`.
 */
export interface TrafficStats {
  /** Datagrams sent (offered to the link, or transmitted by the endpoint). */
  sentDatagrams: number;
  /** UDP payload bytes of those datagrams. */
  sentBytes: number;
  /** Datagrams handed to a receiving endpoint (duplicates included). */
  deliveredDatagrams: number;
  /** Payload bytes handed to a receiving endpoint. */
  deliveredBytes: number;
  /** Datagrams dropped, all reasons. */
  droppedDatagrams: number;
  /** Payload bytes dropped, all reasons. */
  droppedBytes: number;
  /** Datagrams dropped, by reason. */
  dropped: Record<DropReason, number>;
  /** Extra copies created by duplication. */
  duplicated: number;
  /** Copies that had bits flipped. */
  corrupted: number;
  /** Copies held back by the explicit reordering rule. */
  reordered: number;
}

/** Counters of one direction of a link. */
export interface LinkStats extends TrafficStats {
  /** Delivered datagrams that arrived after a datagram offered later (from jitter or reordering). */
  deliveredOutOfOrder: number;
  /** The largest number of bytes the drop-tail queue held (not counting the datagram on the wire). */
  maxQueuedBytes: number;
}

/** Counters of one endpoint: what it sent (as {@link TrafficStats}) and what it received. */
export interface EndpointStats extends TrafficStats {
  /** Datagrams delivered to this endpoint. */
  receivedDatagrams: number;
  /** Payload bytes delivered to this endpoint. */
  receivedBytes: number;
  /** Calls of `handleTimeout`. */
  timeoutsFired: number;
  /** Transmits whose `releaseTime` was later than `now` and that the simulator held until then. */
  paced: number;
}

/** Counters of a NAT. */
export interface NatStats {
  /** Outbound datagrams whose source was rewritten. */
  translatedOutbound: number;
  /** Inbound datagrams whose destination was rewritten. */
  translatedInbound: number;
  /** Inbound datagrams dropped for want of a mapping. */
  droppedInbound: number;
  /** Rebindings applied. */
  rebindings: number;
}

/** Zeroed traffic counters. */
export function createTrafficStats(): TrafficStats {
  const dropped = {} as Record<DropReason, number>;
  for (const r of DROP_REASONS) dropped[r] = 0;
  return {
    sentDatagrams: 0,
    sentBytes: 0,
    deliveredDatagrams: 0,
    deliveredBytes: 0,
    droppedDatagrams: 0,
    droppedBytes: 0,
    dropped,
    duplicated: 0,
    corrupted: 0,
    reordered: 0,
  };
}

/** A copy of `s` whose `dropped` map is copied too, so the caller may keep it as a snapshot. */
export function copyStats<T extends TrafficStats>(s: T): T {
  return { ...s, dropped: { ...s.dropped } };
}
