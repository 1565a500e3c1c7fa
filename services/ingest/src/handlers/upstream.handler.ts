import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { Commands, decodeMessage, encodeMessage } from '@palisade/contracts';
import type { Reply } from '@palisade/messaging';
import { JudgeUpstreamVersion } from '../application/judge-upstream-version';
import { CacheUpstreamTarball } from './cache-upstream-tarball';
import { FetchUpstream } from './fetch-upstream';

/** The read-through cache's commands. */
@Controller()
export class UpstreamHandler {
  constructor(
    private readonly fetchUpstream: FetchUpstream,
    private readonly cacheTarball: CacheUpstreamTarball,
    private readonly judgeVersion: JudgeUpstreamVersion,
  ) {}

  @MessagePattern(Commands.ingestFetch.subject)
  async fetch(@Payload() request: Reply): Promise<Uint8Array> {
    const command = decodeMessage(Commands.ingestFetch.request, request.data);
    return encodeMessage(Commands.ingestFetch.reply, await this.fetchUpstream.run(command));
  }

  @MessagePattern(Commands.ingestCacheTarball.subject)
  async cacheTarballOf(@Payload() request: Reply): Promise<Uint8Array> {
    const command = decodeMessage(Commands.ingestCacheTarball.request, request.data);
    return encodeMessage(Commands.ingestCacheTarball.reply, await this.cacheTarball.run(command));
  }

  @MessagePattern(Commands.ingestJudge.subject)
  async judge(@Payload() request: Reply): Promise<Uint8Array> {
    const command = decodeMessage(Commands.ingestJudge.request, request.data);
    return encodeMessage(Commands.ingestJudge.reply, await this.judgeVersion.run(command));
  }
}
