/**
 * The browser side of `npm login --auth-type=web`: one self-contained HTML page (no scripts, no
 * external assets), posting back to its own URL.
 */

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

/** Headers for every login page: never cached, never framed (clickjacking), no referrer leaking the URL. */
export const PAGE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
});

const STYLE =
  'body{font:16px/1.5 system-ui,sans-serif;max-width:26rem;margin:4rem auto;padding:0 1rem;color:#1b1f24}' +
  'label{display:block;margin:.8rem 0 .2rem}input{width:100%;padding:.5rem;box-sizing:border-box;font:inherit}' +
  'button{margin-top:1.2rem;padding:.6rem 1.2rem;font:inherit}.error{color:#b00020}.hint{color:#57606a;font-size:.9rem}';

function page(title: string, content: string): Buffer {
  return Buffer.from(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">` +
      `<title>${escapeHtml(title)} · Palisade</title><style>${STYLE}</style></head><body><h1>${escapeHtml(title)}</h1>${content}</body></html>`,
    'utf8',
  );
}

export interface LoginFormOptions {
  /** Offer to create the account (npm adduser on a registry with open sign-up). */
  allowSignup: boolean;
  username?: string;
  error?: string;
}

export function loginFormPage(options: LoginFormOptions): Buffer {
  const error = options.error ? `<p class="error" role="alert">${escapeHtml(options.error)}</p>` : '';
  const email = options.allowSignup
    ? '<label for="email">Email <span class="hint">(only to create a new account)</span></label><input id="email" name="email" type="email" autocomplete="email">'
    : '';
  return page(
    'Log in to npm',
    `<p>A command line (<code>npm login</code>) is waiting for you to sign in. Only continue if you started it yourself just now.</p>${error}` +
      '<form method="post">' +
      `<label for="username">User name</label><input id="username" name="username" autocomplete="username" required autofocus value="${escapeHtml(options.username ?? '')}">` +
      '<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>' +
      `${email}<button type="submit">Log in</button></form>`,
  );
}

export function messagePage(title: string, text: string): Buffer {
  return page(title, `<p>${escapeHtml(text)}</p>`);
}
