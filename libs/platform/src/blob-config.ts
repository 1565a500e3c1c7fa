import { join, resolve } from 'node:path';
import { Client } from 'minio';
import { defineConfig, oneOf, secret, str, url, type ConfigVar } from '@palisade/config';
import { FileSystemBlobStore, S3BlobStore, type BlobStore } from '@palisade/storage';

/** Variables of the services that keep tarballs (gateway, ingest). */
export const blobConfigShape = {
  PALISADE_DATA_DIR: {
    schema: str().default('./.palisade'),
    description: 'Folder for local data: the filesystem blob store (`blobs/`) and, in embedded mode, the PostgreSQL data.',
  },
  PALISADE_BLOB_STORE: {
    schema: oneOf(['fs', 's3']).default('fs'),
    description: 'Where tarballs are kept: `fs` (a folder under PALISADE_DATA_DIR, one host) or `s3` (MinIO or any S3 API).',
  },
  PALISADE_S3_ENDPOINT: {
    schema: url({ protocols: ['http', 'https'] }).optional(),
    description: 'S3 endpoint URL, e.g. http://minio:9000; required when PALISADE_BLOB_STORE=s3.',
  },
  PALISADE_S3_BUCKET: { schema: str().default('palisade-blobs'), description: 'S3 bucket for tarballs (created when missing).' },
  PALISADE_S3_REGION: { schema: str().default('us-east-1'), description: 'S3 region.' },
  PALISADE_S3_ACCESS_KEY: { schema: str().optional(), description: 'S3 access key; required when PALISADE_BLOB_STORE=s3.' },
  PALISADE_S3_SECRET_KEY: { schema: secret(str()).optional(), description: 'S3 secret key; required when PALISADE_BLOB_STORE=s3. Never logged.', secret: true },
} satisfies Record<string, ConfigVar>;

export const blobConfig = defineConfig(blobConfigShape, {
  rules: [
    (c) =>
      c.PALISADE_BLOB_STORE !== 's3'
        ? []
        : (['PALISADE_S3_ENDPOINT', 'PALISADE_S3_ACCESS_KEY', 'PALISADE_S3_SECRET_KEY'] as const)
            .filter((name) => c[name] === undefined)
            .map((variable) => ({ variable, message: 'is required when PALISADE_BLOB_STORE=s3' })),
  ],
});

/** Opens the configured blob store. */
export function openBlobStore(config: Readonly<Record<string, unknown>>): BlobStore {
  if (config.PALISADE_BLOB_STORE === 's3') {
    const endpoint = new URL(config.PALISADE_S3_ENDPOINT as string);
    const client = new Client({
      endPoint: endpoint.hostname,
      port: endpoint.port ? Number(endpoint.port) : undefined,
      useSSL: endpoint.protocol === 'https:',
      accessKey: config.PALISADE_S3_ACCESS_KEY as string,
      secretKey: config.PALISADE_S3_SECRET_KEY as string,
      region: config.PALISADE_S3_REGION as string,
      pathStyle: true,
    });
    return new S3BlobStore({ client, bucket: config.PALISADE_S3_BUCKET as string, ensureBucket: true });
  }
  return new FileSystemBlobStore({ root: join(resolve(config.PALISADE_DATA_DIR as string), 'blobs') });
}
