import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Webhook deliveries of alerts are signed so a receiver can tell they come from Palisade and were
 * not replayed long after:
 *
 *   x-palisade-timestamp: <unix seconds>
 *   x-palisade-signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>
 *
 * A receiver recomputes the HMAC over the raw body bytes (before any JSON parsing), compares in
 * constant time, and refuses timestamps too far from its own clock (`maxAgeSeconds`).
 */
export const ALERT_SIGNATURE_HEADER = 'x-palisade-signature';
export const ALERT_TIMESTAMP_HEADER = 'x-palisade-timestamp';

const SIGNATURE = /^sha256=([0-9a-f]{64})$/;
const TIMESTAMP = /^\d{1,12}$/;

function bytesOf(body: string | Uint8Array): Buffer {
  return typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
}

/** `sha256=<hex>` of `"<timestamp>.<body>"` under `secret`: the `x-palisade-signature` value. */
export function signAlertPayload(secret: string, timestamp: number | string, body: string | Uint8Array): string {
  const mac = createHmac('sha256', secret);
  mac.update(`${timestamp}.`, 'utf8');
  mac.update(bytesOf(body));
  return `sha256=${mac.digest('hex')}`;
}

export interface VerifyAlertSignatureOptions {
  /** Refuse a timestamp further than this from `nowSeconds` (either way). Unset: no freshness check. */
  maxAgeSeconds?: number;
  /** The receiver's clock in unix seconds; defaults to the current time. */
  nowSeconds?: number;
}

/**
 * True when `header` (the `x-palisade-signature` value) is the signature of `body` at
 * `timestamp` (the `x-palisade-timestamp` value) under `secret`. Pure apart from the clock used
 * for `maxAgeSeconds`; never throws on malformed input (it is simply not valid).
 */
export function verifyAlertSignature(
  secret: string,
  timestamp: number | string | undefined,
  body: string | Uint8Array,
  header: string | undefined,
  options: VerifyAlertSignatureOptions = {},
): boolean {
  if (secret.length === 0 || timestamp === undefined || header === undefined) return false;
  const stamp = String(timestamp).trim();
  if (!TIMESTAMP.test(stamp)) return false;
  if (options.maxAgeSeconds !== undefined) {
    const now = options.nowSeconds ?? Math.floor(Date.now() / 1000);
    if (Math.abs(now - Number(stamp)) > options.maxAgeSeconds) return false;
  }
  const given = SIGNATURE.exec(header.trim().toLowerCase());
  if (!given) return false;
  const expected = Buffer.from(signAlertPayload(secret, stamp, body).slice('sha256='.length), 'hex');
  return timingSafeEqual(expected, Buffer.from(given[1], 'hex'));
}
