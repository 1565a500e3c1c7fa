export type { BlobRef, BlobSource, BlobStore, GetBlobOptions, PutBlobOptions } from './blob-store';
export { StorageError, StorageErrorCode, isStorageError } from './storage-error';
export { integrityToKey, keyToIntegrity } from './integrity';
export { FileSystemBlobStore } from './filesystem-blob-store';
export type { FileSystemBlobStoreOptions } from './filesystem-blob-store';
export { S3BlobStore } from './s3-blob-store';
export type { S3BlobStoreOptions } from './s3-blob-store';
