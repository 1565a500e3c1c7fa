export { signingService } from './signing.service';
export { keyIdOf, KEY_TYPE, KEY_SCHEME } from './keys/key-id';
export { KEY_PROVIDER } from './keys/key-provider';
export type { KeyProvider, ProvidedKey } from './keys/key-provider';
export { REVOKED_EXPIRES, npmPublicKey } from './keys/key-ring';
export type { NpmPublicKey, RegistryKeyState, KeyStatus } from './keys/key-ring';
