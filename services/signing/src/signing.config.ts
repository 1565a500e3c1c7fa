import { defineConfig, secret, str, type ConfigVar } from '@palisade/config';

export const signingConfigShape = {
  PALISADE_DATA_DIR: {
    schema: str().default('./.palisade'),
    description: 'Folder for local data; the signing service keeps its generated key-encryption key (`signing.kek`) there when PALISADE_SIGNING_KEK is unset.',
  },
  PALISADE_SIGNING_KEK: {
    schema: secret(str()).optional(),
    description:
      'Key-encryption key of the registry private keys: base64 of 32 random bytes (AES-256-GCM). When neither it nor PALISADE_SIGNING_KEK_FILE is set, one is generated once into `<PALISADE_DATA_DIR>/signing.kek` (mode 0600; `npm start` only, with a warning). Never logged.',
    secret: true,
  },
  PALISADE_SIGNING_KEK_FILE: {
    schema: str().optional(),
    description: 'Path of a file (mode 0600, outside PALISADE_DATA_DIR) holding the key-encryption key as base64 of 32 random bytes, e.g. a mounted secret; instead of PALISADE_SIGNING_KEK.',
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
    (c) =>
      c.PALISADE_SIGNING_KEK !== undefined && c.PALISADE_SIGNING_KEK_FILE !== undefined
        ? [{ variable: 'PALISADE_SIGNING_KEK_FILE', message: 'set either PALISADE_SIGNING_KEK or PALISADE_SIGNING_KEK_FILE, not both' }]
        : [],
  ],
});

/**
 * The signing service on its own (distributed mode, containers): the KEK must come from outside
 * the data folder, never be generated beside the keys it seals. Only `npm start` (one process on
 * one machine) may generate it.
 */
export const standaloneSigningConfig = defineConfig(signingConfigShape, {
  rules: [
    ...signingConfig.rules,
    (c) =>
      c.PALISADE_SIGNING_KEK === undefined && c.PALISADE_SIGNING_KEK_FILE === undefined
        ? [
            {
              variable: 'PALISADE_SIGNING_KEK',
              message:
                'required when the signing service runs on its own: set PALISADE_SIGNING_KEK (openssl rand -base64 32) or PALISADE_SIGNING_KEK_FILE (a 0600 file outside PALISADE_DATA_DIR); a key-encryption key generated into the data folder would sit next to the keys it protects',
            },
          ]
        : [],
  ],
});

export interface SigningSettings {
  dataDir: string;
  kek?: string;
  kekFile?: string;
  adminToken?: string;
}

export function signingSettings(config: Readonly<Record<string, unknown>>): SigningSettings {
  return {
    dataDir: config.PALISADE_DATA_DIR as string,
    kek: config.PALISADE_SIGNING_KEK as string | undefined,
    kekFile: config.PALISADE_SIGNING_KEK_FILE as string | undefined,
    adminToken: config.PALISADE_SIGNING_ADMIN_TOKEN as string | undefined,
  };
}
