import type { EntityManager } from 'typeorm';
import { quotedSchemaOf } from '@palisade/persistence';
import type { DownloadIdentity, DownloadTally } from '../domain/downloads';

/** Exposures of each kind a case shows at most (a reply must fit a bus message). */
export const MAX_EXPOSURES = 1_000;

export interface DownloadCount extends DownloadIdentity {
  count: number;
  firstSeenAt: Date;
  lastSeenAt: Date;
}

export interface DeploymentRecord {
  id: string;
  service: string;
  environment: string;
  view: string;
  format: string;
  reportedBy: string;
  reference: string;
  reportedAt: Date;
}

export interface DeployedPackageRecord {
  name: string;
  version: string;
  direct: boolean;
  integrity: string;
}

export interface DeploymentExposure extends DeploymentRecord {
  name: string;
  version: string;
  direct: boolean;
}

/** Who fetched what (the download index) and what CI deployed: the blast radius of a case. */
export const ExposureStore = {
  /**
   * Adds counts per identity; `rows` must hold each key once (aggregate a batch first). Times go
   * as epoch milliseconds, so the driver does not format two Dates for each of a batch's hundreds of rows.
   */
  async addDownloads(tx: EntityManager, rows: readonly DownloadTally[]): Promise<void> {
    if (rows.length === 0) return;
    const s = quotedSchemaOf(tx.connection);
    await tx.query(
      `INSERT INTO ${s}.download AS d (name, version, view, principal, token_id, user_agent, count, first_seen_at, last_seen_at)
       SELECT n, v, w, p, t, ua, c, to_timestamp(f / 1000.0), to_timestamp(l / 1000.0)
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[], $8::float8[], $9::float8[]) AS u(n, v, w, p, t, ua, c, f, l)
       ON CONFLICT (name, version, view, principal, token_id, user_agent) DO UPDATE SET count = d.count + EXCLUDED.count,
         first_seen_at = least(d.first_seen_at, EXCLUDED.first_seen_at), last_seen_at = greatest(d.last_seen_at, EXCLUDED.last_seen_at)`,
      [
        rows.map((r) => r.name),
        rows.map((r) => r.version),
        rows.map((r) => r.view),
        rows.map((r) => r.principal),
        rows.map((r) => r.tokenId),
        rows.map((r) => r.userAgent),
        rows.map((r) => r.count),
        rows.map((r) => r.firstSeenAt),
        rows.map((r) => r.lastSeenAt),
      ],
    );
  },

  /** The identities that fetched these versions, most recent first, at most `limit`. */
  async downloadsOf(db: EntityManager, name: string, versions: readonly string[], limit = MAX_EXPOSURES): Promise<DownloadCount[]> {
    if (versions.length === 0) return [];
    const s = quotedSchemaOf(db.connection);
    const rows: Array<{
      name: string;
      version: string;
      view: string;
      principal: string;
      token_id: string;
      user_agent: string;
      count: string;
      first_seen_at: Date;
      last_seen_at: Date;
    }> = await db.query(
      `SELECT name, version, view, principal, token_id, user_agent, count, first_seen_at, last_seen_at FROM ${s}.download
        WHERE name = $1 AND version = ANY($2) ORDER BY last_seen_at DESC, principal, version, view LIMIT $3`,
      [name, versions, limit],
    );
    return rows.map((r) => ({
      name: r.name,
      version: r.version,
      view: r.view,
      principal: r.principal,
      tokenId: r.token_id,
      userAgent: r.user_agent,
      count: Number(r.count),
      firstSeenAt: r.first_seen_at,
      lastSeenAt: r.last_seen_at,
    }));
  },

  async insertDeployment(tx: EntityManager, d: DeploymentRecord, packages: readonly DeployedPackageRecord[]): Promise<void> {
    const s = quotedSchemaOf(tx.connection);
    await tx.query(
      `INSERT INTO ${s}.deployment (id, service, environment, view, format, reported_by, reference, reported_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [d.id, d.service, d.environment, d.view, d.format, d.reportedBy, d.reference, d.reportedAt],
    );
    if (packages.length === 0) return;
    await tx.query(
      `INSERT INTO ${s}.deployment_package (deployment_id, name, version, direct, integrity)
       SELECT $1::text, * FROM unnest($2::text[], $3::text[], $4::boolean[], $5::text[])`,
      [d.id, packages.map((p) => p.name), packages.map((p) => p.version), packages.map((p) => p.direct), packages.map((p) => p.integrity)],
    );
  },

  /**
   * The current deployment of each service and environment (the latest reported) when it
   * contains one of the versions: an older deployment a newer one replaced is no longer exposed.
   */
  async deploymentsContaining(db: EntityManager, name: string, versions: readonly string[], limit = MAX_EXPOSURES): Promise<DeploymentExposure[]> {
    if (versions.length === 0) return [];
    const s = quotedSchemaOf(db.connection);
    const rows: Array<{
      id: string;
      service: string;
      environment: string;
      view: string;
      format: string;
      reported_by: string;
      reference: string;
      reported_at: Date;
      name: string;
      version: string;
      direct: boolean;
    }> = await db.query(
      `SELECT d.id, d.service, d.environment, d.view, d.format, d.reported_by, d.reference, d.reported_at, p.name, p.version, p.direct
         FROM ${s}.deployment_package p JOIN ${s}.deployment d ON d.id = p.deployment_id
        WHERE p.name = $1 AND p.version = ANY($2)
          AND NOT EXISTS (SELECT 1 FROM ${s}.deployment n WHERE n.service = d.service AND n.environment = d.environment AND (n.reported_at, n.id) > (d.reported_at, d.id))
        ORDER BY d.service, d.environment, p.version LIMIT $3`,
      [name, versions, limit],
    );
    return rows.map((r) => ({
      id: r.id,
      service: r.service,
      environment: r.environment,
      view: r.view,
      format: r.format,
      reportedBy: r.reported_by,
      reference: r.reference,
      reportedAt: r.reported_at,
      name: r.name,
      version: r.version,
      direct: r.direct,
    }));
  },
};
