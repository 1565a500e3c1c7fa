import { Inject, Injectable } from '@nestjs/common';
import type { MessageInitShape } from '@bufbuild/protobuf';
import type { DataSource } from 'typeorm';
import type { Logger } from '@palisade/config';
import type { JudgeReplySchema, JudgeRequest } from '@palisade/contracts';
import { DATA_SOURCE, LOGGER } from '@palisade/platform';
import { IngestRejected, IngestRejectionCode, acceptedOrRejected } from '../domain/ingest-rejection';
import { upstreamBacklog } from '../store/upstream-backlog';
import { upstreamStore } from '../store/upstream-store';

type JudgeReplyInit = MessageInitShape<typeof JudgeReplySchema>;

/**
 * `registry.cmd.ingest.judge`: a client waits for the bytes of a listed upstream version, so it
 * goes to the pipeline ahead of the background queue. Asking again, or for a version already on its
 * way, changes nothing.
 */
@Injectable()
export class JudgeUpstreamVersion {
  /** When a client last waited for a version here: the background queue gives way to clients. */
  lastDemandAt = 0;

  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  run(request: JudgeRequest): Promise<JudgeReplyInit> {
    return acceptedOrRejected(
      () => this.#judge(request.name, request.version),
      (e) => this.logger.info({ name: request.name, version: request.version, code: e.code }, `judge refused: ${e.message}`),
    );
  }

  async #judge(name: string, version: string) {
    this.lastDemandAt = Date.now();
    const expedited = await this.dataSource.transaction((tx) => upstreamBacklog.release(tx, name, version));
    if (!expedited && !(await upstreamStore.tarball(this.dataSource.manager, name, version))) {
      throw new IngestRejected(IngestRejectionCode.VersionNotFound, `${name}@${version} was not recorded from the upstream`);
    }
    return { name, version, expedited };
  }
}
