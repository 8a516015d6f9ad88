/**
 * An inclusive range of packet numbers, `smallest <= largest`. ACK frames carry a list of them in descending
 * order (the first range holds the largest acknowledged packet), which is how both the ACK codec
 * (`wire/frames/ack.ts`) and the receive-side tracker (`recovery/ack-tracker.ts`) represent them.
 */
export interface AckRange {
  readonly smallest: number;
  readonly largest: number;
}
