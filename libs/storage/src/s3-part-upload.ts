import type { Client } from 'minio';

type State = 'buffering' | 'uploading' | 'completed' | 'discarded';

/**
 * Moves one blob's bytes to a temp object while holding at most about one part in memory.
 * Nothing touches the bucket until a full part has accumulated: a blob smaller than that stays in
 * memory and the caller PUTs it straight to its final key after verifying it (no temp object at all).
 * Larger blobs go up as a multipart upload of `partSize` parts to `tempKey`.
 */
export class S3PartUpload {
  readonly #client: Client;
  readonly #bucket: string;
  readonly #tempKey: string;
  readonly #partSize: number;
  readonly #chunks: Buffer[] = [];
  readonly #parts: { part: number; etag: string }[] = [];
  #buffered = 0;
  #uploadId: string | null = null;
  #state: State = 'buffering';

  constructor(client: Client, bucket: string, tempKey: string, partSize: number) {
    this.#client = client;
    this.#bucket = bucket;
    this.#tempKey = tempKey;
    this.#partSize = partSize;
  }

  get tempKey(): string {
    return this.#tempKey;
  }

  /** True once bytes went to the bucket; otherwise `takeBuffered()` holds the whole blob. */
  get isMultipart(): boolean {
    return this.#state !== 'buffering';
  }

  async write(chunk: Uint8Array): Promise<void> {
    // copied: a source may reuse its buffer for the next chunk while this one waits for a full part
    this.#chunks.push(Buffer.from(chunk));
    this.#buffered += chunk.byteLength;
    while (this.#buffered >= this.#partSize) await this.#uploadPart(this.#take(this.#partSize));
  }

  takeBuffered(): Buffer {
    return this.#take(this.#buffered);
  }

  /** Uploads the remainder as the last part and assembles the temp object. */
  async complete(): Promise<void> {
    if (this.#buffered > 0) await this.#uploadPart(this.takeBuffered());
    await this.#client.completeMultipartUpload(this.#bucket, this.#tempKey, this.#requireUploadId(), this.#parts);
    this.#state = 'completed';
  }

  /** Best effort: removes whatever this upload put in the bucket. Never throws. */
  async discard(): Promise<void> {
    const state = this.#state;
    this.#state = 'discarded';
    this.#chunks.length = 0;
    if (state === 'completed') {
      await this.#client.removeObject(this.#bucket, this.#tempKey).catch(() => undefined);
    } else if (state === 'uploading' && this.#uploadId !== null) {
      await this.#abort(this.#uploadId);
    }
  }

  async #abort(uploadId: string): Promise<void> {
    try {
      await this.#client.abortMultipartUpload(this.#bucket, this.#tempKey, uploadId);
    } catch {
      // Servers without AbortMultipartUpload (s3rver answers 405) would keep the parts forever:
      // assemble what was uploaded (every part so far is full-size, so that is a valid upload) and delete it.
      if (this.#parts.length === 0) return;
      try {
        await this.#client.completeMultipartUpload(this.#bucket, this.#tempKey, uploadId, this.#parts);
        await this.#client.removeObject(this.#bucket, this.#tempKey);
      } catch {
        // nothing more to try; a lifecycle rule on the temp prefix is the backstop
      }
    }
  }

  async #uploadPart(body: Buffer): Promise<void> {
    if (this.#state === 'buffering') {
      this.#state = 'uploading';
      this.#uploadId = await this.#client.initiateNewMultipartUpload(this.#bucket, this.#tempKey, {
        'Content-Type': 'application/octet-stream',
      });
    }
    const part = this.#parts.length + 1;
    const { etag } = await this.#client.uploadPart(
      { bucketName: this.#bucket, objectName: this.#tempKey, uploadID: this.#requireUploadId(), partNumber: part, headers: {} },
      body,
    );
    this.#parts.push({ part, etag });
  }

  #take(length: number): Buffer {
    const all = Buffer.concat(this.#chunks, this.#buffered);
    this.#chunks.length = 0;
    // copied so the remainder does not pin the whole concatenated part in memory
    const rest = Buffer.from(all.subarray(length));
    if (rest.byteLength > 0) this.#chunks.push(rest);
    this.#buffered = rest.byteLength;
    return all.subarray(0, length);
  }

  #requireUploadId(): string {
    if (this.#uploadId === null) throw new Error('multipart upload was not started');
    return this.#uploadId;
  }
}
