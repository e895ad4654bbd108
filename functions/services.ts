/**
 * The services each Function needs, built from the app settings on first use, so a
 * configuration error surfaces as a clear failed invocation, not a host that will not start.
 * The timer only discovers and enqueues: it reads the settings without the Log Analytics
 * ones, so a missing or broken sink setting never stops the fleet from being queued (the
 * queue workers then fail loudly, and their messages wait in the queue to be retried).
 */
import { readAppSettings } from '../src/config/app-settings.js';
import { createDiscoveryServices, createFleetServices, type DiscoveryServices, type FleetServices } from '../src/fleet/fleet-services.js';
import { ALL_RULES } from '../src/rules/registry.js';

export interface LazyServices {
  timer(): DiscoveryServices;
  worker(): FleetServices;
}

export function lazyServices(env: NodeJS.ProcessEnv): LazyServices {
  const knownRuleIds = ALL_RULES.map((rule) => rule.meta.id);
  let timer: DiscoveryServices | undefined;
  let worker: FleetServices | undefined;
  return {
    timer: () => (timer ??= createDiscoveryServices(readAppSettings(env, { needsLogs: false, knownRuleIds }))),
    worker: () => (worker ??= createFleetServices(readAppSettings(env, { knownRuleIds }))),
  };
}
