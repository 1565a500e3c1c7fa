import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { Readable } from 'node:stream';
import { RegistryHttpError } from '../http/registry-errors';

/** JSON bodies of the recall routes are small... */
export const RECALL_BODY_LIMIT = 64 * 1024;
/** ...except a deployment report, which carries a whole lockfile or SBOM. */
export const DEPLOYMENT_BODY_LIMIT = 16 * 1024 * 1024;

/** The recall API under any view prefix (`/prod/-/palisade/v1/...` too). */
const RECALL_API = /^(?:\/[^/?]+)?\/-\/palisade\/v1\/(?<resource>recalls|deployments|alerts)(?:[/?]|$)/;

/** The body limit of a request URL, or undefined outside the recall API (the gateway's own limit applies). */
export function bodyLimitOf(url: string): number | undefined {
  const resource = RECALL_API.exec(url)?.groups?.resource;
  if (resource === undefined) return undefined;
  return resource === 'deployments' ? DEPLOYMENT_BODY_LIMIT : RECALL_BODY_LIMIT;
}

async function refuse(reply: FastifyReply, limit: number): Promise<void> {
  const error = new RegistryHttpError('PAL_ERR_TOO_LARGE', `this request body may be at most ${limit} bytes`);
  await reply.status(error.status).send(error.toBody());
}

/**
 * The gateway's body limit fits a publish (a whole tarball); the recall API needs far less, so its
 * bodies are capped before they are parsed, with 413 in the registry's error shape: at once by
 * `Content-Length`, and for a body sent without one (chunked) by reading it here up to the limit.
 */
@Injectable()
export class RecallBodyLimits implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.addHook('preParsing', async (request, reply, payload) => {
      const limit = bodyLimitOf(request.raw.url ?? '/');
      if (limit === undefined) return payload;
      const declared = request.headers['content-length'];
      if (declared !== undefined) {
        // The HTTP parser holds the client to the length it declared.
        if (Number(declared) > limit) await refuse(reply, limit);
        return payload;
      }
      const chunks: Buffer[] = [];
      let seen = 0;
      for await (const chunk of payload as AsyncIterable<Buffer>) {
        seen += chunk.length;
        if (seen > limit) {
          await refuse(reply, limit);
          return Readable.from([]);
        }
        chunks.push(chunk);
      }
      return Readable.from([Buffer.concat(chunks)]);
    });
  }
}
