import { createHmac } from 'node:crypto';
import { signAlertPayload, verifyAlertSignature } from './index';

const secret = 'webhook-secret-for-tests';
const body = '{"specversion":"1.0","data":{"summary":"ünïcode"}}';

describe('alert webhook signatures', () => {
  it('is sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">, the same from a string or bytes', () => {
    const expected = `sha256=${createHmac('sha256', secret).update(`1700000000.${body}`).digest('hex')}`;
    expect(signAlertPayload(secret, 1700000000, body)).toBe(expected);
    expect(signAlertPayload(secret, '1700000000', Buffer.from(body))).toBe(expected);
    const inside = new Uint8Array(Buffer.from(`xx${body}yy`)).subarray(2, 2 + Buffer.byteLength(body));
    expect(signAlertPayload(secret, 1700000000, inside)).toBe(expected);
  });

  it('verifies a genuine signature, whatever the hex case', () => {
    const header = signAlertPayload(secret, 1700000000, body);
    expect(verifyAlertSignature(secret, '1700000000', body, header)).toBe(true);
    expect(verifyAlertSignature(secret, 1700000000, Buffer.from(body), header.toUpperCase().replace('SHA256=', 'sha256='))).toBe(true);
  });

  it('refuses another body, timestamp or secret, and malformed headers', () => {
    const header = signAlertPayload(secret, 1700000000, body);
    expect(verifyAlertSignature(secret, 1700000000, `${body} `, header)).toBe(false);
    expect(verifyAlertSignature(secret, 1700000001, body, header)).toBe(false);
    expect(verifyAlertSignature('another-secret', 1700000000, body, header)).toBe(false);
    expect(verifyAlertSignature('', 1700000000, body, header)).toBe(false);
    expect(verifyAlertSignature(secret, 1700000000, body, undefined)).toBe(false);
    expect(verifyAlertSignature(secret, undefined, body, header)).toBe(false);
    expect(verifyAlertSignature(secret, 'soon', body, header)).toBe(false);
    expect(verifyAlertSignature(secret, 1700000000, body, header.slice(7))).toBe(false);
    expect(verifyAlertSignature(secret, 1700000000, body, `${header}00`)).toBe(false);
    expect(verifyAlertSignature(secret, 1700000000, body, 'sha1=abc')).toBe(false);
  });

  it('refuses a stale or future timestamp when asked to', () => {
    const header = signAlertPayload(secret, 1700000000, body);
    expect(verifyAlertSignature(secret, 1700000000, body, header, { maxAgeSeconds: 300, nowSeconds: 1700000299 })).toBe(true);
    expect(verifyAlertSignature(secret, 1700000000, body, header, { maxAgeSeconds: 300, nowSeconds: 1700000301 })).toBe(false);
    expect(verifyAlertSignature(secret, 1700000000, body, header, { maxAgeSeconds: 300, nowSeconds: 1699999000 })).toBe(false);
  });
});
