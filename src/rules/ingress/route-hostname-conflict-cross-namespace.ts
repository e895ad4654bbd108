import { refOf } from '../../mesh/accessors.js';
import { compareRouteAge, describeMatch, listenerConflicts, passthroughSniConflicts, type Listener, type Route, type RouteConflict } from '../../mesh/gateway-api.js';
import type { Rule, RuleResult } from '../types.js';
import { countOf, listForMessage } from '../exposure/common.js';
import { aksGatewayApiEvidence, ingressEdge, INGRESS_DOCS, MAX_LISTED, nameOf, uniqueEdges } from './common.js';

function routeName(route: Route): string {
  return `${route.kind} ${nameOf(route.object)}`;
}

/** One sentence on who wins a conflict and why (the spec's precedence). */
export function explainConflict(conflict: RouteConflict): string {
  const winner = routeName(conflict.winner);
  const loser = nameOf(conflict.loser.object);
  switch (conflict.decidedBy) {
    case 'hostname':
      return `${winner} takes every request to ${conflict.host} (a more specific hostname than ${loser}'s)`;
    case 'catch-all':
      return `on ${conflict.host} ${winner} wins ${describeMatch(conflict.winnerMatch)} over ${loser}'s catch-all ${describeMatch(conflict.loserMatch)} (Istio tries catch-all routes last)`;
    case 'match':
      return `on ${conflict.host} ${winner} wins ${describeMatch(conflict.winnerMatch)} over ${loser}'s ${describeMatch(conflict.loserMatch)} (more specific match)`;
    case 'virtual-service-order':
      return `on ${conflict.host} ${winner} wins ${describeMatch(conflict.winnerMatch)} over ${loser}'s ${describeMatch(conflict.loserMatch)}: their hostname entries differ, so Istio merges them as separate VirtualServices and tries the ${conflict.timestampsKnown ? 'older' : 'first by "{namespace}/{name}" (creation times unknown here)'} route's rules first`;
    case 'creation-timestamp':
      return `on ${conflict.host} both match ${describeMatch(conflict.winnerMatch)}: the older route ${winner} wins (creationTimestamp)`;
    case 'name':
      return `on ${conflict.host} both match ${describeMatch(conflict.winnerMatch)}${conflict.timestampsKnown ? ' and were created at the same second' : ' and their creation times are unknown here'}: ${winner} wins by "{namespace}/{name}" order`;
    case 'listener-order':
      return `${winner} on listener ${conflict.winnerListener?.name ?? conflict.listener.name} takes every connection for SNI ${conflict.host} from ${loser} (passthrough listeners of one port get one filter chain per SNI name, and Istio keeps the one of the listener whose name sorts first)`;
  }
}

/**
 * route-hostname-conflict-cross-namespace: routes of two tenant namespaces attached to the
 * same listener serve overlapping hostnames with overlapping matches. Istio's order decides
 * who gets each request: the more specific hostname, catch-all routes last, then the Gateway
 * API precedence (more specific match, then the oldest route, then "{namespace}/{name}"); so
 * one tenant takes requests the other routes. One finding per newer route and listener, naming the older
 * routes it competes with and who wins each overlap.
 */
export const routeHostnameConflictCrossNamespaceRule: Rule = {
  meta: {
    id: 'route-hostname-conflict-cross-namespace',
    title: 'Routes of different tenants compete for a hostname on one listener',
    category: 'ingress',
    defaultSeverity: 'critical',
    rationale:
      "Routes attached to one listener are merged. When two tenants' routes serve overlapping hostnames and matches, the Gateway API precedence (hostname, path, method, headers, query, then age and name) decides which tenant receives each request: a newer route with a more specific match, or an older one on a tie, takes the other tenant's traffic.",
    remediation:
      "Give each tenant its own hostnames and listeners (allowedRoutes restricted to that tenant's namespace), remove the route that serves a hostname its namespace does not own, and enforce hostname ownership at admission (policies/).",
    references: [INGRESS_DOCS.httpRouteMatching, INGRESS_DOCS.routeAttachment, INGRESS_DOCS.gatewayApiSecurity],
    requires: ['KubernetesGateway', 'HTTPRoute', 'GRPCRoute', 'TLSRoute', 'TCPRoute', 'Namespace'],
  },
  evaluate({ model }) {
    const api = model.gatewayApi();
    const differ = (a: Route, b: Route) => a.namespace !== b.namespace && model.isTenant(a.namespace) && model.isTenant(b.namespace);
    // Per (newer route, listener): the conflicts it takes part in.
    const grouped = new Map<string, { route: Route; listener: Listener; conflicts: RouteConflict[] }>();
    const add = (conflict: RouteConflict) => {
      const { listener } = conflict;
      const newer = compareRouteAge(conflict.winner.object, conflict.loser.object).order > 0 ? conflict.winner : conflict.loser;
      const key = `${nameOf(newer.object)}\u0000${newer.kind}\u0000${listener.id}`;
      const entry = grouped.get(key) ?? { route: newer, listener, conflicts: [] };
      entry.conflicts.push(conflict);
      grouped.set(key, entry);
    };
    for (const listener of api.listeners) {
      const attachments = api.attachmentsOf(listener);
      if (attachments.length < 2) continue;
      for (const conflict of listenerConflicts(listener, attachments, differ)) add(conflict);
    }
    // Passthrough SNI names two listeners of one port both have: reported on the loser's listener.
    for (const conflict of passthroughSniConflicts(api.listeners, (listener) => api.attachmentsOf(listener), differ)) add(conflict);
    const results: RuleResult[] = [];
    for (const { route, listener, conflicts } of grouped.values()) {
      const partner = (conflict: RouteConflict) => (conflict.winner === route ? conflict.loser : conflict.winner);
      const others = [...new Set(conflicts.map((conflict) => partner(conflict).namespace))].sort();
      const partners = [...new Set(conflicts.map((conflict) => routeName(partner(conflict))))].sort();
      const hosts = [...new Set(conflicts.map((conflict) => conflict.host))].sort();
      const explained = conflicts.slice(0, 2).map(explainConflict);
      const more = conflicts.length > explained.length ? `; and ${countOf(conflicts.length - explained.length, 'more overlap')}` : '';
      results.push({
        message: `${routeName(route)} competes with ${listForMessage(partners)} of ${listForMessage(others)} for ${listForMessage(hosts)} on listener ${listener.name} of Gateway ${nameOf(listener.gateway)}: ${explained.join('; ')}${more}.`,
        namespace: route.namespace,
        resource: refOf(route.object),
        affectedNamespaces: others,
        subjectKey: listener.id,
        evidence: {
          gateway: nameOf(listener.gateway),
          listener: listener.name,
          port: listener.port,
          listenerHostname: listener.hostname ?? null,
          hosts,
          competingRoutes: partners.slice(0, MAX_LISTED),
          conflictCount: conflicts.length,
          conflicts: conflicts.slice(0, MAX_LISTED).map((conflict) => ({
            host: conflict.host,
            winner: routeName(conflict.winner),
            loser: routeName(conflict.loser),
            winnerMatch: describeMatch(conflict.winnerMatch),
            loserMatch: describeMatch(conflict.loserMatch),
            decidedBy: conflict.decidedBy,
            ...(conflict.winnerListener ? { winnerListener: conflict.winnerListener.name } : {}),
            ...((conflict.decidedBy === 'name' || conflict.decidedBy === 'virtual-service-order') && !conflict.timestampsKnown ? { creationTimestamps: 'unknown' } : {}),
          })),
          exposureEdges: uniqueEdges(conflicts.map((conflict) => ingressEdge(conflict.winner.namespace, conflict.loser.namespace))),
          ...aksGatewayApiEvidence(model),
        },
        source: route.object.source,
      });
    }
    return results;
  },
};
