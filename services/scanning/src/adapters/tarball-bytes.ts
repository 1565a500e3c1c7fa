import type { BlobStore } from '@palisade/storage';

/** The stored tarball, read whole and verified against its content address. */
export async function readTarball(blobs: BlobStore, key: string): Promise<Buffer> {
  const stream = await blobs.get(key, { verify: true });
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
