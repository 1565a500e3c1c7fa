import { loginFormPage, messagePage } from './login-page';

describe('login pages', () => {
  it('posts the form back to its own URL and loads nothing from elsewhere', () => {
    const html = loginFormPage({ allowSignup: false }).toString();
    expect(html).toContain('<form method="post">');
    expect(html).toContain('name="username"');
    expect(html).toContain('name="password" type="password"');
    expect(html).not.toContain('name="email"');
    expect(html).not.toMatch(/<script|<link|src=|https?:\/\//);
  });

  it('offers the email field only for sign-up', () => {
    expect(loginFormPage({ allowSignup: true }).toString()).toContain('name="email"');
  });

  it('escapes what it echoes', () => {
    const html = loginFormPage({ allowSignup: false, username: '"><script>x</script>', error: '<b>no</b>' }).toString();
    expect(html).not.toContain('<script>x');
    expect(html).toContain('value="&quot;&gt;&lt;script&gt;x&lt;/script&gt;"');
    expect(html).toContain('&lt;b&gt;no&lt;/b&gt;');
    expect(messagePage('A <title>', 'x & y').toString()).toContain('<h1>A &lt;title&gt;</h1><p>x &amp; y</p>');
  });
});
