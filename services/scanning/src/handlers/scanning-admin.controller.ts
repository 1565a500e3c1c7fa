import { Body, Controller, Get, Headers, Inject, Post, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { DataSource } from 'typeorm';
import type { Logger } from '@palisade/config';
import { isPalisadeError } from '@palisade/errors';
import { DATA_SOURCE, LOGGER, SERVICE_CONFIG, checkAdminToken } from '@palisade/platform';
import { AdvisoryImporter, type ImportReport } from '../application/advisory-importer';
import { scanningSettings, type ScanningSettings } from '../scanning.config';
import { advisoryCounts, advisoryDb } from '../store/advisory-store';

const KINDS = ['osv', 'epss', 'kev'] as const;
type Kind = (typeof KINDS)[number];

const STATUS: Record<string, number> = {
  SCANNING_IMPORT_BUSY: 409,
  SCANNING_SOURCE_NOT_FOUND: 400,
  SCANNING_SOURCE_UNAVAILABLE: 502,
  SCANNING_KEV_INVALID: 400,
};

/**
 * The scanning admin API on the service's own port, behind PALISADE_SCANNING_ADMIN_TOKEN:
 * advisory imports on demand, the advisory database status, and stored verdicts.
 */
@Controller('-/palisade/v1/scanning')
export class ScanningAdminController {
  private readonly settings: ScanningSettings;

  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(SERVICE_CONFIG) config: Readonly<Record<string, unknown>>,
    private readonly importer: AdvisoryImporter,
  ) {
    this.settings = scanningSettings(config);
  }

  /** `POST /-/palisade/v1/scanning/import {"kind":"osv"|"epss"|"kev","source"?:"<path or URL>"}`; the source defaults to the configured one. */
  @Post('import')
  async import(@Body() body: unknown, @Headers('authorization') authorization: string | undefined, @Res() reply: FastifyReply): Promise<void> {
    await this.run(authorization, reply, async () => {
      const request = (body ?? {}) as { kind?: string; source?: string };
      const kind = (request.kind ?? 'osv') as Kind;
      if (!KINDS.includes(kind)) return { status: 400, body: { code: 'SCANNING_IMPORT_KIND', message: `kind must be one of ${KINDS.join(', ')}` } };
      const configured = { osv: this.settings.osvSource, epss: this.settings.epssSource, kev: this.settings.kevSource }[kind];
      const source = typeof request.source === 'string' && request.source.length > 0 ? request.source : configured;
      if (!source) return { status: 400, body: { code: 'SCANNING_IMPORT_NO_SOURCE', message: `no source given and none configured for ${kind}` } };
      const report = await this.importer.run<ImportReport>(() =>
        kind === 'osv' ? this.importer.importOsv(source) : kind === 'epss' ? this.importer.importEpss(source) : this.importer.importKev(source),
      );
      return { status: 200, body: report };
    });
  }

  @Get('status')
  async status(@Headers('authorization') authorization: string | undefined, @Res() reply: FastifyReply): Promise<void> {
    await this.run(authorization, reply, async () => {
      const runs = await this.dataSource.query('SELECT kind, source, started_at, finished_at, error FROM import_run ORDER BY id DESC LIMIT 10');
      return { status: 200, body: { database: await advisoryDb(this.dataSource), advisories: await advisoryCounts(this.dataSource), recentImports: runs } };
    });
  }

  /** `GET /-/palisade/v1/scanning/verdicts?name=<name>`: every stored verdict of a package. */
  @Get('verdicts')
  async verdicts(@Query('name') name: string | undefined, @Headers('authorization') authorization: string | undefined, @Res() reply: FastifyReply): Promise<void> {
    await this.run(authorization, reply, async () => {
      if (!name) return { status: 400, body: { code: 'SCANNING_NAME_REQUIRED', message: 'query parameter name is required' } };
      const rows = await this.dataSource.query(
        'SELECT name, version, integrity, verdict, vuln_risk, malware_risk, findings, advisory_ids, db_version, bytes_scanned, scan_count, scanned_at FROM scanned_version WHERE name = $1 ORDER BY scanned_at',
        [name],
      );
      return { status: 200, body: { verdicts: rows } };
    });
  }

  private async run(authorization: string | undefined, reply: FastifyReply, action: () => Promise<{ status: number; body: unknown }>): Promise<void> {
    const check = checkAdminToken(this.settings.adminToken, authorization);
    if (check === 'disabled') {
      await reply.status(503).send({ code: 'SCANNING_ADMIN_DISABLED', message: 'set PALISADE_SCANNING_ADMIN_TOKEN to use the scanning admin API' });
      return;
    }
    if (check === 'unauthorized') {
      await reply.status(401).header('www-authenticate', 'Bearer').send({ code: 'SCANNING_ADMIN_UNAUTHORIZED', message: 'a valid admin bearer token is required' });
      return;
    }
    try {
      const { status, body } = await action();
      await reply.status(status).header('cache-control', 'no-store').send(body);
    } catch (error: unknown) {
      if (isPalisadeError(error)) {
        await reply.status(STATUS[error.code] ?? 500).send({ code: error.code, message: error.message });
        return;
      }
      this.logger.error({ err: error }, 'scanning admin request failed');
      await reply.status(500).send({ code: 'SCANNING_INTERNAL', message: 'internal error' });
    }
  }
}
