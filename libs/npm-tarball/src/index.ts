export { inspectTarball } from './inspect-tarball';
export type { TarballInspection, TarballLimits, TarballReadme } from './tarball-inspection';
export { TarballError, TarballErrorCode, isTarballError } from './tarball-error';
export { compareManifests } from './compare-manifests';
export type { CompareManifestsOptions } from './compare-manifests';
export { INSTALL_FIELDS, normalizeInstallFields } from './install-fields';
export type { InstallField } from './install-fields';
export { validatePackageName, validateVersion } from './package-identity';
export { README_MAX_BYTES } from './readme-picker';
