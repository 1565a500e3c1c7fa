import { Controller, Get, Header, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { Registry } from 'prom-client';
import { metricsContentType } from '@palisade/telemetry';
import { Readiness } from './readiness';
import { METRICS, READINESS } from './tokens';

/** Liveness, readiness and Prometheus metrics: the same three endpoints on every service. */
@Controller()
export class HealthController {
  constructor(
    @Inject(READINESS) private readonly readiness: Readiness,
    @Inject(METRICS) private readonly metrics: Registry,
  ) {}

  /** Alive as long as the process answers; restarting would not fix a dependency outage. */
  @Get('healthz')
  healthz(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('readyz')
  async readyz(@Res() reply: FastifyReply): Promise<void> {
    const report = await this.readiness.report();
    await reply.status(report.ready ? 200 : 503).send({ status: report.ready ? 'ready' : 'not ready', ...report.checks });
  }

  @Get('metrics')
  @Header('Content-Type', metricsContentType)
  async metricsText(): Promise<string> {
    return this.metrics.metrics();
  }
}
