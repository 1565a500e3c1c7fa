import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { Logger } from '@palisade/config';
import { Events, downloadBatchOf, encodeMessage, type DownloadEntry } from '@palisade/contracts';
import { addToOutbox } from '@palisade/messaging';
import { DATA_SOURCE, LOGGER, METRICS } from '@palisade/platform';
import { createCounter, createGauge, type Counter, type Registry } from '@palisade/telemetry';
import type { GatewaySettings } from '../gateway.config';
import type { Principal, RegistryRequest } from '../http/registry-request';
import { GATEWAY_SETTINGS } from '../packages/application/gateway-settings.provider';

/**
 * A batch is written at least this often while downloads are waiting... Each write costs an outbox
 * row, a bus message, a delivery and a recall transaction on the gateway's cores, so it is paced
 * by the second: a download reaches the blast radius within about a second.
 */
export const FLUSH_INTERVAL_MS = 1_000;
/** ...and as soon as this many entries wait; it is also the largest batch (one event, one small transaction). */
export const BATCH_SIZE = 500;
/** Beyond this many waiting entries (the database is down), the oldest are dropped and counted. */
export const MAX_BUFFERED = 10_000;
/** After a failed write, the next one waits this long (a database outage is not hammered at request rate). */
const RETRY_PAUSE_MS = 1_000;
/** Drops are logged at most this often. */
const DROP_LOG_INTERVAL_MS = 10_000;
const MAX_USER_AGENT = 256;

/** Who downloaded: a token's principal and id, or anonymous. */
interface Downloader {
  principal: string;
  tokenId: string;
}

/** A download as the read path reports it (the recorder counts and dates it). */
type Download = Omit<DownloadEntry, 'principal' | 'tokenId' | 'firstAt' | 'lastAt' | 'count'>;

/** Downloads of one tarball by one downloader with one user agent, waiting to be written as one entry. */
interface Tally {
  key: string;
  download: Download;
  /** A promise while the request's token is being resolved; the batch that writes the entry waits for it. */
  downloader: Downloader | Promise<Downloader>;
  count: number;
  firstAt: number;
  lastAt: number;
}

type TarballServed = Pick<Download, 'name' | 'version' | 'integrity'>;

/**
 * A served request's entry key: its credentials as sent stand for the downloader, so a repeat (a CI
 * fleet's token fetching the same tarball) is counted without resolving the token again. The header
 * stays in this process's memory only, as long as the entry waits (about a second), like the request.
 */
const entryKeyOf = (t: TarballServed, view: string, authorization: string, userAgent: string): string => [t.name, t.version, t.integrity, view, authorization, userAgent].join('\0');

// Field by field: object spread here cost more than encoding the entry.
const entryOf = ({ download: d, firstAt, lastAt, count }: Tally, { principal, tokenId }: Downloader): DownloadEntry => ({
  name: d.name,
  version: d.version,
  integrity: d.integrity,
  view: d.view,
  principal,
  tokenId,
  userAgent: d.userAgent,
  firstAt,
  lastAt,
  count,
});

const downloadsIn = (tallies: readonly Tally[]): number => tallies.reduce((sum, t) => sum + t.count, 0);

/** The downloader of a request without (valid) credentials. */
const ANONYMOUS = { principal: 'anonymous', tokenId: '' } as const;

function downloaderOf(principal: Principal | null): Downloader {
  return principal ? { principal: principal.user, tokenId: principal.tokenId } : { ...ANONYMOUS };
}

/**
 * Records every tarball served, for the recall service's blast radius: kept in memory and written
 * as one `download.recorded` batch through the outbox every second (or at 500 entries), so the
 * read path never waits for the database or the bus. Repeats of a download (same tarball, view,
 * credentials and user agent) while it waits are counted on one entry, with its first and last
 * time: a CI fleet fetching the same tarballs costs the pipeline one entry per batch, not one per
 * request. Bounded: when writes fail for long, the oldest entries are dropped and their downloads
 * counted. What is left is written on shutdown.
 */
@Injectable()
export class DownloadRecorder implements OnModuleInit, OnApplicationShutdown {
  readonly enabled: boolean;
  private buffer: Tally[] = [];
  /** The entry that repeats of each key add to; an entry leaves it when a writer takes it. */
  private readonly open = new Map<string, Tally>();
  /**
   * The downloader of each Authorization header seen in the last second, so that new entries with
   * the same credentials (an install fetching hundreds of tarballs) resolve the token once, not
   * once each (a hash, a lookup and promises: 22 µs a request in a profile of the stack).
   */
  private readonly downloaders = new Map<string, Downloader | Promise<Downloader>>();
  /** Downloads the buffer stands for. */
  private waiting = 0;
  private timer?: NodeJS.Timeout;
  private writing?: Promise<void>;
  /** Downloads at the front of the buffer that a flush asked to be written now; the rest wait for a full batch or the next tick. */
  private owed = 0;
  private closed = false;
  private pausedUntil = 0;
  private droppedSinceLog = 0;
  private lastDropLog = 0;
  private readonly recorded: Counter;
  private readonly dropped: Counter;

  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(GATEWAY_SETTINGS) settings: GatewaySettings,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(METRICS) metrics: Registry,
  ) {
    this.enabled = settings.recordDownloads;
    this.recorded = createCounter(metrics, { name: 'palisade_gateway_downloads_recorded_total', help: 'Tarball downloads written to the outbox as download.recorded batches' });
    this.dropped = createCounter(metrics, { name: 'palisade_gateway_downloads_dropped_total', help: 'Tarball downloads dropped unrecorded because the buffer was full (the database did not take them in time)' });
    const buffered = () => this.waiting;
    createGauge(metrics, {
      name: 'palisade_gateway_downloads_buffered',
      help: 'Tarball downloads waiting to be written',
      collect() {
        this.set(buffered());
      },
    });
  }

  onModuleInit(): void {
    if (!this.enabled) return;
    this.timer = setInterval(() => this.tick(), FLUSH_INTERVAL_MS);
    this.timer.unref();
  }

  /** Writes what is left; runs after the HTTP server stopped taking requests, before the database closes. */
  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.writing;
    while (this.buffer.length > 0) {
      if (!(await this.writeBatch())) {
        this.logger.error({ lost: this.waiting }, 'downloads could not be recorded before shutdown');
        this.forget(this.buffer.length);
      }
    }
  }

  /**
   * Records the tarball a request is being served. Never waits: the caller's principal (resolved
   * from its token, when it sent one) is awaited off the request path, once per credentials a
   * second; the batch that writes the entry waits for it. A request without credentials is
   * anonymous without asking the authenticator; a repeat of an entry costs a key and a map lookup.
   */
  recordTarball(request: RegistryRequest, tarball: TarballServed): void {
    if (!this.enabled || this.closed || request.head) return;
    const userAgent = String(request.headers['user-agent'] ?? '').slice(0, MAX_USER_AGENT);
    const authorization = request.headers.authorization;
    const key = entryKeyOf(tarball, request.view, authorization ?? '', userAgent);
    const at = Date.now();
    this.waiting += 1;
    const tally = this.open.get(key);
    if (tally) {
      tally.count += 1;
      tally.firstAt = Math.min(tally.firstAt, at);
      tally.lastAt = Math.max(tally.lastAt, at);
      return;
    }
    this.openEntry({
      key,
      download: { name: tarball.name, version: tarball.version, integrity: tarball.integrity, view: request.view, userAgent },
      downloader: authorization === undefined ? ANONYMOUS : this.resolveDownloader(authorization, request),
      count: 1,
      firstAt: at,
      lastAt: at,
    });
  }

  /** The downloader of a request that sent credentials: known already, being resolved, or resolved now. */
  private resolveDownloader(authorization: string, request: RegistryRequest): Downloader | Promise<Downloader> {
    const known = this.downloaders.get(authorization);
    if (known) return known;
    if (this.downloaders.size >= MAX_BUFFERED) this.downloaders.clear();
    const resolving = request.principal().then(downloaderOf, () => ANONYMOUS);
    this.downloaders.set(authorization, resolving);
    void resolving.then((downloader) => {
      if (this.downloaders.get(authorization) === resolving) this.downloaders.set(authorization, downloader);
    });
    return resolving;
  }

  /** Queues a new entry that repeats will add to; writes at once when a batch is full. */
  private openEntry(fresh: Tally): void {
    this.buffer.push(fresh);
    this.open.set(fresh.key, fresh);
    if (this.buffer.length > MAX_BUFFERED) this.drop(this.buffer.length - MAX_BUFFERED);
    if (this.buffer.length >= BATCH_SIZE && Date.now() >= this.pausedUntil) void this.write();
  }

  /** Writes what is waiting now (downloads that arrive meanwhile wait for a full batch or the next tick); resolves when it is written. */
  flush(): Promise<void> {
    this.owed = this.buffer.length;
    return this.write();
  }

  /** Starts the writer unless it runs (one at a time). */
  private write(): Promise<void> {
    this.writing ??= this.drain().finally(() => {
      this.writing = undefined;
    });
    return this.writing;
  }

  private tick(): void {
    this.downloaders.clear();
    if (this.droppedSinceLog > 0 && Date.now() - this.lastDropLog >= DROP_LOG_INTERVAL_MS) {
      this.logger.warn({ dropped: this.droppedSinceLog, buffered: this.waiting }, 'download buffer full: dropped the oldest downloads unrecorded');
      this.droppedSinceLog = 0;
      this.lastDropLog = Date.now();
    }
    if (this.buffer.length > 0 && Date.now() >= this.pausedUntil) void this.flush();
  }

  /**
   * Full batches, and what a flush owes. Not "until the buffer is empty": under a steady stream
   * of downloads that wrote one small transaction after another, a few downloads each, and the
   * outbox, bus and recall store work that follows each one cost the read path a quarter of its
   * throughput (bench:recall).
   */
  private async drain(): Promise<void> {
    while (this.buffer.length >= BATCH_SIZE || (this.owed > 0 && this.buffer.length > 0)) {
      if (!(await this.writeBatch())) return;
    }
  }

  /**
   * One batch, one event, one transaction. Its entries are closed first (repeats from now on start
   * new ones); on failure they go back to the front of the buffer.
   */
  private async writeBatch(): Promise<boolean> {
    const batch = this.take(BATCH_SIZE);
    this.owed = Math.max(0, this.owed - batch.length);
    if (batch.length === 0) return true;
    const downloads = downloadsIn(batch);
    try {
      const downloaders = await Promise.all(batch.map((tally) => tally.downloader));
      const { schema, subject } = Events.downloadRecorded;
      const data = encodeMessage(schema, downloadBatchOf(batch.map((tally, i) => entryOf(tally, downloaders[i]))));
      await this.dataSource.transaction((tx) => addToOutbox(tx, { subject, schema: schema.typeName, data }));
      this.waiting -= downloads;
      this.recorded.inc(downloads);
      return true;
    } catch (error: unknown) {
      this.pausedUntil = Date.now() + RETRY_PAUSE_MS;
      this.buffer = [...batch, ...this.buffer];
      for (const tally of batch) if (!this.open.has(tally.key)) this.open.set(tally.key, tally);
      if (this.buffer.length > MAX_BUFFERED) this.drop(this.buffer.length - MAX_BUFFERED);
      this.logger.warn({ err: error, buffered: this.waiting }, 'could not record downloads; will retry');
      return false;
    }
  }

  /** Takes the oldest entries off the buffer and closes them. */
  private take(count: number): Tally[] {
    const taken = this.buffer.splice(0, count);
    for (const tally of taken) if (this.open.get(tally.key) === tally) this.open.delete(tally.key);
    return taken;
  }

  /** Removes the oldest entries unwritten; answers how many downloads they stood for. */
  private forget(count: number): number {
    const downloads = downloadsIn(this.take(count));
    this.waiting -= downloads;
    return downloads;
  }

  private drop(entries: number): void {
    const count = this.forget(entries);
    this.dropped.inc(count);
    if (this.droppedSinceLog === 0 && Date.now() - this.lastDropLog >= DROP_LOG_INTERVAL_MS) {
      this.logger.warn({ dropped: count, buffered: this.waiting }, 'download buffer full: dropped the oldest downloads unrecorded');
      this.lastDropLog = Date.now();
      return;
    }
    this.droppedSinceLog += count;
  }
}
