import { defineConfig, secret, str, type ConfigVar } from '@palisade/config';

export const signingConfigShape = {
  PALISADE_DATA_DIR: {
    schema: str().default('./.palisade'),
    description: 'Folder for local data; the signing service keeps its generated key-encryption key (`signing.kek`) there when PALISADE_SIGNING_KEK is unset.',
  },
  PALISADE_SIGNING_KEK: {
    schema: secret(str()).optional(),
    description: 'Key-encryption key of the registry private keys: base64 of 32 random bytes (AES-256-GCM). When unset, one is generated once into `<PALISADE_DATA_DIR>/signing.kek` (mode 0600). Never logged.',
    secret: true,
  },
  PALISADE_SIGNING_ADMIN_TOKEN: {
    schema: secret(str()).optional(),
    description: 'Bearer token of the signing admin API (key rotation, revocation); at least 16 characters. Unset: the admin API answers 503.',
    secret: true,
  },
} satisfies Record<string, ConfigVar>;

export const signingConfig = defineConfig(signingConfigShape, {
  rules: [
    (c) =>
      c.PALISADE_SIGNING_ADMIN_TOKEN !== undefined && c.PALISADE_SIGNING_ADMIN_TOKEN.length < 16
        ? [{ variable: 'PALISADE_SIGNING_ADMIN_TOKEN', message: 'must be at least 16 characters' }]
        : [],
  ],
});

export interface SigningSettings {
  dataDir: string;
  kek?: string;
  adminToken?: string;
}

export function signingSettings(config: Readonly<Record<string, unknown>>): SigningSettings {
  return {
    dataDir: config.PALISADE_DATA_DIR as string,
    kek: config.PALISADE_SIGNING_KEK as string | undefined,
    adminToken: config.PALISADE_SIGNING_ADMIN_TOKEN as string | undefined,
  };
}
