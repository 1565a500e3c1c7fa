import { Inject, Injectable } from '@nestjs/common';
import type { MessageInitShape } from '@bufbuild/protobuf';
import {
  Commands,
  decodeMessage,
  encodeMessage,
  timestampFromMs,
  type BlobRef,
  type CacheTarballAccepted,
  type FetchAccepted,
  type PublishAccepted,
  type PublishRequestSchema,
  type Rejection,
} from '@palisade/contracts';
import { CommandError, CommandErrorCodes, type MessageBus, type Reply } from '@palisade/messaging';
import { MESSAGE_BUS } from '@palisade/platform';
import { RegistryHttpError } from '../../http/registry-errors';

export const INGEST_TIMEOUT_MS = 30_000;
/** A publish carries a deadline this long before the gateway stops waiting, so a late commit cannot outlive the 503. */
export const PUBLISH_DEADLINE_MARGIN_MS = 5_000;

export type PublishCommand = MessageInitShape<typeof PublishRequestSchema>;

/** The ingest service's commands, with its refusals turned into the HTTP errors npm shows. */
@Injectable()
export class IngestClient {
  constructor(@Inject(MESSAGE_BUS) private readonly bus: MessageBus) {}

  async publish(command: PublishCommand): Promise<PublishAccepted> {
    const deadline = timestampFromMs(Date.now() + INGEST_TIMEOUT_MS - PUBLISH_DEADLINE_MARGIN_MS);
    const reply = await this.request(Commands.ingestPublish.subject, encodeMessage(Commands.ingestPublish.request, { deadline, ...command }));
    const { outcome } = decodeMessage(Commands.ingestPublish.reply, reply.data);
    if (outcome.case === 'accepted') return outcome.value;
    if (outcome.case === 'rejected') throw publishRefusal(outcome.value, command.version ?? '');
    throw new RegistryHttpError('PAL_ERR_UNAVAILABLE', 'the ingest service answered without an outcome');
  }

  /** Unpublishes versions (all when `versions` is empty); answers the versions that were live. */
  async unpublish(name: string, versions: readonly string[], actor: { principal: string; tokenId: string }): Promise<string[]> {
    const request = encodeMessage(Commands.ingestUnpublish.request, { name, versions: [...versions], requestedBy: actor });
    const reply = await this.request(Commands.ingestUnpublish.subject, request);
    const { outcome } = decodeMessage(Commands.ingestUnpublish.reply, reply.data);
    if (outcome.case === 'accepted') return outcome.value.versions;
    if (outcome.case === 'rejected') throw unpublishRefusal(outcome.value, name);
    throw new RegistryHttpError('PAL_ERR_UNAVAILABLE', 'the ingest service answered without an outcome');
  }

  /** Reads a package through from the upstream (ingest records its versions). */
  async fetch(name: string): Promise<FetchAccepted> {
    const reply = await this.request(Commands.ingestFetch.subject, encodeMessage(Commands.ingestFetch.request, { name, requestedBy: { principal: 'service:gateway', tokenId: '' } }));
    const { outcome } = decodeMessage(Commands.ingestFetch.reply, reply.data);
    if (outcome.case === 'accepted') return outcome.value;
    if (outcome.case === 'rejected') throw fetchRefusal(outcome.value, name);
    throw new RegistryHttpError('PAL_ERR_UNAVAILABLE', 'the ingest service answered without an outcome');
  }

  /** Asks ingest to record the stored bytes of an upstream version; a refusal is a `RegistryHttpError`. */
  async cacheTarball(name: string, version: string, tarball: Pick<BlobRef, 'key' | 'integrity' | 'size'>): Promise<CacheTarballAccepted> {
    const request = encodeMessage(Commands.ingestCacheTarball.request, { name, version, tarball, requestedBy: { principal: 'service:gateway', tokenId: '' } });
    const reply = await this.request(Commands.ingestCacheTarball.subject, request);
    const { outcome } = decodeMessage(Commands.ingestCacheTarball.reply, reply.data);
    if (outcome.case === 'accepted') return outcome.value;
    if (outcome.case === 'rejected') {
      throw new RegistryHttpError(outcome.value.retryable ? 'PAL_ERR_UNAVAILABLE' : 'PAL_ERR_BAD_UPSTREAM', describeRejection(outcome.value));
    }
    throw new RegistryHttpError('PAL_ERR_UNAVAILABLE', 'the ingest service answered without an outcome');
  }

  /** Asks ingest to hand a listed upstream version to the pipeline now (a client waits for its bytes). */
  async judge(name: string, version: string): Promise<void> {
    const reply = await this.request(Commands.ingestJudge.subject, encodeMessage(Commands.ingestJudge.request, { name, version }));
    const { outcome } = decodeMessage(Commands.ingestJudge.reply, reply.data);
    if (outcome.case === 'accepted') return;
    if (outcome.case === 'rejected') throw new RegistryHttpError(outcome.value.retryable ? 'PAL_ERR_UNAVAILABLE' : 'PAL_ERR_NOT_FOUND', describeRejection(outcome.value));
    throw new RegistryHttpError('PAL_ERR_UNAVAILABLE', 'the ingest service answered without an outcome');
  }

  private async request(subject: string, data: Uint8Array): Promise<Reply> {
    try {
      return await this.bus.request(subject, data, { timeoutMs: INGEST_TIMEOUT_MS });
    } catch (e: unknown) {
      if (e instanceof CommandError && (e.code === CommandErrorCodes.timeout || e.code === CommandErrorCodes.noResponders)) {
        throw new RegistryHttpError('PAL_ERR_UNAVAILABLE', 'the ingest service did not answer; try again shortly', { cause: e });
      }
      throw e;
    }
  }
}

/** What went wrong, for npm's one-line error: the summary and every problem ingest found. */
export function describeRejection(rejection: Rejection): string {
  // Problems may lead with a machine code (`TARBALL_NOT_GZIP: ...`); npm users need the words.
  const problems = rejection.problems.map((p) => p.replace(/^[A-Z][A-Z0-9_]+: /, '')).filter((p) => p && !rejection.message.includes(p));
  if (!rejection.message) return problems.join('; ') || rejection.code;
  return problems.length > 0 ? `${rejection.message}: ${problems.join('; ')}` : rejection.message;
}

export function publishRefusal(rejection: Rejection, version: string): RegistryHttpError {
  switch (rejection.code) {
    case 'INGEST_VERSION_EXISTS':
      return new RegistryHttpError('PAL_ERR_VERSION_EXISTS', version);
    case 'INGEST_INVALID_NAME':
    case 'INGEST_INVALID_VERSION':
      return new RegistryHttpError('PAL_ERR_INVALID_NAME', describeRejection(rejection));
    case 'INGEST_TARBALL_TOO_LARGE':
      return new RegistryHttpError('PAL_ERR_TOO_LARGE', describeRejection(rejection));
    default:
      if (rejection.retryable) return new RegistryHttpError('PAL_ERR_UNAVAILABLE', describeRejection(rejection));
      return new RegistryHttpError('PAL_ERR_INVALID_PACKAGE', describeRejection(rejection));
  }
}

export function unpublishRefusal(rejection: Rejection, name: string): RegistryHttpError {
  switch (rejection.code) {
    case 'INGEST_PACKAGE_NOT_FOUND':
    case 'INGEST_VERSION_NOT_FOUND':
      return new RegistryHttpError('PAL_ERR_NOT_FOUND', rejection.message || name);
    default:
      if (rejection.retryable) return new RegistryHttpError('PAL_ERR_UNAVAILABLE', describeRejection(rejection));
      return new RegistryHttpError('PAL_ERR_CONFLICT', describeRejection(rejection));
  }
}

export function fetchRefusal(rejection: Rejection, name: string): RegistryHttpError {
  switch (rejection.code) {
    case 'INGEST_INTERNAL_SCOPE':
    case 'INGEST_NAME_IS_INTERNAL':
    case 'INGEST_UPSTREAM_NOT_FOUND':
    case 'INGEST_UPSTREAM_DISABLED':
    case 'INGEST_INVALID_NAME':
      return new RegistryHttpError('PAL_ERR_NOT_FOUND', `${name} (${rejection.message})`);
    case 'INGEST_UPSTREAM_INVALID':
      return new RegistryHttpError('PAL_ERR_BAD_UPSTREAM', describeRejection(rejection));
    default:
      return new RegistryHttpError(rejection.retryable ? 'PAL_ERR_UNAVAILABLE' : 'PAL_ERR_BAD_UPSTREAM', describeRejection(rejection));
  }
}
