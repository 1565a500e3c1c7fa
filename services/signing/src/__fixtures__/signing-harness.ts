import { createHash } from 'node:crypto';
import type { Writable } from 'node:stream';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { Events, encodeMessage, type VersionIngested, type VersionIngestedSchema } from '@palisade/contracts';
import { EmbeddedBus, type PublishResult } from '@palisade/messaging';
import { startService, type RunningService } from '@palisade/platform';
import { createTestDatabase, freePort, tempDir } from '@palisade/testing';
import { signingService } from '../signing.service';

/** The `sha512-<base64>` integrity of `text`'s bytes. */
export const integrityOf = (text: string): string => `sha512-${createHash('sha512').update(text).digest('base64')}`;

/** Fields of a version.ingested beyond its name and version (plain init objects, not messages). */
export type IngestedFields = Omit<Exclude<MessageInitShape<typeof VersionIngestedSchema>, VersionIngested>, '$typeName' | 'name' | 'version'>;

export interface SigningHarness {
  databaseUrl: string;
  bus: EmbeddedBus;
  service: RunningService;
  /** Publishes a version.ingested for `name@version` (tarball integrity: `integrityOf('name@version')`). */
  ingest(name: string, version: string, extra?: IngestedFields): Promise<PublishResult>;
}

/**
 * The signing service in-process on the embedded bus, in a database of its own (dropped by
 * `runCleanups`). `env` adds to or overrides the defaults; stop `service` then close `bus`.
 */
export async function startSigning(prefix: string, env: Readonly<Record<string, string>>, logDestination?: Writable): Promise<SigningHarness> {
  const databaseUrl = await createTestDatabase(prefix);
  const bus = await EmbeddedBus.open({ url: databaseUrl, schema: 'bus', pollIntervalMs: 20 });
  const service = await startService(signingService, {
    bus,
    telemetry: false,
    env: {
      PALISADE_DATABASE_URL: databaseUrl,
      PALISADE_SIGNING_PORT: String(await freePort()),
      PALISADE_DATA_DIR: await tempDir(),
      PALISADE_LOG_LEVEL: 'warn',
      ...env,
    },
    ...(logDestination ? { logDestination } : {}),
  });
  const ingest: SigningHarness['ingest'] = (name, version, extra = {}) =>
    bus.publish({
      id: `ingested-${name}@${version}`,
      subject: Events.versionIngested.subject,
      schema: Events.versionIngested.schema.typeName,
      data: encodeMessage(Events.versionIngested.schema, {
        name,
        version,
        tarball: { key: `k/${name}`, integrity: integrityOf(`${name}@${version}`), size: 10 },
        manifestJson: JSON.stringify({ name, version }),
        ...extra,
      }),
    });
  return { databaseUrl, bus, service, ingest };
}
