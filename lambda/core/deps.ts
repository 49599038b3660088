import type { Config } from '../config';
import type { ProviderRegistry } from '../providers/registry';
import type { KeyAuthenticator } from './auth';
import type { Clock } from './clock';
import type { Store } from './records';

/** Everything the core needs from the outside world, passed in by the edge (Lambda or local runtime). */
export interface GatewayDeps {
  config: Config;
  store: Store;
  providers: ProviderRegistry;
  auth: KeyAuthenticator;
  clock: Clock;
}
