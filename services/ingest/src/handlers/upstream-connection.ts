import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { PalisadeError } from '@palisade/errors';
import { UPSTREAM_SETTINGS, UpstreamClient, type UpstreamSettings } from '@palisade/upstream';

/** The one upstream client of this process, made when read-through is configured. */
@Injectable()
export class UpstreamConnection implements OnModuleDestroy {
  readonly #client?: UpstreamClient;

  constructor(@Inject(UPSTREAM_SETTINGS) readonly settings: UpstreamSettings) {
    if (settings.url) this.#client = new UpstreamClient({ baseUrl: settings.url, timeoutMs: settings.timeoutMs, offline: settings.offline });
  }

  get configured(): boolean {
    return this.#client !== undefined;
  }

  client(): UpstreamClient {
    if (!this.#client) throw new PalisadeError('UPSTREAM_NOT_CONFIGURED', 'no upstream is configured (PALISADE_UPSTREAM_URL)');
    return this.#client;
  }

  async onModuleDestroy(): Promise<void> {
    await this.#client?.close();
  }
}
