import { Inject, Injectable } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import { VersionSource } from '@palisade/contracts';
import { addToOutbox } from '@palisade/messaging';
import { BLOB_STORE, DATA_SOURCE } from '@palisade/platform';
import type { BlobStore } from '@palisade/storage';
import { PACKAGE_HEURISTICS, type PackageHeuristics } from '../adapters/package-heuristics';
import { readTarball } from '../adapters/tarball-bytes';
import type { HeuristicOutcome } from '../domain/scan-finding';
import { advisoriesForNames, advisoryDb } from '../store/advisory-store';
import { likelihoodByCve } from '../store/likelihood-store';
import { addInternalName, findVerdict, internalNames, previousVersion, saveVerdict, type VerdictRow } from '../store/verdict-store';
import { cvesOf, nextVerdict, scanEvents, type VersionIdentity } from './next-verdict';

const INTERNAL_NAMES_TTL_MS = 10_000;

/** Scans one version: heuristics over its bytes (outside any transaction), then judge, store and emit. */
@Injectable()
export class VersionScanner {
  private internal: { names: string[]; at: number } | undefined;

  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
    @Inject(PACKAGE_HEURISTICS) private readonly heuristics: PackageHeuristics,
  ) {}

  /** Runs the tarball heuristics over the stored bytes (verified against their content address). */
  async inspectBytes(name: string, version: string, manifest: Record<string, unknown>, tarballKey: string): Promise<HeuristicOutcome> {
    const files = await this.heuristics.readPackageFiles(await readTarball(this.blobs, tarballKey));
    const previous = await previousVersion(this.dataSource, name, version);
    return this.heuristics.analyze({ name, version, manifest, files, ...(previous ? { previous } : {}), internalNames: await this.internalNames() });
  }

  private async internalNames(): Promise<string[]> {
    if (!this.internal || Date.now() - this.internal.at > INTERNAL_NAMES_TTL_MS) this.internal = { names: await internalNames(this.dataSource), at: Date.now() };
    return this.internal.names;
  }

  /**
   * Judges the version in `tx` and records the verdict with its events. `first`: a version seen
   * for the first time (a duplicate ingested event changes nothing); `bytes`: its tarball was
   * inspected now (a rescan, always emitted).
   */
  async record(tx: EntityManager, identity: VersionIdentity, heuristics: HeuristicOutcome | undefined, mode: 'first' | 'bytes'): Promise<VerdictRow | undefined> {
    const previous = await findVerdict(tx, identity.name, identity.version, identity.integrity, true);
    if (mode === 'first' && previous) return undefined;
    if (mode === 'bytes' && previous?.bytesScanned) return undefined;
    const db = await advisoryDb(tx);
    const advisories = (await advisoriesForNames(tx, [identity.name])).get(identity.name) ?? [];
    const next = nextVerdict({
      identity: previous ? { ...identity, source: previous.source, manifest: previous.manifest } : identity,
      previous,
      heuristics,
      advisories,
      likelihoodByCve: await likelihoodByCve(tx, cvesOf(advisories)),
      dbVersion: db.version,
      published: identity.source === VersionSource.PUBLISHED,
    });
    if (identity.source === VersionSource.PUBLISHED) await addInternalName(tx, identity.name);
    await saveVerdict(tx, next.row);
    for (const event of scanEvents(next, previous, previous !== undefined)) await addToOutbox(tx, event);
    return next.row;
  }
}
