/**
 * The `expires` served for a revoked key: the earliest instant a JavaScript Date holds. npm
 * accepts a signature iff `time[version] < expires`, so nothing signed with a revoked key
 * verifies, however its metadata is dated (see README, "Signatures").
 */
export const REVOKED_EXPIRES = '-271821-04-20T00:00:00.000Z';

export interface NpmKey {
  expires: string | null;
  keyid: string;
  keytype: string;
  scheme: string;
  key: string;
}
