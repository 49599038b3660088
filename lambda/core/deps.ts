import type { Config } from '../config';
import type { ProviderRegistry } from '../providers/registry';
import type { KeyAuthenticator } from './auth';
import type { Catalog } from './catalog';
import type { Clock } from './clock';
import type { HealthMonitor } from './health/monitor';
import type { Store } from './records';
import type { Telemetry } from './telemetry';

/** Everything the core needs from the outside world, passed in by the edge (Lambda or local runtime). */
export interface GatewayDeps {
  config: Config;
  store: Store;
  providers: ProviderRegistry;
  /** The models, their routes and prices. */
  catalog: Catalog;
  auth: KeyAuthenticator;
  clock: Clock;
  /** Provider health (breakers, live latency) shared across instances; absent: every route is tried. */
  health?: HealthMonitor;
  /** Where request reports and breaker changes go (logs and metrics at the edge). */
  telemetry?: Telemetry;
  /** Set when only requests through the CloudFront front are served: the value its origin header must carry. */
  originSecret?: string;
}
