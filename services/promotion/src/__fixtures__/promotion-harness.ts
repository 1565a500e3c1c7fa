import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DescMessage, MessageInitShape, MessageShape } from '@bufbuild/protobuf';
import {
  Commands,
  Events,
  QuarantineMode,
  Severity,
  Verdict,
  VersionSource,
  decodeMessage,
  encodeMessage,
  timestampFromDate,
  type CommandDefinition,
  type VersionDismissed,
  type VersionPromoted,
  type VersionRefused,
} from '@palisade/contracts';
import { EmbeddedBus, type DeliveredMessage } from '@palisade/messaging';
import { startService, type RunningService } from '@palisade/platform';
import { createTestDatabase, freePort, tempDir } from '@palisade/testing';
import { promotionService } from '../promotion.service';

export const integrityOf = (text: string): string => `sha512-${createHash('sha512').update(text).digest('base64')}`;

export interface VersionOptions {
  source?: 'published' | 'upstream';
  publisher?: string;
  publishedAt?: Date;
  manifest?: Record<string, unknown>;
}

export interface QuarantineOptions {
  recallId?: string;
  reason?: string;
  at?: Date;
  integrity?: string;
  /** Message id: the same id twice is a redelivery. */
  id?: string;
}

/** The promotion service on the embedded bus in a database of its own, and the events it emitted. */
export class PromotionHarness {
  readonly promoted: VersionPromoted[] = [];
  readonly dismissed: VersionDismissed[] = [];
  readonly refused: VersionRefused[] = [];
  private counter = 0;

  private constructor(
    readonly databaseUrl: string,
    readonly bus: EmbeddedBus,
    public service: RunningService,
    private readonly env: Record<string, string>,
  ) {}

  /** `policy` (YAML) goes to a PALISADE_POLICY_FILE; without it the built-in policy applies. */
  static async start(prefix: string, options: { policy?: string; env?: Record<string, string> } = {}): Promise<PromotionHarness> {
    const databaseUrl = await createTestDatabase(prefix);
    const bus = await EmbeddedBus.open({ url: databaseUrl, schema: 'bus', pollIntervalMs: 20 });
    const env: Record<string, string> = {
      PALISADE_DATABASE_URL: databaseUrl,
      PALISADE_LOG_LEVEL: 'warn',
      PALISADE_PROMOTION_REEVALUATE_INTERVAL: '200ms',
      ...(options.env ?? {}),
    };
    if (options.policy !== undefined) {
      const file = join(await tempDir('palisade-policy-'), 'policy.yaml');
      await writeFile(file, options.policy);
      env.PALISADE_POLICY_FILE = file;
    }
    const service = await PromotionHarness.boot(bus, env);
    const harness = new PromotionHarness(databaseUrl, bus, service, env);
    const collect = <S extends DescMessage>(durable: string, subject: string, schema: S, into: Array<MessageShape<S>>) =>
      bus.consume({ durable, stream: 'REGISTRY', filterSubject: subject, maxDeliver: 3, backoffMs: [50], ackWaitMs: 5_000 }, async (m: DeliveredMessage) => {
        into.push(decodeMessage(schema, m.data));
      });
    await collect('test-promoted', Events.versionPromoted.subject, Events.versionPromoted.schema, harness.promoted);
    await collect('test-dismissed', Events.versionDismissed.subject, Events.versionDismissed.schema, harness.dismissed);
    await collect('test-refused', Events.versionRefused.subject, Events.versionRefused.schema, harness.refused);
    return harness;
  }

  private static async boot(bus: EmbeddedBus, env: Record<string, string>): Promise<RunningService> {
    return startService(promotionService, { bus, telemetry: false, env: { ...env, PALISADE_PROMOTION_PORT: String(await freePort()) } });
  }

  /** Stops the service and starts it again on the same database, optionally with a new policy file. */
  async restart(policy?: string): Promise<void> {
    await this.service.stop();
    if (policy !== undefined && this.env.PALISADE_POLICY_FILE) await writeFile(this.env.PALISADE_POLICY_FILE, policy);
    this.service = await PromotionHarness.boot(this.bus, this.env);
  }

  async stop(): Promise<void> {
    await this.service.stop();
    await this.bus.close();
  }

  private publish(subject: string, schemaName: string, data: Uint8Array, id?: string): Promise<unknown> {
    this.counter += 1;
    return this.bus.publish({ id: id ?? `test-${this.counter}-${Date.now()}`, subject, schema: schemaName, data });
  }

  ingested(name: string, version: string, options: VersionOptions = {}): Promise<unknown> {
    const upstream = options.source === 'upstream';
    const { schema, subject } = Events.versionIngested;
    return this.publish(
      subject,
      schema.typeName,
      encodeMessage(schema, {
        name,
        version,
        tarball: { key: upstream ? '' : `sha512/${name}`, integrity: integrityOf(`${name}@${version}`), size: 10 },
        source: upstream ? VersionSource.UPSTREAM : VersionSource.PUBLISHED,
        manifestJson: JSON.stringify(options.manifest ?? { name, version }),
        ...(upstream ? {} : { publisher: { principal: options.publisher ?? 'alice', tokenId: 't1' } }),
        publishedAt: timestampFromDate(options.publishedAt ?? new Date()),
        ingestedAt: timestampFromDate(new Date()),
      }),
    );
  }

  scanned(name: string, version: string, verdict: 'clean' | 'warn' | 'block', options: { rescan?: boolean; at?: Date; integrity?: string } = {}): Promise<unknown> {
    const { schema, subject } = Events.versionScanned;
    const block = verdict === 'block';
    return this.publish(
      subject,
      schema.typeName,
      encodeMessage(schema, {
        name,
        version,
        integrity: options.integrity ?? integrityOf(`${name}@${version}`),
        verdict: verdict === 'clean' ? Verdict.CLEAN : verdict === 'warn' ? Verdict.WARN : Verdict.BLOCK,
        findings: block ? [{ rule: 'malware.exfiltration-env', severity: Severity.CRITICAL, message: 'sends process.env to a remote host' }] : [],
        malwareRisk: block ? 95 : 0,
        rescan: options.rescan ?? false,
        scannedAt: timestampFromDate(options.at ?? new Date()),
      }),
    );
  }

  signed(name: string, version: string): Promise<unknown> {
    const { schema, subject } = Events.versionSigned;
    return this.publish(
      subject,
      schema.typeName,
      encodeMessage(schema, { name, version, integrity: integrityOf(`${name}@${version}`), signature: { keyid: 'SHA256:k', sig: 'c2ln' }, signedAt: timestampFromDate(new Date()) }),
    );
  }

  /** A recall's `version.quarantined` for one view; `mode` undefined leaves it to the view's policy. `id` repeats a delivery. */
  quarantined(name: string, version: string, view: string, options: QuarantineOptions & { mode?: 'warn' | 'block' } = {}): Promise<unknown> {
    const { schema, subject } = Events.versionQuarantined;
    const mode = options.mode === 'warn' ? QuarantineMode.WARN : options.mode === 'block' ? QuarantineMode.BLOCK : QuarantineMode.UNSPECIFIED;
    return this.publish(
      subject,
      schema.typeName,
      encodeMessage(schema, {
        name,
        version,
        integrity: options.integrity ?? integrityOf(`${name}@${version}`),
        view,
        mode,
        reason: options.reason ?? 'compromised maintainer account',
        recallId: options.recallId ?? 'rc-1',
        quarantinedAt: timestampFromDate(options.at ?? new Date()),
      }),
      options.id,
    );
  }

  /** A recall's `version.released` for one view. */
  released(name: string, version: string, view: string, options: QuarantineOptions = {}): Promise<unknown> {
    const { schema, subject } = Events.versionReleased;
    return this.publish(
      subject,
      schema.typeName,
      encodeMessage(schema, {
        name,
        version,
        integrity: options.integrity ?? integrityOf(`${name}@${version}`),
        view,
        reason: options.reason ?? 'false positive',
        recallId: options.recallId ?? 'rc-1',
        approvers: ['bob'],
        releasedAt: timestampFromDate(options.at ?? new Date()),
      }),
      options.id,
    );
  }

  /** Ingested, signed and scanned (in that order). */
  async passed(name: string, version: string, options: VersionOptions & { verdict?: 'clean' | 'warn' } = {}): Promise<void> {
    await this.ingested(name, version, options);
    await this.signed(name, version);
    await this.scanned(name, version, options.verdict ?? 'clean');
  }

  async command<Req extends DescMessage, Rep extends DescMessage>(command: CommandDefinition<Req, Rep>, request: MessageInitShape<Req>): Promise<MessageShape<Rep>> {
    const reply = await this.bus.request(command.subject, encodeMessage(command.request, request), { timeoutMs: 10_000 });
    return decodeMessage(command.reply, reply.data);
  }

  promote(name: string, version: string, view: string, principal: string, dryRun = false) {
    return this.command(Commands.promotionPromote, { name, version, view, requestedBy: { principal, tokenId: `tok-${principal}` }, reason: 'e2e', dryRun });
  }

  approve(name: string, version: string, view: string, principal: string) {
    return this.command(Commands.promotionApprove, { name, version, view, approver: { principal, tokenId: `tok-${principal}` } });
  }

  /** Views the service has admitted the version to, in view order. */
  async admittedViews(name: string, version: string): Promise<string[]> {
    const rows: Array<{ view: string }> = await this.service.dataSource.query(
      `SELECT view FROM palisade_promotion.admission WHERE name = $1 AND version = $2 ORDER BY array_position(ARRAY['dev','staging','prod'], view)`,
      [name, version],
    );
    return rows.map((r) => r.view);
  }

  promotedTo(name: string, version: string): string[] {
    return this.promoted.filter((p) => p.name === name && p.version === version).map((p) => p.view);
  }
}
