import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { LOGGER, SERVICE_CONFIG } from '@palisade/platform';
import type { Logger } from '@palisade/config';
import { isPalisadeError } from '@palisade/errors';
import { gatewaySettings } from '../gateway.config';
import { RegistryHttpError } from './registry-errors';
import { Authenticator, REGISTRY_ROUTES, type Principal, type RegistryReply, type RegistryRequest, type RegistryRoute } from './registry-request';
import { externalRegistryUrl, splitViewPrefix } from './view-path';

/**
 * The npm registry protocol on the gateway's Fastify instance. Routes are matched on the raw,
 * still-encoded path after the view prefix, because `@scope%2fname` must not be split at its
 * encoded slash. Plain Fastify (not a Nest controller) keeps the hot read path short.
 */
@Injectable()
export class RegistryRouter implements OnModuleInit {
  private readonly settings;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(REGISTRY_ROUTES) private readonly routes: RegistryRoute[],
    private readonly authenticator: Authenticator,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(SERVICE_CONFIG) config: Readonly<Record<string, unknown>>,
  ) {
    this.settings = gatewaySettings(config);
  }

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.route({ method: ['GET', 'PUT', 'POST', 'DELETE'], url: '/*', handler: (req, reply) => this.dispatch(req, reply) });
    fastify.route({ method: ['GET', 'PUT', 'POST', 'DELETE'], url: '/', handler: (req, reply) => this.dispatch(req, reply) });
  }

  private async dispatch(req: FastifyRequest, reply: FastifyReply): Promise<void> {
    const rawUrl = req.raw.url ?? '/';
    const queryAt = rawUrl.indexOf('?');
    const rawPath = queryAt < 0 ? rawUrl : rawUrl.slice(0, queryAt);
    const { view, prefix, path } = splitViewPrefix(rawPath, this.settings.views, this.settings.defaultView);
    const method = req.method === 'HEAD' ? 'GET' : req.method;
    let principal: Promise<Principal | null> | undefined;
    const request: RegistryRequest = {
      method,
      head: req.method === 'HEAD',
      view,
      path,
      query: new URLSearchParams(queryAt < 0 ? '' : rawUrl.slice(queryAt + 1)),
      headers: req.headers,
      body: req.body,
      registryUrl: externalRegistryUrl(this.settings.publicUrl, req.headers, prefix),
      principal: () => (principal ??= this.authenticator.authenticate(req.headers.authorization, req.ip)),
    };
    try {
      for (const route of this.routes) {
        if (route.method !== method) continue;
        const match = route.pattern.exec(path);
        if (!match) continue;
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

  private async sendError(reply: FastifyReply, error: unknown, what: string): Promise<void> {
    if (error instanceof RegistryHttpError) {
      if (error.status >= 500) this.logger.warn({ err: error, request: what }, error.message);
      await reply.status(error.status).headers(error.headers).send(error.toBody());
      return;
    }
    this.logger.error({ err: error, request: what }, 'registry request failed');
    const code = isPalisadeError(error) ? error.code : 'INTERNAL';
    await reply.status(500).send({ error: 'internal error; the registry logged the details', code });
  }
}
