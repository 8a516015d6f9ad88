import type { DropReason } from './stats.js';
import type { Path, SocketAddress } from './types.js';

/**
 * Everything that happens in a simulation, in order, as plain data (no byte arrays), so two traces compare with
 * `toEqual` or `JSON.stringify`. Fields shared by the variants: `time` is the virtual time in ms; `id` identifies
 * one datagram copy (a duplicate gets a fresh one); `endpoint` is the name given to `Simulator.addEndpoint`;
 * `link` is a link's name, `'from->to'`; `size` is the UDP payload length in bytes.
 */
export type TraceEvent =
  | {
      /** An endpoint's datagram left its socket (at its release time when paced). */
      readonly kind: 'datagramSent';
      readonly time: number;
      readonly id: number;
      readonly endpoint: string;
      readonly size: number;
      /** The path as the sending endpoint wrote it. */
      readonly path: Path;
      /** The source on the wire, after the sender's NAT (equal to `path.local` without one). */
      readonly wireSource: SocketAddress;
      /** The link taken, or `undefined` when there is no route. */
      readonly link: string | undefined;
    }
  | {
      /** A datagram copy was dropped; counted in the link's (if any) and the sender's stats. */
      readonly kind: 'datagramDropped';
      readonly time: number;
      readonly id: number;
      readonly reason: DropReason;
      readonly link: string | undefined;
      readonly size: number;
    }
  | {
      /** A datagram copy was handed to `handleDatagram` of the endpoint bound at its destination. */
      readonly kind: 'datagramDelivered';
      readonly time: number;
      readonly id: number;
      readonly endpoint: string;
      readonly link: string;
      readonly size: number;
      /** The path as the receiving endpoint sees it. */
      readonly path: Path;
    }
  | {
      /** The link made an extra copy of a datagram. */
      readonly kind: 'datagramDuplicated';
      readonly time: number;
      readonly id: number;
      /** The id of the extra copy. */
      readonly copyId: number;
      readonly link: string;
    }
  | {
      /** The link flipped bits in a datagram copy. */
      readonly kind: 'datagramCorrupted';
      readonly time: number;
      readonly id: number;
      readonly link: string;
      /** Flipped bit positions, bit 0 being the most significant bit of byte 0. */
      readonly bits: readonly number[];
    }
  | {
      /** The link held a datagram copy back by its `reorderDelay`. */
      readonly kind: 'datagramReordered';
      readonly time: number;
      readonly id: number;
      readonly link: string;
      /** The extra hold-back in ms. */
      readonly holdMs: number;
    }
  | {
      /** An endpoint returned a transmit with a future `releaseTime`; its socket is busy until then. */
      readonly kind: 'transmitPaced';
      readonly time: number;
      readonly endpoint: string;
      readonly releaseTime: number;
    }
  | {
      /** An endpoint's deadline changed after an input (only the latest deadline counts). */
      readonly kind: 'timerArmed';
      readonly time: number;
      readonly endpoint: string;
      /** The deadline, or `undefined` when the endpoint no longer has one. */
      readonly deadline: number | undefined;
    }
  | {
      /** An endpoint's deadline was reached and `handleTimeout` is being called. */
      readonly kind: 'timerFired';
      readonly time: number;
      readonly endpoint: string;
    }
  | {
      /** The endpoint was polled because it was added or its handle's `wake()` was called. */
      readonly kind: 'endpointWoken';
      readonly time: number;
      readonly endpoint: string;
    }
  | {
      /** A NAT changed its mappings. */
      readonly kind: 'natRebound';
      readonly time: number;
      /** The NATed host's (inside) address. */
      readonly host: string;
      /** Each mapping that changed. */
      readonly mappings: readonly {
        readonly internal: SocketAddress;
        readonly before: SocketAddress;
        readonly after: SocketAddress;
      }[];
    }
  | {
      /** A `Simulator.at` action (or a scheduled NAT rebinding) ran. */
      readonly kind: 'actionRan';
      readonly time: number;
      readonly label: string;
    };

/** A callback that receives every {@link TraceEvent} as it happens. */
export type TraceSink = (event: TraceEvent) => void;
