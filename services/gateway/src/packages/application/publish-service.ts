import { Inject, Injectable } from '@nestjs/common';
import * as ssri from 'ssri';
import type { Logger } from '@palisade/config';
import { BLOB_STORE, LOGGER } from '@palisade/platform';
import { StorageErrorCode, isStorageError, type BlobRef, type BlobStore } from '@palisade/storage';
import { AccountDirectory } from '../../accounts/account-directory';
import type { GatewaySettings } from '../../gateway.config';
import { scopeOf } from '../../http/package-name';
import { RegistryHttpError } from '../../http/registry-errors';
import type { Principal, RegistryReply, RegistryRequest } from '../../http/registry-request';
import { PackageChanges } from '../cache/package-changes';
import { isRecord } from '../domain/json-shapes';
import { parsePublishBody, type PublishSubmission } from '../domain/publish-body';
import { assertCanWrite, assertMaintainer } from '../domain/write-permission';
import { MetadataWriter } from '../store/metadata-writer';
import { PackageReader } from '../store/package-reader';
import { PublishClaims } from '../store/publish-claims';
import { GATEWAY_SETTINGS } from './gateway-settings.provider';
import { IngestClient } from './ingest-client';

/** How long a publish waits for its version to become installable from the entry view. */
export const VISIBLE_WAIT_MS = 5_000;

/**
 * `npm publish`: checks who may publish the name, stores the tarball by content, asks ingest to
 * validate and record the version, then waits (bounded) until the entry view serves it, so a
 * client that installs right after publishing finds it.
 */
@Injectable()
export class PublishService {
  constructor(
    @Inject(GATEWAY_SETTINGS) private readonly settings: GatewaySettings,
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
    private readonly reader: PackageReader,
    private readonly metadata: MetadataWriter,
    private readonly ingest: IngestClient,
    private readonly changes: PackageChanges,
    private readonly accounts: AccountDirectory,
    private readonly claims: PublishClaims,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async publish(request: RegistryRequest, name: string): Promise<RegistryReply> {
    if (request.view !== this.settings.entryView) {
      throw new RegistryHttpError('PAL_ERR_FORBIDDEN', `publishes enter through /${this.settings.entryView}/`);
    }
    const principal = await request.principal();
    assertCanWrite(principal, name);
    const submission = parsePublishBody(name, request.body);
    const claim = await this.assertMayPublish(principal, name);
    let accepted: Awaited<ReturnType<IngestClient['publish']>>;
    try {
      const tarball = await this.storeTarball(submission);
      const provenance = submission.provenanceBundle === undefined ? undefined : await this.blobs.put(Buffer.from(submission.provenanceBundle, 'utf8'));
      accepted = await this.ingest.publish({
        name,
        version: submission.version,
        tarball: { key: tarball.key, integrity: tarball.integrity, size: tarball.size },
        manifestJson: JSON.stringify(submission.manifest),
        distTag: submission.distTag,
        publisher: { principal: principal.user, tokenId: principal.tokenId },
        ...(provenance ? { provenanceBundle: { key: provenance.key, integrity: provenance.integrity, size: provenance.size } } : {}),
      });
    } catch (error: unknown) {
      // A refused first publish claims neither the name nor the scope.
      if (claim) await this.claims.release(name, claim.scope, principal.user);
      throw error;
    }
    await this.settleAccepted(name, principal, claim, accepted.duplicate);
    // Accepted is what matters to npm; being visible already just spares the client a miss, so a
    // database that fails meanwhile ends the wait, never the publish.
    await this.changes
      .waitFor(name, () => this.reader.isVisible(this.settings.entryView, name, submission.version), VISIBLE_WAIT_MS)
      .catch((error: unknown) => this.logger.warn({ err: error, name }, 'publish accepted; could not wait for it to become visible'));
    return { status: 201, body: { ok: 'created new package', success: true } };
  }

  /**
   * Ingest has accepted the version, so the answer is 201 whatever happens now: a database error
   * now must not tell the client its publish failed when it did not. Both steps are shortcuts
   * that the version.ingested event repeats in the read model (which then answers ownership), and
   * a pending claim left unaccepted only lapses after that; a failure is logged, not answered.
   */
  private async settleAccepted(name: string, principal: Principal, claim: { scope: string | undefined } | undefined, duplicate: boolean): Promise<void> {
    try {
      if (claim) await this.claims.accept(name, claim.scope, principal.user);
      // Closes the window in which a second publisher could pass the maintainer check of a name
      // that is not in the read model yet.
      if (!duplicate) {
        const email = (await this.accounts.findAccount(principal.user))?.email;
        await this.metadata.addFirstMaintainer(name, email ? { name: principal.user, email } : { name: principal.user });
        this.changes.changed(name);
      }
    } catch (error: unknown) {
      this.logger.warn({ err: error, name }, 'publish accepted, but recording its claim or first maintainer failed; the version.ingested event records them');
    }
  }

  /**
   * Maintainers publish new versions. A new name is claimed atomically for the caller (and its
   * scope with it, unless the caller is an administrator) before anything is forwarded: of two
   * users racing the first publish of a name, one gets 403. Answers the claim to accept or release.
   */
  private async assertMayPublish(principal: Principal, name: string): Promise<{ scope: string | undefined } | undefined> {
    const ownership = await this.reader.ownershipOf(name);
    if (ownership.exists) {
      assertMaintainer(principal, name, ownership.maintainers);
      return undefined;
    }
    const scope = principal.admin ? undefined : scopeOf(name);
    const outcome = await this.claims.claim(name, scope, principal.user);
    if (outcome.mine) return { scope };
    if (outcome.kind === 'scope') throw new RegistryHttpError('PAL_ERR_FORBIDDEN', `the scope ${scope} belongs to ${outcome.owner}`);
    throw new RegistryHttpError('PAL_ERR_NAME_CLAIMED', `${name} is being published for the first time by ${outcome.owner}`);
  }

  private async storeTarball(submission: PublishSubmission): Promise<BlobRef> {
    const max = this.settings.maxTarballBytes;
    const tooLarge = () => new RegistryHttpError('PAL_ERR_TOO_LARGE', `tarballs may be at most ${max} bytes`);
    if (submission.declaredLength > max || Math.floor((submission.tarballBase64.length * 3) / 4) > max + 3) throw tooLarge();
    const bytes = Buffer.from(submission.tarballBase64, 'base64');
    if (bytes.length > max) throw tooLarge();
    if (bytes.length !== submission.declaredLength) {
      throw new RegistryHttpError('PAL_ERR_INVALID_PACKAGE', `the tarball has ${bytes.length} bytes but its attachment declares ${submission.declaredLength}`);
    }
    const expected = expectedIntegrity(submission.manifest);
    try {
      return await this.blobs.put(bytes, { maxBytes: max, ...(expected ? { expectedIntegrity: expected } : {}) });
    } catch (e: unknown) {
      if (isStorageError(e, StorageErrorCode.IntegrityMismatch)) {
        throw new RegistryHttpError('PAL_ERR_INVALID_PACKAGE', `the tarball does not match dist.integrity (${expected}); it was changed or damaged on the way`, { cause: e });
      }
      if (isStorageError(e, StorageErrorCode.InvalidArgument)) {
        throw new RegistryHttpError('PAL_ERR_INVALID_PACKAGE', `dist.integrity is not a usable integrity string: ${expected}`, { cause: e });
      }
      throw e;
    }
  }
}

/** The integrity the client computed: `dist.integrity`, else the legacy sha1 `dist.shasum`. */
function expectedIntegrity(manifest: Record<string, unknown>): string | undefined {
  const dist = manifest.dist;
  if (!isRecord(dist)) return undefined;
  if (typeof dist.integrity === 'string' && dist.integrity.length > 0) return dist.integrity;
  if (typeof dist.shasum === 'string' && /^[0-9a-f]{40}$/i.test(dist.shasum)) return ssri.fromHex(dist.shasum.toLowerCase(), 'sha1').toString();
  return undefined;
}
