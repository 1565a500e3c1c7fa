import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { DataSource } from 'typeorm';
import { Events, VersionSource, decodeMessage } from '@palisade/contracts';
import { PermanentError, RetryableError } from '@palisade/errors';
import { applyOnce, type DeliveredMessage } from '@palisade/messaging';
import { DATA_SOURCE } from '@palisade/platform';
import { VersionScanner } from '../application/version-scanner';
import { findVerdict } from '../store/verdict-store';

function parseManifest(json: string, what: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(json || '{}');
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    throw new PermanentError('SCANNING_EVENT_INVALID', `${what}: manifest_json is not JSON`);
  }
}

/**
 * Each version's scan is its own (reading its tarball overlaps the others' database work), so a few
 * are handled at once.
 */
const VERSIONS_AT_ONCE = { concurrency: 4 };

/**
 * Every version gets a verdict: published versions at ingest (bytes stored), upstream versions at
 * ingest from advisories only and again, with heuristics, when their bytes are cached.
 */
@Controller()
export class VersionEventsController {
  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    private readonly scanner: VersionScanner,
  ) {}

  @EventPattern(Events.versionIngested.subject, VERSIONS_AT_ONCE)
  async onIngested(@Payload() message: DeliveredMessage): Promise<void> {
    const event = decodeMessage(Events.versionIngested.schema, message.data);
    const integrity = event.tarball?.integrity ?? '';
    if (!event.name || !event.version || !integrity) {
      throw new PermanentError('SCANNING_EVENT_INVALID', `version.ingested needs name, version and integrity (got ${event.name}@${event.version})`);
    }
    const manifest = parseManifest(event.manifestJson, `${event.name}@${event.version}`);
    const source = event.source === VersionSource.UNSPECIFIED ? VersionSource.PUBLISHED : event.source;
    const key = event.tarball?.key ?? '';
    // Bytes are read before the transaction: no connection is held while the tarball streams.
    const heuristics = key ? await this.scanner.inspectBytes(event.name, event.version, manifest, key) : undefined;
    await applyOnce(this.dataSource, 'scanning.version-ingested', message, async (tx) => {
      await this.scanner.record(tx, { name: event.name, version: event.version, integrity, source, manifest }, heuristics, 'first');
    });
  }

  @EventPattern(Events.versionTarballCached.subject)
  async onTarballCached(@Payload() message: DeliveredMessage): Promise<void> {
    const event = decodeMessage(Events.versionTarballCached.schema, message.data);
    const integrity = event.tarball?.integrity ?? '';
    const key = event.tarball?.key ?? '';
    if (!event.name || !event.version || !integrity || !key) {
      throw new PermanentError('SCANNING_EVENT_INVALID', `version.tarball-cached needs name, version and a stored tarball (got ${event.name}@${event.version})`);
    }
    const scanned = await findVerdict(this.dataSource, event.name, event.version, integrity);
    // Consumers of different subjects may run out of order; the ingested event comes first.
    if (!scanned) throw new RetryableError('SCANNING_VERSION_NOT_SCANNED_YET', `${event.name}@${event.version} has no verdict yet; tarball-cached retried`);
    if (scanned.bytesScanned) return;
    const heuristics = await this.scanner.inspectBytes(event.name, event.version, scanned.manifest, key);
    await applyOnce(this.dataSource, 'scanning.version-tarball-cached', message, async (tx) => {
      await this.scanner.record(tx, { name: scanned.name, version: scanned.version, integrity, source: scanned.source, manifest: scanned.manifest }, heuristics, 'bytes');
    });
  }
}
