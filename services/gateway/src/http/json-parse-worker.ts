import { Worker } from 'node:worker_threads';

/**
 * The worker's whole program. Plain JavaScript evaluated in the worker, so it runs the same from
 * TypeScript sources (tests, `npm start`) and from the build; it loads the same secure-json-parse
 * the framework's own JSON parser uses, by the path the gateway resolved.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
// Lowest CPU priority for this thread only (Linux keeps a nice value per thread): a big document
// may take a core for a second, and the requests the main thread serves meanwhile come first.
try { require('node:os').setPriority(19); } catch {}
const sjson = require(workerData.secureJsonParse);
const isRecord = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);
parentPort.on('message', ({ id, shared, size, publishOnly }) => {
  let value;
  try {
    value = sjson.parse(Buffer.from(shared, 0, size).toString('utf8'), null, { protoAction: 'error', constructorAction: 'error' });
  } catch (error) {
    parentPort.postMessage({ id, error: String((error && error.message) || error) });
    return;
  }
  // Not sent back when it cannot be what the caller waits for: copying a big document between
  // threads costs as much as parsing it.
  if (publishOnly && !(isRecord(value) && isRecord(value._attachments) && Object.keys(value._attachments).length > 0)) {
    parentPort.postMessage({ id, notPublish: true });
    return;
  }
  parentPort.postMessage({ id, value });
});
`;

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

type Answer = { id: number; value?: unknown; error?: string; notPublish?: true };

const MiB = 1024 * 1024;
/** Shared buffers kept for reuse: as many as bodies the LargeBodyGate lets in at once. */
const KEPT_BUFFERS = 2;
/** A kept buffer unused this long is given back, so memory falls back after a burst of big bodies. */
const KEPT_BUFFER_IDLE_MS = 30_000;

/**
 * Shared buffers that carry bodies to the worker, reused: on a VM, first touching the pages of a
 * fresh 60 MiB buffer costs a quarter of a second of the main thread (page faults), copying into
 * a warm one a few milliseconds.
 */
class SharedBufferPool {
  #idle: SharedArrayBuffer[] = [];
  #timer: NodeJS.Timeout | undefined;

  take(size: number): SharedArrayBuffer {
    const fits = this.#idle.findIndex((buffer) => buffer.byteLength >= size);
    if (fits >= 0) return this.#idle.splice(fits, 1)[0];
    // Rounded up, so bodies of nearly the same size share a buffer.
    return new SharedArrayBuffer(Math.ceil(size / MiB) * MiB);
  }

  give(buffer: SharedArrayBuffer): void {
    this.#idle.push(buffer);
    // The largest are kept: a small buffer cannot carry a big body, a big one carries both.
    this.#idle.sort((a, b) => b.byteLength - a.byteLength).splice(KEPT_BUFFERS);
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => (this.#idle = []), KEPT_BUFFER_IDLE_MS).unref();
  }

  clear(): void {
    clearTimeout(this.#timer);
    this.#idle = [];
  }
}

/** A document the worker could not parse (bad syntax, or a key that reaches a prototype). */
export class JsonSyntaxError extends Error {}

/** A document parsed with `publishOnly` that has no attachments, so is no publish. */
export class NotAPublishError extends Error {}

/**
 * Parses large JSON bodies on a worker thread: decoding and parsing tens of MiB blocks a thread
 * for seconds on a loaded machine, and on the main thread that stalls every other request. One
 * worker, started on first use; the caller bounds how many bodies wait for it (LargeBodyGate).
 */
export class JsonParseWorker {
  #worker: Worker | undefined;
  #nextId = 0;
  readonly #pending = new Map<number, Pending>();
  readonly #buffers = new SharedBufferPool();

  /**
   * Parses the document made of `chunks` (`size` bytes in all). With `publishOnly`, a document
   * without attachments is refused with NotAPublishError.
   */
  parse(chunks: readonly Buffer[], size: number, publishOnly = false): Promise<unknown> {
    const shared = this.#buffers.take(size);
    const bytes = new Uint8Array(shared);
    let at = 0;
    for (const chunk of chunks) {
      bytes.set(chunk, at);
      at += chunk.length;
    }
    // Not async itself, so the chunks are garbage as soon as they are copied.
    return this.#parseShared(shared, size, publishOnly);
  }

  async #parseShared(shared: SharedArrayBuffer, size: number, publishOnly: boolean): Promise<unknown> {
    const worker = this.#started();
    const id = (this.#nextId += 1);
    try {
      return await new Promise((resolve, reject) => {
        this.#pending.set(id, { resolve, reject });
        worker.postMessage({ id, shared, size, publishOnly });
      });
    } finally {
      this.#buffers.give(shared);
    }
  }

  async close(): Promise<void> {
    this.#buffers.clear();
    const worker = this.#worker;
    this.#worker = undefined;
    if (worker) await worker.terminate();
  }

  #started(): Worker {
    if (this.#worker) return this.#worker;
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { secureJsonParse: require.resolve('secure-json-parse') } });
    // An idle parser must not keep a stopping process alive.
    worker.unref();
    worker.on('message', (answer: Answer) => {
      const pending = this.#pending.get(answer.id);
      if (!pending) return;
      this.#pending.delete(answer.id);
      if (answer.error !== undefined) pending.reject(new JsonSyntaxError(answer.error));
      else if (answer.notPublish) pending.reject(new NotAPublishError('the document has no attachments'));
      else pending.resolve(answer.value);
    });
    const fail = (error: Error) => {
      if (this.#worker === worker) this.#worker = undefined;
      for (const pending of this.#pending.values()) pending.reject(error);
      this.#pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the JSON parse worker stopped (exit code ${code})`)));
    this.#worker = worker;
    return worker;
  }
}
