/**
 * The application seam of a worker: tokio-quiche's `ApplicationOverQuic` hooks (DESIGN.md §4), adapted to a
 * JavaScript event loop. `@qk/app-over-quic` builds its `ApplicationOverQuic` (raw streams, HTTP/3, DoQ) on this.
 *
 * Call order in each loop turn of an established connection, while `shouldAct()` is true: `processReads` (only
 * when datagrams arrived or events are waiting), then `processWrites`. tokio-quiche's cancel-safe `wait_for_data`
 * becomes `wake()`: the app calls it (from a stream write, a timer of its own, anything) and the worker runs one
 * more turn soon after. An app closes the connection with `conn.close(...)`, or by throwing from a hook: the
 * worker then closes with INTERNAL_ERROR and reports the error in the result.
 */

/** Handed to `onConnEstablished`. */
export interface HandshakeInfo {
  /** Monotonic ms at which the worker started the connection. */
  readonly startedAt: number;
  /** Monotonic ms at which the handshake completed. */
  readonly establishedAt: number;
  /** `establishedAt - startedAt`. */
  readonly handshakeDurationMs: number;
  /** Schedules one more loop turn (tokio-quiche's `wait_for_data` resolving). Cheap; safe to call any time. */
  readonly wake: () => void;
}

/** The CONNECTION_CLOSE that ended a connection. */
export interface CloseInfo {
  readonly errorCode: number;
  readonly reason: string;
  /** An application close (0x1d). */
  readonly application: boolean;
  /** Sent by the peer (else by this endpoint, including idle timeouts). */
  readonly fromPeer: boolean;
}

/** How a worker ended, handed to `onConnClose` and resolved by `IoWorker.closed`. */
export type ConnectionResult =
  /** The connection closed and drained. `close` is undefined when it ended without CONNECTION_CLOSE. */
  | {
      readonly kind: 'closed';
      readonly established: boolean;
      readonly close: CloseInfo | undefined;
      /** What an application hook threw, when that is why it closed. */
      readonly applicationError?: unknown;
    }
  /** The handshake did not complete within the worker's handshake timeout. */
  | { readonly kind: 'handshakeTimedOut' }
  /** The worker was stopped without waiting for the connection to drain (shutdown deadline, `abort`). */
  | { readonly kind: 'aborted'; readonly reason: string }
  /** The connection threw from one of its methods (a bug in the transport): the worker stopped at once. */
  | { readonly kind: 'failed'; readonly error: unknown };

/**
 * An application driven by an IoWorker (tokio-quiche's `ApplicationOverQuic`). The worker lends the connection to
 * each hook; hooks must not keep the `events` array (it is reused after the call returns).
 *
 * @typeParam C the connection type
 * @typeParam E the connection's event type
 *
 * @example
 * const echo: ApplicationHooks<MyConn, MyEvent> = {
 *   onConnEstablished() {},
 *   shouldAct: () => true,
 *   processReads(conn, events) { for (const e of events) if (e.kind === 'data') conn.send(e.bytes); },
 *   processWrites() {},
 *   onConnClose(_conn, result) { console.log(result.kind); },
 * };
 */
export interface ApplicationHooks<C, E> {
  /** The handshake completed; called once, before any read or write hook. */
  onConnEstablished(conn: C, info: HandshakeInfo): void;
  /** Whether the app wants its read and write hooks called this turn. */
  shouldAct(): boolean;
  /**
   * Datagrams arrived (or events are waiting): read what the connection has. `events` holds every connection
   * event since the last call, in order (including the ones the worker acted on, such as connectionIdIssued).
   */
  processReads(conn: C, events: readonly E[]): void;
  /** Write what the app has; called every turn while established and `shouldAct()`. */
  processWrites(conn: C): void;
  /** The worker ended (whatever the reason, established or not). Called exactly once. */
  onConnClose(conn: C, result: ConnectionResult): void;
}
