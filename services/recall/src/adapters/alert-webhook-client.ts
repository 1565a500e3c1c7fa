import { Injectable } from '@nestjs/common';
import { request } from 'undici';

/** What one POST came to: the status code, or why there is none. */
export type WebhookResponse = { statusCode: number; durationMs: number } | { error: string; durationMs: number };

/**
 * POSTs one webhook body. Redirects are not followed (a 3xx is an answer, not a success), the
 * whole exchange is bounded by `timeoutMs`, and the response body is drained, never read.
 */
@Injectable()
export class AlertWebhookClient {
  async post(url: string, body: string, headers: Readonly<Record<string, string>>, timeoutMs: number): Promise<WebhookResponse> {
    const started = performance.now();
    const elapsed = () => performance.now() - started;
    try {
      const response = await request(url, {
        method: 'POST',
        headers: { ...headers, 'user-agent': 'palisade-alerts/1' },
        body,
        signal: AbortSignal.timeout(timeoutMs),
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      await response.body.dump({ limit: 64 * 1024 }).catch(() => undefined);
      return { statusCode: response.statusCode, durationMs: elapsed() };
    } catch (error: unknown) {
      return { error: describe(error, timeoutMs), durationMs: elapsed() };
    }
  }
}

function describe(error: unknown, timeoutMs: number): string {
  const e = error as { name?: string; code?: string; message?: string };
  if (e.name === 'TimeoutError' || e.name === 'AbortError' || e.code === 'UND_ERR_HEADERS_TIMEOUT' || e.code === 'UND_ERR_BODY_TIMEOUT') return `no answer within ${timeoutMs} ms`;
  // Connection errors name the failure (ECONNREFUSED, ENOTFOUND…) without the URL, which may carry a token.
  const text = (e.code ?? e.message ?? String(error)).replace(/[\r\n]+/g, ' ');
  return text.slice(0, 500);
}
