import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { LOGGER, METRICS, SERVICE_CONFIG } from '@palisade/platform';
import type { Registry } from '@palisade/telemetry';
import type { Logger } from '@palisade/config';
import { isPalisadeError } from '@palisade/errors';
import { gatewaySettings } from '../gateway.config';
import { RegistryHttpError } from './registry-errors';
import { busUnavailable, isBusUnavailable } from './bus-unavailable';
import { assertBodyHeaders, bodyPolicyOf, isLargeBody, limitRequestBody, needsWriterFirst, type BodyPolicy } from './request-bodies';
import { readJsonBody } from './json-body';
import { JsonParseWorker } from './json-parse-worker';
import { LargeBodyGate } from './large-body-gate';
import { decodePackageName } from './package-name';
import { runInRequest } from './request-context';
import { Authenticator, PackageDocumentAdmission, REGISTRY_ROUTES, type Principal, type RegistryReply, type RegistryRequest, type RegistryRoute } from './registry-request';
import { ipInRanges } from '../accounts/credentials/cidr';
import { assertCanWrite } from '../accounts/permissions';
import { externalRegistryUrl, splitViewPrefix } from './view-path';
import { RouteMetrics } from './route-metrics';

/**
 * The npm registry protocol on the gateway's Fastify instance. Routes are matched on the raw,
 * still-encoded path after the view prefix, because `@scope%2fname` must not be split at its
 * encoded slash. Plain Fastify (not a Nest controller) keeps the hot read path short.
 */
@Injectable()
export class RegistryRouter implements OnModuleInit, OnModuleDestroy {
  private readonly settings;
  /** Two large bodies in flight, eight more waiting: enough for concurrent big publishes, little for a flood. */
  private readonly largeBodies = new LargeBodyGate(2, 8);
  private readonly jsonWorker = new JsonParseWorker();
  /** One authentication per request, shared by the body checks and the route (a failed basic login counts once). */
  private readonly principals = new WeakMap<FastifyRequest, Promise<Principal | null>>();
  /** Large package documents for names not taken yet, which only a publish can be. */
  private readonly firstPublishes = new WeakMap<FastifyRequest, string>();
  private readonly routeMetrics: RouteMetrics;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(REGISTRY_ROUTES) private readonly routes: RegistryRoute[],
    private readonly authenticator: Authenticator,
    private readonly documents: PackageDocumentAdmission,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(SERVICE_CONFIG) config: Readonly<Record<string, unknown>>,
    @Inject(METRICS) metrics: Registry,
  ) {
    this.settings = gatewaySettings(config);
    this.routeMetrics = new RouteMetrics(metrics);
  }

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    // Every method: those no route serves get a 404 in the registry's shape, not the framework's.
    const method = ['GET', 'PUT', 'POST', 'DELETE', 'PATCH', 'OPTIONS'];
    const options = {
      method,
      handler: (req: FastifyRequest, reply: FastifyReply) => runInRequest({ clientIp: req.ip }, () => this.dispatch(req, reply)),
      onResponse: (req: FastifyRequest, reply: FastifyReply, done: () => void) => {
        this.routeMetrics.answered(req, reply);
        done();
      },
      // Per-route body limits, encodings and (for large bodies) the caller, checked before the body is read or parsed.
      preParsing: async (req: FastifyRequest, reply: FastifyReply, payload: NodeJS.ReadableStream) =>
        req.headers['content-length'] === undefined && req.headers['transfer-encoding'] === undefined ? payload : this.admitBody(req, reply, payload),
      // Failures before the handler (unparsable JSON, a wrong content type, a body past the limit)
      // are answered in the registry's shape too.
      errorHandler: (error: FastifyError, req: FastifyRequest, reply: FastifyReply) => this.sendError(reply, frameworkError(error), `${req.method} ${req.raw.url ?? '/'}`),
    };
    fastify.route({ ...options, url: '/*' });
    fastify.route({ ...options, url: '/' });
    // Replaces the framework's JSON parser (same prototype-poisoning rules) so that big documents
    // are parsed off the event loop.
    fastify.removeContentTypeParser('application/json');
    fastify.addContentTypeParser('application/json', (req: FastifyRequest, payload: NodeJS.ReadableStream) => readJsonBody(payload as AsyncIterable<Buffer>, this.jsonWorker, this.firstPublishes.get(req)));
  }

  async onModuleDestroy(): Promise<void> {
    await this.jsonWorker.close();
  }

  private principalOf(req: FastifyRequest): Promise<Principal | null> {
    let principal = this.principals.get(req);
    if (!principal) {
      principal = this.authenticator.authenticate(req.headers.authorization, req.ip);
      this.principals.set(req, principal);
    }
    return principal;
  }

  /**
   * Size and encoding first (413/415, from the headers), then, for a body that may be large, the
   * caller: a package document over the JSON limit is read only from a token that may write that
   * package and, when the package exists, from one of its maintainers (401/403 without reading a
   * byte of it). Large bodies then wait for the LargeBodyGate;
   * the slot is held until the answer is sent, as long as the parsed body lives.
   */
  private async admitBody(req: FastifyRequest, reply: FastifyReply, payload: NodeJS.ReadableStream): Promise<NodeJS.ReadableStream> {
    const policy = this.bodyPolicy(req);
    // Judged on the headers as sent: limitRequestBody drops those of a gzip body it inflates.
    const writerFirst = needsWriterFirst(req, policy);
    const large = isLargeBody(req, policy);
    // Every refusal comes before the body is piped anywhere: an unread body is then drained by
    // Node after the answer, and the connection stays usable.
    assertBodyHeaders(req, policy);
    if (writerFirst) await this.assertWriter(req, policy);
    if (!large) return limitRequestBody(req, payload, policy);
    const release = await this.largeBodies.enter();
    if (req.raw.socket?.destroyed ?? true) release();
    else reply.raw.once('close', release);
    return limitRequestBody(req, payload, policy);
  }

  private async assertWriter(req: FastifyRequest, policy: BodyPolicy): Promise<void> {
    let name: string;
    try {
      name = decodePackageName(policy.writesPackage ?? '');
    } catch {
      // An unreadable name is the route's to refuse (400), once the body is small enough to be read.
      return;
    }
    const principal = await this.principalOf(req);
    assertCanWrite(principal, name);
    if ((await this.documents.admit(principal, name)) === 'first-publish') this.firstPublishes.set(req, name);
  }

  private bodyPolicy(req: FastifyRequest) {
    const rawUrl = req.raw.url ?? '/';
    const queryAt = rawUrl.indexOf('?');
    const { path } = splitViewPrefix(queryAt < 0 ? rawUrl : rawUrl.slice(0, queryAt), this.settings.views, this.settings.defaultView);
    return bodyPolicyOf(req.method, rawUrl, path, this.settings.maxTarballBytes);
  }

  private async dispatch(req: FastifyRequest, reply: FastifyReply): Promise<void> {
    const rawUrl = req.raw.url ?? '/';
    const queryAt = rawUrl.indexOf('?');
    const rawPath = queryAt < 0 ? rawUrl : rawUrl.slice(0, queryAt);
    const { view, prefix, path } = splitViewPrefix(rawPath, this.settings.views, this.settings.defaultView);
    const method = req.method === 'HEAD' ? 'GET' : req.method;
    const request: RegistryRequest = {
      method,
      head: req.method === 'HEAD',
      view,
      path,
      query: new URLSearchParams(queryAt < 0 ? '' : rawUrl.slice(queryAt + 1)),
      headers: req.headers,
      body: req.body,
      registryUrl: externalRegistryUrl(this.settings.publicUrl, req.headers, prefix, this.settings.trustedProxies.length > 0 && ipInRanges(req.socket.remoteAddress ?? '', this.settings.trustedProxies)),
      principal: () => this.principalOf(req),
    };
    try {
      for (const route of this.routes) {
        if (route.method !== method) continue;
        const match = route.pattern.exec(path);
        if (!match) continue;
        this.routeMetrics.matched(req, route);
        await this.send(reply, await route.handle(request, { ...match.groups }));
        return;
      }
      throw new RegistryHttpError('PAL_ERR_NOT_FOUND', `${req.method} ${rawPath}`);
    } catch (error: unknown) {
      await this.sendError(reply, error, `${req.method} ${rawPath}`);
    }
  }

  private async send(reply: FastifyReply, answer: RegistryReply): Promise<void> {
    reply.status(answer.status);
    if (answer.headers) reply.headers(answer.headers);
    if (answer.raw !== undefined) {
      await reply.send(answer.raw);
      return;
    }
    await reply.send(answer.body ?? {});
  }

  private async sendError(reply: FastifyReply, failure: unknown, what: string): Promise<void> {
    // Every route that needs a command answered fails the same way while NATS is away.
    const error = isBusUnavailable(failure) ? busUnavailable(failure) : failure;
    // A body stream that fails before its first byte lands here with the success reply's headers
    // (octet-stream, etag, cache-control) already set: an error answer carries none of them.
    for (const header of ['etag', 'cache-control', 'content-length']) reply.removeHeader(header);
    reply.type('application/json; charset=utf-8');
    if (error instanceof RegistryHttpError) {
      // A NATS outage is logged once when it starts, not once per refused request.
      if (error.status >= 500 && error.code !== 'PAL_ERR_BUS_UNAVAILABLE') this.logger.warn({ err: error, request: what }, error.message);
      await reply.status(error.status).headers(error.headers).send(error.toBody());
      return;
    }
    this.logger.error({ err: error, request: what }, 'registry request failed');
    const code = isPalisadeError(error) ? error.code : 'INTERNAL';
    await reply.status(500).send({ error: 'internal error; the registry logged the details', code });
  }
}

/** Fastify's own request errors (content type, JSON syntax, body size) as registry errors. */
function frameworkError(error: FastifyError): unknown {
  if (error instanceof RegistryHttpError) return error;
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new RegistryHttpError('PAL_ERR_TOO_LARGE', 'the request body is larger than this route accepts', { cause: error });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_TYPE':
      return new RegistryHttpError('PAL_ERR_UNSUPPORTED_MEDIA_TYPE', 'send the body as application/json', { cause: error });
    default:
      break;
  }
  const status = typeof error.statusCode === 'number' ? error.statusCode : 500;
  if (status >= 400 && status < 500) return new RegistryHttpError('PAL_ERR_BAD_REQUEST', error.message, { cause: error });
  return error;
}
