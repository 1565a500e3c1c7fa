export { upstreamConfig, upstreamConfigShape, upstreamSettings, UPSTREAM_SETTINGS, UPSTREAM_SIGNATURE_MODES } from './upstream-config';
export type { UpstreamSettings, UpstreamSignatureMode } from './upstream-config';
export { isInternalName } from './internal-names';
export { SingleFlight } from './single-flight';
export { checkUpstreamSignature, parseUpstreamKeys, sameKeySet } from './upstream-keys';
export type { SignatureCheck, UpstreamKey, UpstreamSignature } from './upstream-keys';
export { UpstreamClient, UpstreamErrorCode, packagePath } from './upstream-client';
export type { PackumentResponse, UpstreamClientOptions } from './upstream-client';
