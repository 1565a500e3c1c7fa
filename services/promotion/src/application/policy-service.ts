import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { readFile } from 'node:fs/promises';
import type { DataSource, EntityManager } from 'typeorm';
import type { Logger } from '@palisade/config';
import { DATA_SOURCE, LOGGER } from '@palisade/platform';
import { defaultPolicyYaml } from '../domain/default-policy';
import { parsePolicy } from '../domain/parse-policy';
import type { LoadedPolicy } from '../domain/plan-version';
import type { PolicyDocument } from '../domain/policy';
import { PromotionError, PromotionErrorCode } from '../domain/promotion-error';
import { changedViews, plainPolicy, policyDigest, renderPolicy } from '../domain/render-policy';
import { PROMOTION_SETTINGS, type PromotionSettings } from '../promotion.config';
import { PolicyStore, type PolicyOrigin, type PolicyRevisionRow } from '../store/policy-store';

export const CONFIGURATION_ACTOR = 'service:promotion';

export interface AppliedPolicy {
  revision: PolicyRevisionRow;
  /** False when the document equals the one in force: nothing was stored. */
  changed: boolean;
  changedViews: string[];
}

/**
 * The policy document in force and its history. At start, the policy file (or the built-in
 * policy) becomes a new version when it differs from the last one that came from configuration;
 * a policy applied through the API stays in force across restarts until the file itself changes.
 */
@Injectable()
export class PolicyService implements OnModuleInit {
  private readonly parsed = new Map<number, PolicyDocument>();
  private loading?: Promise<void>;

  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(PROMOTION_SETTINGS) private readonly settings: PromotionSettings,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  get views(): readonly string[] {
    return this.settings.views;
  }

  /** Runs before any handler consumes: decisions always have a policy. */
  onModuleInit(): Promise<void> {
    this.loading ??= this.loadConfiguredPolicy();
    return this.loading;
  }

  /** Parses a document against the configured views; throws `PROMOTION_POLICY_INVALID`. */
  parse(yaml: string): PolicyDocument {
    return parsePolicy(yaml, this.settings.views);
  }

  digestOf(document: PolicyDocument): string {
    return policyDigest(document, this.settings.views);
  }

  /** The policy in force (read in the caller's transaction, so every replica agrees). */
  async current(db: EntityManager = this.dataSource.manager): Promise<LoadedPolicy> {
    const revision = await PolicyStore.current(db);
    if (!revision) throw new PromotionError(PromotionErrorCode.PolicyInvalid, 'no policy is stored yet');
    return { version: revision.version, digest: revision.digest, document: this.documentOf(revision) };
  }

  async history(): Promise<PolicyRevisionRow[]> {
    return PolicyStore.history(this.dataSource.manager);
  }

  render(document: PolicyDocument, view?: string): string {
    if (view !== undefined && !this.settings.views.includes(view)) {
      throw new PromotionError(PromotionErrorCode.UnknownView, `unknown view ${view} (views: ${this.settings.views.join(', ')})`);
    }
    return renderPolicy(document, this.settings.views, view);
  }

  /** Stores `document` as the next version unless it equals the one in force. */
  async apply(document: PolicyDocument, origin: PolicyOrigin, appliedBy: string, comment: string): Promise<AppliedPolicy> {
    const views = this.settings.views;
    const digest = this.digestOf(document);
    return this.dataSource.transaction(async (tx) => {
      await PolicyStore.lock(tx);
      const current = await PolicyStore.current(tx);
      const before = current ? this.tryDocumentOf(current) : undefined;
      // Compared as this code normalises documents (a revision stored by an older release may carry an older digest).
      if (current && (current.digest === digest || (before && this.digestOf(before) === digest))) return { revision: current, changed: false, changedViews: [] };
      const revision = await PolicyStore.append(tx, { digest, origin, document: plainPolicy(document, views), yaml: renderPolicy(document, views), appliedBy, comment });
      this.parsed.set(revision.version, document);
      return { revision, changed: true, changedViews: changedViews(before, document, views) };
    });
  }

  private documentOf(revision: PolicyRevisionRow): PolicyDocument {
    let document = this.parsed.get(revision.version);
    if (!document) {
      document = this.parse(revision.yaml);
      this.parsed.set(revision.version, document);
    }
    return document;
  }

  private tryDocumentOf(revision: PolicyRevisionRow): PolicyDocument | undefined {
    try {
      return this.documentOf(revision);
    } catch {
      return undefined;
    }
  }

  private async loadConfiguredPolicy(): Promise<void> {
    const { policyFile } = this.settings;
    let yaml: string;
    if (policyFile) {
      try {
        yaml = await readFile(policyFile, 'utf8');
      } catch (e: unknown) {
        throw new PromotionError(PromotionErrorCode.PolicyFile, `cannot read PALISADE_POLICY_FILE ${policyFile}: ${e instanceof Error ? e.message : String(e)}`, [], { cause: e });
      }
    } else {
      yaml = defaultPolicyYaml(this.settings.views);
    }
    let document: PolicyDocument;
    try {
      document = this.parse(yaml);
    } catch (e: unknown) {
      if (e instanceof PromotionError) throw new PromotionError(e.code, `${policyFile ?? 'the built-in policy'}: ${e.message}:\n  ${e.problems.join('\n  ')}`, e.problems, { cause: e });
      throw e;
    }
    const origin: PolicyOrigin = policyFile ? 'file' : 'builtin';
    const digest = this.digestOf(document);
    const fromConfiguration = await PolicyStore.latestFromConfiguration(this.dataSource.manager);
    const current = await PolicyStore.current(this.dataSource.manager);
    // A stored policy that no longer fits the configured views (PALISADE_VIEWS changed) is replaced.
    const currentFits = current !== undefined && this.tryDocumentOf(current) !== undefined;
    const configured = fromConfiguration ? this.tryDocumentOf(fromConfiguration) : undefined;
    const configurationUnchanged = fromConfiguration !== undefined && (fromConfiguration.digest === digest || (configured !== undefined && this.digestOf(configured) === digest));
    if (configurationUnchanged && currentFits) return;
    const comment = policyFile ? `loaded from ${policyFile}` : 'built-in policy';
    const applied = await this.apply(document, origin, CONFIGURATION_ACTOR, currentFits ? comment : `${comment} (the stored policy does not fit PALISADE_VIEWS)`);
    if (applied.changed) this.logger.info({ policyVersion: applied.revision.version, origin, changedViews: applied.changedViews }, 'promotion policy stored');
  }
}
