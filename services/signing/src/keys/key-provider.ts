/** A key the provider created; only its public half ever leaves the provider. */
export interface ProvidedKey {
  keyid: string;
  /** DER SubjectPublicKeyInfo of an ECDSA P-256 key. */
  publicKey: Buffer;
}

/**
 * Where registry private keys live and are used. The local provider keeps them encrypted in the
 * signing schema; a KMS provider (Vault transit, a cloud KMS) would create the key there, keep
 * its own reference, and sign remotely: nothing outside this seam sees private material.
 */
export interface KeyProvider {
  /** Recorded beside each key (`local`, `vault-transit`, ...), so a key ring may span providers. */
  readonly name: string;
  /** Creates a new ECDSA P-256 key and returns its id and public key. */
  createKey(): Promise<ProvidedKey>;
  /** ECDSA-SHA256 over `data`, DER-encoded (what npm verifies with `crypto.createVerify('SHA256')`). */
  sign(keyid: string, data: Uint8Array): Promise<Buffer>;
  /** The DER SubjectPublicKeyInfo of a key this provider holds. */
  publicKey(keyid: string): Promise<Buffer>;
}

/** Injection token of the key provider. */
export const KEY_PROVIDER = Symbol.for('palisade.signing.key-provider');
