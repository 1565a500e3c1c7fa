import type { FastifyReply, FastifyRequest } from 'fastify';
import { createHistogram, type Histogram, type Registry } from '@palisade/telemetry';
import type { RegistryRoute } from './registry-request';

/** Buckets in seconds, from 0.5 ms: a tarball or packument from a warm gateway takes 1–5 ms. */
const BUCKETS_SECONDS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** The label a request gets when it was answered before any route took it (a 404, or a body refused from its headers). */
const NO_ROUTE = 'none';

/** A route's label: its class name without `Route`, in kebab case (`DistTagPutRoute` → `dist-tag-put`). */
export function routeLabelOf(route: RegistryRoute): string {
  return route.constructor.name
    .replace(/Route$/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase();
}

/**
 * `palisade_gateway_http_request_duration_seconds{route, method, status}`: how long each registry
 * route takes, from the request's arrival to the last byte of its answer (Fastify's elapsed time at
 * `onResponse`), so an install's time can be split by route (docs/performance.md).
 */
export class RouteMetrics {
  private readonly duration: Histogram<'route' | 'method' | 'status'>;
  /** Each route's label, derived once (the routes are singletons). */
  private readonly labels = new Map<RegistryRoute, string>();
  private readonly routeOf = new WeakMap<FastifyRequest, string>();

  constructor(metrics: Registry) {
    this.duration = createHistogram(metrics, {
      name: 'palisade_gateway_http_request_duration_seconds',
      help: 'Registry requests by route, method and status: time from arrival to the last byte of the answer',
      labelNames: ['route', 'method', 'status'],
      buckets: BUCKETS_SECONDS,
    });
  }

  /** Marks the route that handles the request. */
  matched(req: FastifyRequest, route: RegistryRoute): void {
    let label = this.labels.get(route);
    if (label === undefined) {
      label = routeLabelOf(route);
      this.labels.set(route, label);
    }
    this.routeOf.set(req, label);
  }

  /** Fastify `onResponse`: the answer has been sent. */
  answered(req: FastifyRequest, reply: FastifyReply): void {
    this.duration.observe({ route: this.routeOf.get(req) ?? NO_ROUTE, method: req.method, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
  }
}
