import { defineConfig, duration, int, type ConfigVar } from '@palisade/config';
import { upstreamConfig, upstreamConfigShape } from '@palisade/upstream';
import { reconcileConfigShape } from './reconcile/reconcile.config';

const MiB = 1024 * 1024;

export const ingestConfigShape = {
  PALISADE_INGEST_MAX_UNPACKED_BYTES: {
    schema: int({ min: MiB, max: 4 * 1024 * MiB }).default(256 * MiB),
    description: 'Largest size a published tarball may unpack to, in bytes; inflating stops there, so a gzip bomb is refused without being unpacked.',
  },
  PALISADE_INGEST_MAX_ENTRIES: {
    schema: int({ min: 1, max: 1_000_000 }).default(20_000),
    description: 'Most files, folders and links a published tarball may hold.',
  },
  PALISADE_INGEST_MAX_MANIFEST_BYTES: {
    schema: int({ min: 16 * 1024, max: 4 * MiB }).default(512 * 1024),
    description: 'Largest package.json read from a tarball and largest recorded version manifest (JSON bytes, readme included); it rides in events, so it stays under the NATS message size.',
  },
  PALISADE_INGEST_PUBLISH_BUDGET: {
    schema: duration({ minMs: 1_000, maxMs: 600_000 }).default(20_000),
    description: 'Longest time ingest spends checking one publish (ms, or `20s`); past it, or past the deadline the gateway sent, the publish is refused and never recorded.',
  },
  PALISADE_UPSTREAM_BACKGROUND_RATE: {
    schema: int({ min: 0, max: 10_000 }).default(2),
    description:
      'Upstream versions judged per second (per ingest replica) in the background: the versions of a package read through that no client asked for yet, newest first, paused while clients ask for versions. A version a client asks for is judged at once; 0 judges only those.',
  },
  PALISADE_UPSTREAM_BACKGROUND_MAX_CPU: {
    schema: int({ min: 1, max: 100 }).default(50),
    description:
      "Background judging slows to a tenth of its rate while the host's CPU is busier than this percentage (over the last second, all cores, as the OS reports it: in a container, its node's), so installs do not share the machine with history nobody asked for. 100: full rate whatever the host's load.",
  },
  ...upstreamConfigShape,
  ...reconcileConfigShape,
} satisfies Record<string, ConfigVar>;

export const ingestConfig = defineConfig(ingestConfigShape, { rules: [...upstreamConfig.rules] });

export interface IngestSettings {
  maxUnpackedBytes: number;
  maxEntries: number;
  maxManifestBytes: number;
  /** Most ms one publish may take to check and record. */
  publishBudgetMs: number;
  /** Listed upstream versions handed to the pipeline per second, unasked (0: only on demand). */
  backgroundJudgeRate: number;
  /** Host CPU busy share (0–1) above which the background waits. */
  backgroundMaxHostBusy: number;
}

export function ingestSettings(config: Readonly<Record<string, unknown>>): IngestSettings {
  return {
    maxUnpackedBytes: config.PALISADE_INGEST_MAX_UNPACKED_BYTES as number,
    maxEntries: config.PALISADE_INGEST_MAX_ENTRIES as number,
    maxManifestBytes: config.PALISADE_INGEST_MAX_MANIFEST_BYTES as number,
    publishBudgetMs: config.PALISADE_INGEST_PUBLISH_BUDGET as number,
    backgroundJudgeRate: config.PALISADE_UPSTREAM_BACKGROUND_RATE as number,
    backgroundMaxHostBusy: (config.PALISADE_UPSTREAM_BACKGROUND_MAX_CPU as number) / 100,
  };
}

/** Injection token of the parsed `IngestSettings`. */
export const INGEST_SETTINGS = Symbol.for('palisade.ingest.settings');
