/**
 * Picks a congestion control algorithm by name.
 *
 * @module
 */
import { Bbr } from './bbr.js';
import type { CongestionController, CongestionControllerName, CongestionControllerOptions } from './controller.js';
import { Cubic } from './cubic.js';
import type { DeliveryRateEstimator } from './delivery-rate.js';
import { NewReno } from './new-reno.js';

/** Options of {@link createCongestionController}. */
export interface CreateCongestionControllerOptions extends CongestionControllerOptions {
  /** The delivery-rate estimator recovery feeds (BBR marks it application-limited during ProbeRTT). */
  readonly deliveryRate?: DeliveryRateEstimator;
}

/**
 * Creates the congestion controller registered under `name` (see `CongestionControllerName`).
 *
 * @example
 * ```ts
 * const cc = createCongestionController('bbr', { maxDatagramSize: 1350, random: () => provider.random(4)[0] / 256 });
 * ```
 */
export function createCongestionController(
  name: CongestionControllerName,
  options: CreateCongestionControllerOptions,
): CongestionController {
  switch (name) {
    case 'new_reno':
      return new NewReno(options);
    case 'cubic':
      return new Cubic(options);
    case 'bbr':
      return new Bbr(options);
    default:
      throw new TypeError(`unknown congestion controller name: ${String(name)}`);
  }
}
