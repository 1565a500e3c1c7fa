import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { DATA_SOURCE } from '@palisade/platform';
import { quotedSchemaOf } from '@palisade/persistence';
import { PermanentError } from '@palisade/errors';
import { isRecord } from '../domain/json-shapes';
import type { Maintainer, PackageRecord, VersionQuarantine, VersionRecord } from '../domain/package-record';

interface PackageRow {
  revision: string;
  upstream_listed_at: Date | null;
  created_at: Date;
  modified_at: Date;
  maintainers: Array<{ name: string; email: string | null }>;
  dist_tags: Record<string, string>;
  versions: Array<{
    version: string;
    manifest: string;
    integrity: string;
    published_at: string;
    publisher: string | null;
    deprecated: string | null;
    provenance: string | null;
    upstream: boolean;
  }>;
  admissions: Array<{ view: string; version: string; integrity: string }>;
  signatures: Array<{ version: string; integrity: string; keyid: string; sig: string }>;
  verdicts: Array<{ version: string; integrity: string; verdict: 'warn' | 'block'; reason: string }>;
  quarantines: QuarantineRow[];
  dismissals: Array<{ view: string; version: string; reason: string }>;
}

/** An active recall quarantine; `integrity` is empty when it holds for any bytes of the version. */
interface QuarantineRow {
  view: string;
  version: string;
  integrity: string;
  mode: 'warn' | 'block';
  reason: string;
  changed_at: string;
}

export type VersionState = 'live' | 'unpublished' | 'absent';

export interface TarballLocation {
  blobKey: string;
  integrity: string;
  /** 0 for upstream versions (known once the bytes are stored). */
  size: number;
  /** Set for versions read through from the upstream: their bytes may not be stored yet. */
  upstreamTarballUrl?: string;
  /** Set when a scan blocked these bytes: they are never served, whatever the admissions say. */
  blockedReason?: string;
  /** Set when a recall quarantines these bytes in the view (the strongest case's). */
  quarantine?: VersionQuarantine;
}

/**
 * SQL condition on version row `v`: false for an upstream version of a name that is published
 * here. An internal package shadows the upstream package of the same name entirely.
 */
function notShadowed(s: string, v: string): string {
  return `(${v}.source = 'published' OR NOT EXISTS (SELECT 1 FROM ${s}.package_versions w
    WHERE w.name = ${v}.name AND w.source = 'published' AND w.manifest_json IS NOT NULL AND w.unpublished_at IS NULL))`;
}

/** Reads of the package read model. */
@Injectable()
export class PackageReader {
  private readonly s: string;

  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {
    this.s = quotedSchemaOf(dataSource);
  }

  /**
   * Everything about one package in a single statement, so the revision and the content come
   * from the same snapshot (a cache entry is never newer or older than the revision it claims).
   */
  async load(name: string): Promise<PackageRecord | null> {
    const s = this.s;
    const rows: PackageRow[] = await this.dataSource.query(
      `SELECT p.revision, p.created_at, p.modified_at, p.upstream_listed_at,
        (SELECT coalesce(json_agg(json_build_object('name', m.username, 'email', m.email) ORDER BY m.added_at, m.username), '[]'::json)
           FROM ${s}.package_maintainers m WHERE m.name = p.name) AS maintainers,
        (SELECT coalesce(json_object_agg(t.tag, t.version), '{}'::json) FROM ${s}.dist_tags t WHERE t.name = p.name) AS dist_tags,
        (SELECT coalesce(json_agg(json_build_object('version', v.version, 'manifest', v.manifest_json, 'integrity', v.integrity,
                  'published_at', v.published_at, 'publisher', v.publisher, 'deprecated', v.deprecated,
                  'provenance', v.provenance_predicate_type, 'upstream', v.source = 'upstream')), '[]'::json)
           FROM ${s}.package_versions v WHERE v.name = p.name AND v.manifest_json IS NOT NULL AND v.unpublished_at IS NULL AND ${notShadowed(s, 'v')}) AS versions,
        (SELECT coalesce(json_agg(json_build_object('view', a.view, 'version', a.version, 'integrity', a.integrity)), '[]'::json)
           FROM ${s}.view_admissions a WHERE a.name = p.name) AS admissions,
        (SELECT coalesce(json_agg(json_build_object('version', g.version, 'integrity', g.integrity, 'keyid', g.keyid, 'sig', g.sig) ORDER BY g.signed_at, g.keyid), '[]'::json)
           FROM ${s}.version_signatures g WHERE g.name = p.name) AS signatures,
        (SELECT coalesce(json_agg(json_build_object('version', vv.version, 'integrity', vv.integrity, 'verdict', vv.verdict, 'reason', vv.reason)), '[]'::json)
           FROM ${s}.version_verdicts vv WHERE vv.name = p.name AND vv.verdict <> 'clean') AS verdicts,
        (SELECT coalesce(json_agg(json_build_object('view', q.view, 'version', q.version, 'integrity', q.integrity, 'mode', q.mode, 'reason', q.reason,
                  'changed_at', q.changed_at)), '[]'::json)
           FROM ${s}.version_quarantines q WHERE q.name = p.name AND q.state = 'quarantined') AS quarantines,
        (SELECT coalesce(json_agg(json_build_object('view', d.view, 'version', d.version, 'reason', d.reason)), '[]'::json)
           FROM ${s}.view_dismissals d WHERE d.name = p.name) AS dismissals
       FROM ${s}.packages p WHERE p.name = $1`,
      [name],
    );
    return rows.length === 0 ? null : toRecord(name, rows[0]);
  }

  /**
   * When the package last changed (any event or write), and whether it is read through from the
   * upstream with its listing still on the way; null when it is unknown here.
   */
  async arrivalOf(name: string): Promise<{ modifiedAt: Date; awaitingListing: boolean } | null> {
    const rows: Array<{ modified_at: Date; awaiting_listing: boolean }> = await this.dataSource.query(
      `SELECT p.modified_at, (p.upstream_listed_at IS NULL AND EXISTS (SELECT 1 FROM ${this.s}.package_versions v WHERE v.name = p.name AND v.source = 'upstream')) AS awaiting_listing
         FROM ${this.s}.packages p WHERE p.name = $1`,
      [name],
    );
    return rows.length === 0 ? null : { modifiedAt: rows[0].modified_at, awaitingListing: rows[0].awaiting_listing };
  }

  /** The revision alone: what a cache checks to know whether its rendering is still current. */
  async revisionOf(name: string): Promise<number | null> {
    const rows: Array<{ revision: string }> = await this.dataSource.query(`SELECT revision FROM ${this.s}.packages WHERE name = $1`, [name]);
    return rows.length === 0 ? null : Number(rows[0].revision);
  }

  async versionState(name: string, version: string): Promise<VersionState> {
    const rows: Array<{ live: boolean }> = await this.dataSource.query(
      `SELECT (manifest_json IS NOT NULL AND unpublished_at IS NULL) AS live FROM ${this.s}.package_versions WHERE name = $1 AND version = $2`,
      [name, version],
    );
    if (rows.length === 0) return 'absent';
    return rows[0].live ? 'live' : 'unpublished';
  }

  /** Where a version's bytes are, when the view serves it. */
  async tarballIn(view: string, name: string, version: string): Promise<TarballLocation | null> {
    const rows: Array<{
      blob_key: string;
      integrity: string;
      size: string;
      upstream_tarball_url: string | null;
      blocked_reason: string | null;
      quarantine: VersionQuarantine | null;
    }> = await this.dataSource.query(
      `SELECT v.blob_key, v.integrity, v.size, v.upstream_tarball_url,
        (SELECT vv.reason FROM ${this.s}.version_verdicts vv WHERE vv.name = v.name AND vv.version = v.version AND vv.integrity = v.integrity AND vv.verdict = 'block') AS blocked_reason,
        (SELECT json_build_object('mode', q.mode, 'reason', q.reason) FROM ${this.s}.version_quarantines q
          WHERE q.name = v.name AND q.version = v.version AND q.view = $1 AND q.state = 'quarantined' AND q.integrity IN (v.integrity, '')
          ORDER BY q.mode = 'block' DESC, q.changed_at DESC LIMIT 1) AS quarantine
         FROM ${this.s}.package_versions v
         JOIN ${this.s}.view_admissions a ON a.view = $1 AND a.name = v.name AND a.version = v.version AND a.integrity = v.integrity
        WHERE v.name = $2 AND v.version = $3 AND v.manifest_json IS NOT NULL AND v.unpublished_at IS NULL AND ${notShadowed(this.s, 'v')}`,
      [view, name, version],
    );
    if (rows.length === 0) return null;
    const row = rows[0];
    return {
      blobKey: row.blob_key,
      integrity: row.integrity,
      size: Number(row.size),
      ...(row.upstream_tarball_url ? { upstreamTarballUrl: row.upstream_tarball_url } : {}),
      ...(row.blocked_reason !== null ? { blockedReason: row.blocked_reason } : {}),
      ...(row.quarantine !== null ? { quarantine: { mode: row.quarantine.mode, reason: row.quarantine.reason } } : {}),
    };
  }

  /**
   * An upstream version the view does not serve (yet): what stands in its way. `waiting` when it
   * may still be admitted; null when the view has no such version to wait for.
   */
  async unjudgedIn(view: string, name: string, version: string): Promise<{ state: 'waiting' } | { state: 'blocked' | 'refused'; reason: string } | null> {
    const rows: Array<{ blocked_reason: string | null; refused_reason: string | null }> = await this.dataSource.query(
      `SELECT
        (SELECT vv.reason FROM ${this.s}.version_verdicts vv WHERE vv.name = v.name AND vv.version = v.version AND vv.integrity = v.integrity AND vv.verdict = 'block') AS blocked_reason,
        (SELECT d.reason FROM ${this.s}.view_dismissals d WHERE d.view = $1 AND d.name = v.name AND d.version = v.version) AS refused_reason
         FROM ${this.s}.package_versions v
        WHERE v.name = $2 AND v.version = $3 AND v.source = 'upstream' AND v.manifest_json IS NOT NULL AND v.unpublished_at IS NULL AND ${notShadowed(this.s, 'v')}`,
      [view, name, version],
    );
    if (rows.length === 0) return null;
    if (rows[0].blocked_reason !== null) return { state: 'blocked', reason: rows[0].blocked_reason };
    if (rows[0].refused_reason !== null) return { state: 'refused', reason: rows[0].refused_reason };
    return { state: 'waiting' };
  }

  /** The provenance bundle of a version the view serves, when it has one. */
  async provenanceIn(view: string, name: string, version: string): Promise<{ blobKey: string; predicateType: string } | null> {
    const rows: Array<{ provenance_key: string; provenance_predicate_type: string }> = await this.dataSource.query(
      `SELECT v.provenance_key, v.provenance_predicate_type FROM ${this.s}.package_versions v
         JOIN ${this.s}.view_admissions a ON a.view = $1 AND a.name = v.name AND a.version = v.version AND a.integrity = v.integrity
        WHERE v.name = $2 AND v.version = $3 AND v.manifest_json IS NOT NULL AND v.unpublished_at IS NULL
          AND v.provenance_key IS NOT NULL AND v.provenance_predicate_type IS NOT NULL`,
      [view, name, version],
    );
    return rows.length === 0 ? null : { blobKey: rows[0].provenance_key, predicateType: rows[0].provenance_predicate_type };
  }

  /** True when the package's versions were read through from the upstream (and none published here). */
  async isFromUpstream(name: string): Promise<boolean> {
    const rows: Array<{ upstream: boolean }> = await this.dataSource.query(
      `SELECT bool_and(source = 'upstream') AS upstream FROM ${this.s}.package_versions WHERE name = $1 AND manifest_json IS NOT NULL`,
      [name],
    );
    return rows[0]?.upstream === true;
  }

  async isVisible(view: string, name: string, version: string): Promise<boolean> {
    const location = await this.tarballIn(view, name, version);
    return location !== null && location.blockedReason === undefined && location.quarantine?.mode !== 'block';
  }

  /**
   * Whether the name is taken (a version was ever recorded, or a publish was accepted) and by whom.
   * Maintainers stay after a full unpublish, so nobody else can take the name over.
   */
  async ownershipOf(name: string): Promise<{ exists: boolean; maintainers: Maintainer[] }> {
    const rows: Array<{ exists: boolean; maintainers: Array<{ name: string; email: string | null }> }> = await this.dataSource.query(
      `SELECT EXISTS (SELECT 1 FROM ${this.s}.packages WHERE name = $1) AS exists,
        (SELECT coalesce(json_agg(json_build_object('name', m.username, 'email', m.email) ORDER BY m.added_at, m.username), '[]'::json)
           FROM ${this.s}.package_maintainers m WHERE m.name = $1) AS maintainers`,
      [name],
    );
    const maintainers = rows[0].maintainers.map(toMaintainer);
    return { exists: rows[0].exists || maintainers.length > 0, maintainers };
  }

  async liveVersions(name: string): Promise<string[]> {
    const rows: Array<{ version: string }> = await this.dataSource.query(
      `SELECT version FROM ${this.s}.package_versions WHERE name = $1 AND manifest_json IS NOT NULL AND unpublished_at IS NULL`,
      [name],
    );
    return rows.map((r) => r.version);
  }
}

function toRecord(name: string, row: PackageRow): PackageRecord {
  const signaturesOf = new Map<string, Array<{ keyid: string; sig: string }>>();
  for (const g of row.signatures) {
    // A signature is for exact bytes, like an admission.
    const key = `${g.version}\n${g.integrity}`;
    signaturesOf.set(key, [...(signaturesOf.get(key) ?? []), { keyid: g.keyid, sig: g.sig }]);
  }
  // A verdict, like a signature, is about exact bytes.
  const verdictOf = new Map(row.verdicts.map((x) => [`${x.version}\n${x.integrity}`, x]));
  const quarantinesOf = servedQuarantines(row.quarantines);
  const dismissalsOf = new Map<string, Map<string, string>>();
  for (const d of row.dismissals) dismissalsOf.set(d.version, (dismissalsOf.get(d.version) ?? new Map<string, string>()).set(d.view, d.reason));
  const versions: VersionRecord[] = row.versions.map((v) => {
    const signatures = signaturesOf.get(`${v.version}\n${v.integrity}`);
    const scan = verdictOf.get(`${v.version}\n${v.integrity}`);
    const quarantines = quarantinesOf(v.version, v.integrity);
    return {
      version: v.version,
      manifest: parseManifest(name, v.version, v.manifest),
      integrity: v.integrity,
      publishedAt: new Date(v.published_at),
      ...(v.publisher ? { publisher: v.publisher } : {}),
      ...(v.deprecated ? { deprecated: v.deprecated } : {}),
      ...(signatures ? { signatures } : {}),
      ...(v.provenance ? { provenancePredicateType: v.provenance } : {}),
      ...(scan ? { verdict: scan.verdict, verdictReason: scan.reason } : {}),
      ...(quarantines ? { quarantines } : {}),
      ...(v.upstream ? { fromUpstream: true } : {}),
      ...(dismissalsOf.has(v.version) ? { dismissedIn: dismissalsOf.get(v.version) } : {}),
    };
  });
  const integrityOf = new Map(versions.map((v) => [v.version, v.integrity]));
  const admissions = new Map<string, Set<string>>();
  for (const a of row.admissions) {
    // An admission is for exact bytes: a mismatch means it was about something else.
    if (integrityOf.get(a.version) !== a.integrity) continue;
    const set = admissions.get(a.view) ?? new Set<string>();
    set.add(a.version);
    admissions.set(a.view, set);
  }
  return {
    name,
    revision: Number(row.revision),
    createdAt: new Date(row.created_at),
    modifiedAt: new Date(row.modified_at),
    maintainers: row.maintainers.map(toMaintainer),
    distTags: row.dist_tags,
    versions,
    admissions,
    ...(row.upstream_listed_at === null && versions.some((v) => v.fromUpstream) ? { awaitingListing: true } : {}),
  };
}

/**
 * Per version and bytes, the quarantine each view serves: of several cases holding the version in
 * one view, block wins over warn, then the newest. A quarantine without integrity holds for any bytes.
 */
function servedQuarantines(rows: readonly QuarantineRow[]): (version: string, integrity: string) => ReadonlyMap<string, VersionQuarantine> | undefined {
  const byVersion = new Map<string, QuarantineRow[]>();
  for (const q of rows) byVersion.set(q.version, [...(byVersion.get(q.version) ?? []), q]);
  return (version, integrity) => {
    const strongest = new Map<string, QuarantineRow>();
    for (const q of byVersion.get(version) ?? []) {
      if (q.integrity !== '' && q.integrity !== integrity) continue;
      const held = strongest.get(q.view);
      if (!held || outranks(q, held)) strongest.set(q.view, q);
    }
    if (strongest.size === 0) return undefined;
    return new Map([...strongest].map(([view, q]) => [view, { mode: q.mode, reason: q.reason }]));
  };
}

function outranks(a: QuarantineRow, b: QuarantineRow): boolean {
  if (a.mode !== b.mode) return a.mode === 'block';
  return new Date(a.changed_at).getTime() > new Date(b.changed_at).getTime();
}

function toMaintainer(m: { name: string; email: string | null }): Maintainer {
  return m.email ? { name: m.name, email: m.email } : { name: m.name };
}

function parseManifest(name: string, version: string, json: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(json);
    if (isRecord(value)) return value;
  } catch {
    // reported below
  }
  throw new PermanentError('GATEWAY_MANIFEST_UNREADABLE', `the recorded manifest of ${name}@${version} is not a JSON object`);
}
