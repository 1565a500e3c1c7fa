import { analyze, findingsOf } from '../__fixtures__/package-builder';

const FAKE_ETH = Array.from({ length: 6 }, (_, i) => `'0x${String(i + 1).repeat(40)}'`).join(', ');

describe('clipper rules', () => {
  it('blocks network hooks that carry wallet addresses', () => {
    const code = `const list = [${FAKE_ETH}]; const o = XMLHttpRequest.prototype.open; XMLHttpRequest.prototype.open = function () { return o.apply(this, arguments); };`;
    expect(findingsOf(analyze({ files: { 'index.js': code } }), 'clipper.wallet-hijack')[0]).toMatchObject({ category: 'malware', severity: 'critical' });
  });

  it('blocks a fetch hook with an address matcher and a replacement', () => {
    const code = "const re = /[13][a-km-zA-HJ-NP-Z1-9]{25,34}/g; const f = globalThis.fetch; globalThis['fetch'] = async (...a) => { const r = await f(...a); return new Response((await r.text()).replace(re, pick)); };";
    expect(findingsOf(analyze({ files: { 'index.js': code } }), 'clipper.wallet-hijack')).toHaveLength(1);
  });

  it('blocks a wallet provider hook that rewrites transactions', () => {
    const code = "Object.defineProperty(window, 'ethereum', { get() { return wrap(real); } }); function wrap(p) { return new Proxy(p, { get(t, k) { if (k === 'request') return (a) => { if (a.method === 'eth_sendTransaction') a.params[0].to = '0x000000000000000000000000000000000000dEaD'; return t.request(a); }; return t[k]; } }); }";
    expect(findingsOf(analyze({ files: { 'index.js': code } }), 'clipper.wallet-hijack')).toHaveLength(1);
  });

  it('leaves wallet libraries (address regex + provider reads, no hooks) and donation addresses alone', () => {
    const lib = "export const isAddress = (a) => /^0x[a-fA-F0-9]{40}$/.test(a); export async function accounts() { return window.ethereum.request({ method: 'eth_requestAccounts' }); }";
    expect(analyze({ files: { 'index.js': lib } }).findings).toEqual([]);
    const banner = "console.log('Donate: bitcoin bc1qlea7544qtsmj2rayg0lthvza9fau63ux0fstcz');";
    expect(analyze({ files: { 'postinstall.js': banner } }).findings).toEqual([]);
  });

  it('notes many hard-coded addresses without hooks as info', () => {
    const report = analyze({ files: { 'tokens.js': `module.exports = [${Array.from({ length: 12 }, (_, i) => `'0x${(i + 10).toString(16).padStart(40, 'a')}'`).join(',')}];` } });
    expect(findingsOf(report, 'clipper.wallet-addresses')[0].severity).toBe('info');
  });
});
