import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { createGunzip } from 'node:zlib';

/**
 * npm sends audit bodies gzip-compressed (`Content-Encoding: gzip`). Fastify parses JSON only
 * from identity bodies, so such a body is inflated before parsing; the body limit then applies
 * to the inflated bytes (a gzip bomb stops at the limit).
 */
@Injectable()
export class GzipRequestBodies implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.addHook('preParsing', async (request, _reply, payload) => {
      const encoding = String(request.headers['content-encoding'] ?? '').trim().toLowerCase();
      if (encoding !== 'gzip' && encoding !== 'x-gzip') return payload;
      delete request.headers['content-encoding'];
      delete request.headers['content-length'];
      const inflated = payload.pipe(createGunzip());
      payload.on('error', (error) => inflated.destroy(error));
      return inflated;
    });
  }
}
