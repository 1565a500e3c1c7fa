import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { quotedSchemaOf } from '@palisade/persistence';
import { highestPreferringStable } from '../domain/versions';
import { scopeOf } from '../../http/package-name';

export interface IngestedVersion {
  name: string;
  version: string;
  manifestJson: string;
  integrity: string;
  blobKey: string;
  size: number;
  publishedAt: Date;
  publisher?: string;
  distTag?: string;
  provenanceKey?: string;
  /** From the provenance bundle's statement; set with `provenanceKey`. */
  provenancePredicateType?: string;
  description?: string;
  keywords?: string;
  /** Set for versions read through from the upstream: where their bytes are fetched from. */
  upstreamTarballUrl?: string;
}

/** Which part of which listing (one fetch's `version.listed` events) an event is. */
export interface ListingPart {
  /** Identifies the fetch: the events of one listing share it. */
  listing: string;
  /** How many events the listing has; 0 or 1: this one alone. */
  parts: number;
}

/** An upstream version listed before judgment: no publisher, no provenance, bytes fetched on first request. */
export type ListedVersion = IngestedVersion & { upstreamTarballUrl: string };

export interface Admission {
  view: string;
  name: string;
  version: string;
  integrity: string;
  admittedAt: Date;
}

/** A view no longer admits the version (`version.dismissed`). */
export interface Dismissal {
  view: string;
  name: string;
  version: string;
  reason: string;
  dismissedAt: Date;
}

/**
 * Applies version events to the read model inside the caller's (inbox) transaction. Each effect
 * is idempotent on its own and tolerant of order: admissions are stored even before the version
 * is known, and an unpublished version stays a tombstone that a late ingestion cannot revive.
 */
@Injectable()
export class ReadModelWriter {
  async applyIngested(tx: EntityManager, v: IngestedVersion): Promise<void> {
    const s = quotedSchemaOf(tx.connection);
    await tx.query(`INSERT INTO ${s}.packages (name, created_at, modified_at) VALUES ($1, $2, $2) ON CONFLICT (name) DO NOTHING`, [v.name, v.publishedAt]);
    const stored: unknown[] = await tx.query(
      `INSERT INTO ${s}.package_versions (name, version, manifest_json, integrity, blob_key, size, published_at, publisher, provenance_key, description, keywords, provenance_predicate_type,
         source, upstream_tarball_url)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
       ON CONFLICT (name, version) DO UPDATE SET manifest_json = EXCLUDED.manifest_json, integrity = EXCLUDED.integrity,
         blob_key = EXCLUDED.blob_key, size = EXCLUDED.size, published_at = EXCLUDED.published_at, publisher = EXCLUDED.publisher,
         provenance_key = EXCLUDED.provenance_key, provenance_predicate_type = EXCLUDED.provenance_predicate_type, description = EXCLUDED.description, keywords = EXCLUDED.keywords,
         source = EXCLUDED.source, upstream_tarball_url = EXCLUDED.upstream_tarball_url
       WHERE ${s}.package_versions.manifest_json IS NULL AND ${s}.package_versions.unpublished_at IS NULL
       RETURNING version`,
      [v.name, v.version, v.manifestJson, v.integrity, v.blobKey, v.size, v.publishedAt, v.publisher ?? null, v.provenanceKey ?? null, v.description ?? null, v.keywords ?? null, v.provenancePredicateType ?? null,
       v.upstreamTarballUrl ? 'upstream' : 'published', v.upstreamTarballUrl ?? null],
    );
    if (stored.length === 0) return; // already recorded, or unpublished before this event arrived
    await tx.query(
      `UPDATE ${s}.packages SET revision = revision + 1, unpublished_at = NULL, modified_at = greatest(modified_at, $2, now()) WHERE name = $1`,
      [v.name, v.publishedAt],
    );
    // `npm publish --tag x` moves x unconditionally, even backwards; that is the client's promise.
    if (v.distTag) {
      await tx.query(
        `INSERT INTO ${s}.dist_tags (name, tag, version) VALUES ($1, $2, $3) ON CONFLICT (name, tag) DO UPDATE SET version = EXCLUDED.version`,
        [v.name, v.distTag, v.version],
      );
    }
    if (v.publisher) {
      await tx.query(
        `INSERT INTO ${s}.package_maintainers (name, username)
         SELECT $1, $2 WHERE NOT EXISTS (SELECT 1 FROM ${s}.package_maintainers WHERE name = $1)
         ON CONFLICT (name, username) DO NOTHING`,
        [v.name, v.publisher],
      );
      // The publisher's pending claims of the name and its scope become permanent here too, in
      // case the gateway that forwarded the publish could not record that (see PublishService).
      await tx.query(`UPDATE ${s}.name_claims SET accepted = true WHERE name = $1 AND owner = $2 AND NOT accepted`, [v.name, v.publisher]);
      const scope = scopeOf(v.name);
      if (scope !== undefined) await tx.query(`UPDATE ${s}.scope_owners SET accepted = true WHERE scope = $1 AND owner = $2 AND NOT accepted`, [scope, v.publisher]);
    }
  }

  /**
   * Upstream versions listed before judgment (`version.listed`), in one statement however many a
   * package's history holds; the same effect as `applyIngested` for each. A version already
   * recorded, or unpublished meanwhile, is left as it is. Once every part of the listing is
   * applied, views that list unjudged versions show the package.
   */
  async applyListed(tx: EntityManager, name: string, versions: readonly ListedVersion[], part: ListingPart): Promise<void> {
    const s = quotedSchemaOf(tx.connection);
    const whole = await this.#completes(tx, name, part);
    if (versions.length > 0) {
      const earliest = new Date(Math.min(...versions.map((v) => v.publishedAt.getTime())));
      const latest = new Date(Math.max(...versions.map((v) => v.publishedAt.getTime())));
      // The row first: a tagged version's own event may be creating it at this moment, on another consumer.
      await tx.query(`INSERT INTO ${s}.packages (name, created_at, modified_at) VALUES ($1, $2, $2) ON CONFLICT (name) DO NOTHING`, [name, earliest]);
      const column = <T>(pick: (v: ListedVersion) => T) => versions.map(pick);
      const stored: unknown[] = await tx.query(
        `INSERT INTO ${s}.package_versions (name, version, manifest_json, integrity, blob_key, size, published_at, description, keywords, source, upstream_tarball_url)
         SELECT $1, v, m, i, b, sz, p, d, k, 'upstream', u
           FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::timestamptz[], $8::text[], $9::text[], $10::text[]) AS x(v, m, i, b, sz, p, d, k, u)
         ON CONFLICT (name, version) DO UPDATE SET manifest_json = EXCLUDED.manifest_json, integrity = EXCLUDED.integrity, blob_key = EXCLUDED.blob_key, size = EXCLUDED.size,
           published_at = EXCLUDED.published_at, description = EXCLUDED.description, keywords = EXCLUDED.keywords, source = EXCLUDED.source, upstream_tarball_url = EXCLUDED.upstream_tarball_url
         WHERE ${s}.package_versions.manifest_json IS NULL AND ${s}.package_versions.unpublished_at IS NULL
         RETURNING version`,
        [
          name,
          column((v) => v.version),
          column((v) => v.manifestJson),
          column((v) => v.integrity),
          column((v) => v.blobKey),
          column((v) => v.size),
          column((v) => v.publishedAt),
          column((v) => v.description ?? null),
          column((v) => v.keywords ?? null),
          column((v) => v.upstreamTarballUrl),
        ],
      );
      if (stored.length > 0) {
        await tx.query(`UPDATE ${s}.packages SET revision = revision + 1, unpublished_at = NULL, modified_at = greatest(modified_at, $2, now()) WHERE name = $1`, [name, latest]);
      }
      for (const v of versions) {
        if (v.distTag) await tx.query(`INSERT INTO ${s}.dist_tags (name, tag, version) VALUES ($1, $2, $3) ON CONFLICT (name, tag) DO UPDATE SET version = EXCLUDED.version`, [name, v.distTag, v.version]);
      }
    }
    if (whole) await tx.query(`UPDATE ${s}.packages SET upstream_listed_at = now(), revision = revision + 1 WHERE name = $1 AND upstream_listed_at IS NULL`, [name]);
  }

  /** Counts this part of a listing (each message is applied once); true when it was the last one missing. */
  async #completes(tx: EntityManager, name: string, part: ListingPart): Promise<boolean> {
    if (part.parts <= 1) return true;
    const s = quotedSchemaOf(tx.connection);
    const rows: Array<{ applied: number }> = await tx.query(
      `INSERT INTO ${s}.upstream_listings (name, listing, parts, applied) VALUES ($1, $2, $3, 1)
       ON CONFLICT (name, listing) DO UPDATE SET applied = ${s}.upstream_listings.applied + 1 RETURNING applied`,
      [name, part.listing, part.parts],
    );
    if (rows[0].applied < part.parts) return false;
    await tx.query(`DELETE FROM ${s}.upstream_listings WHERE name = $1 AND listing = $2`, [name, part.listing]);
    return true;
  }

  async applyAdmitted(tx: EntityManager, a: Admission): Promise<void> {
    const s = quotedSchemaOf(tx.connection);
    // An admission older than the view's last dismissal of the version arrived late: ignore it.
    const inserted: unknown[] = await tx.query(
      `INSERT INTO ${s}.view_admissions (view, name, version, integrity, admitted_at)
       SELECT $1, $2, $3, $4, $5 WHERE NOT EXISTS (
         SELECT 1 FROM ${s}.view_dismissals d WHERE d.view = $1 AND d.name = $2 AND d.version = $3 AND d.dismissed_at >= $5)
       ON CONFLICT (view, name, version) DO UPDATE SET integrity = EXCLUDED.integrity, admitted_at = EXCLUDED.admitted_at
       WHERE ${s}.view_admissions.integrity <> EXCLUDED.integrity
       RETURNING version`,
      [a.view, a.name, a.version, a.integrity, a.admittedAt],
    );
    if (inserted.length > 0) await this.touch(tx, a.name);
  }

  /** Takes the version out of one view, unless it was admitted there again after the dismissal. */
  async applyDismissed(tx: EntityManager, d: Dismissal): Promise<void> {
    const s = quotedSchemaOf(tx.connection);
    await tx.query(
      `INSERT INTO ${s}.view_dismissals (view, name, version, reason, dismissed_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (view, name, version) DO UPDATE SET reason = EXCLUDED.reason, dismissed_at = EXCLUDED.dismissed_at
       WHERE ${s}.view_dismissals.dismissed_at < EXCLUDED.dismissed_at`,
      [d.view, d.name, d.version, d.reason, d.dismissedAt],
    );
    const removed: unknown[] = await tx.query(
      `DELETE FROM ${s}.view_admissions WHERE view = $1 AND name = $2 AND version = $3 AND admitted_at <= $4 RETURNING version`,
      [d.view, d.name, d.version, d.dismissedAt],
    );
    if (removed.length > 0) await this.touch(tx, d.name);
  }

  /** Takes the version out of every view; moves or drops the tags that pointed at it. */
  async applyUnpublished(tx: EntityManager, name: string, version: string, at: Date): Promise<void> {
    const s = quotedSchemaOf(tx.connection);
    await tx.query(
      `INSERT INTO ${s}.package_versions (name, version, unpublished_at) VALUES ($1, $2, $3)
       ON CONFLICT (name, version) DO UPDATE SET unpublished_at = coalesce(${s}.package_versions.unpublished_at, EXCLUDED.unpublished_at)`,
      [name, version, at],
    );
    await tx.query(`DELETE FROM ${s}.view_admissions WHERE name = $1 AND version = $2`, [name, version]);
    const live: Array<{ version: string }> = await tx.query(
      `SELECT version FROM ${s}.package_versions WHERE name = $1 AND manifest_json IS NOT NULL AND unpublished_at IS NULL`,
      [name],
    );
    const latest = highestPreferringStable(live.map((r) => r.version));
    await tx.query(`DELETE FROM ${s}.dist_tags WHERE name = $1 AND version = $2 AND tag <> 'latest'`, [name, version]);
    if (latest === undefined) {
      await tx.query(`DELETE FROM ${s}.dist_tags WHERE name = $1`, [name]);
    } else {
      await tx.query(`UPDATE ${s}.dist_tags SET version = $3 WHERE name = $1 AND tag = 'latest' AND version = $2`, [name, version, latest]);
    }
    await tx.query(
      `UPDATE ${s}.packages SET revision = revision + 1, modified_at = greatest(modified_at, $2),
         unpublished_at = CASE WHEN $3::boolean THEN coalesce(unpublished_at, $2) ELSE NULL END
       WHERE name = $1`,
      [name, at, latest === undefined],
    );
  }

  /** Every change to what a package renders bumps its revision: caches on every replica notice. */
  /**
   * A view's policy refused the version (`version.refused`): recorded beside dismissals, so a view
   * that lists upstream versions before judging them lists it no more, and a tarball request
   * waiting for it answers with the reasons.
   */
  async applyRefused(tx: EntityManager, d: Dismissal): Promise<void> {
    const s = quotedSchemaOf(tx.connection);
    const changed: unknown[] = await tx.query(
      `INSERT INTO ${s}.view_dismissals (view, name, version, reason, dismissed_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (view, name, version) DO UPDATE SET reason = EXCLUDED.reason, dismissed_at = EXCLUDED.dismissed_at
       WHERE ${s}.view_dismissals.dismissed_at < EXCLUDED.dismissed_at
       RETURNING version`,
      [d.view, d.name, d.version, d.reason, d.dismissedAt],
    );
    // Admissions are left alone: taking an admitted version out is `version.dismissed`'s job.
    if (changed.length > 0) await this.touch(tx, d.name);
  }

  /**
   * The upstream's dist-tags of a package read through (`version.listed`) replace the ones stored:
   * tags the upstream dropped go too. A package published here keeps its own tags.
   */
  async applyUpstreamDistTags(tx: EntityManager, name: string, tags: Readonly<Record<string, string>>): Promise<void> {
    const s = quotedSchemaOf(tx.connection);
    const published: unknown[] = await tx.query(`SELECT 1 FROM ${s}.package_versions WHERE name = $1 AND source = 'published' LIMIT 1`, [name]);
    if (published.length > 0) return;
    const entries = Object.entries(tags);
    const stored: Array<{ tag: string; version: string }> = await tx.query(`SELECT tag, version FROM ${s}.dist_tags WHERE name = $1`, [name]);
    if (stored.length === entries.length && stored.every((t) => tags[t.tag] === t.version)) return;
    await tx.query(`DELETE FROM ${s}.dist_tags WHERE name = $1`, [name]);
    await tx.query(`INSERT INTO ${s}.dist_tags (name, tag, version) SELECT $1, * FROM unnest($2::text[], $3::text[])`, [name, entries.map(([t]) => t), entries.map(([, v]) => v)]);
    await this.touch(tx, name);
  }

  async touch(tx: EntityManager, name: string): Promise<void> {
    const s = quotedSchemaOf(tx.connection);
    await tx.query(`UPDATE ${s}.packages SET revision = revision + 1, modified_at = greatest(modified_at, now()) WHERE name = $1`, [name]);
  }
}
