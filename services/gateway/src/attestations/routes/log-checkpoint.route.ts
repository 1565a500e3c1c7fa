import { Injectable } from '@nestjs/common';
import type { RegistryReply, RegistryRoute } from '../../http/registry-request';
import { SigningClient } from '../signing-client';

/** `GET /-/palisade/v1/log/checkpoint`: the log's signed checkpoint now (a signed note, text). */
@Injectable()
export class LogCheckpointRoute implements RegistryRoute {
  readonly method = 'GET';
  readonly pattern = /^\/-\/palisade\/v1\/log\/checkpoint$/;

  constructor(private readonly signing: SigningClient) {}

  async handle(): Promise<RegistryReply> {
    const checkpoint = await this.signing.checkpoint();
    return { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-cache' }, raw: Buffer.from(checkpoint, 'utf8') };
  }
}
