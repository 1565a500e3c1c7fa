import type { SignalMatch, SourceFile } from '../model/source-file';
import { firstMatch, mentions } from '../signals/detector';
import { isObfuscated } from '../signals/mangling';
import type { HeuristicFinding } from '../types';
import { type RuleFamily, evidenceOf, finding } from './rule';

/** Replacing the browser's network or wallet plumbing: the hook a crypto clipper needs. */
const NETWORK_HOOKS = [
  /\b(?:window|globalThis|self|global)\s*\.\s*fetch\s*=(?!=)/,
  /\b(?:window|globalThis|self)\s*\[\s*['"`]fetch['"`]\s*\]\s*=(?!=)/,
  /\bObject\.defineProperty\s*\(\s*(?:window|globalThis|self)\s*,\s*['"`](?:fetch|XMLHttpRequest)['"`]/,
  /\bXMLHttpRequest\s*\.\s*prototype\s*\.\s*(?:open|send|setRequestHeader)\s*=(?!=)/,
  /\bXMLHttpRequest\s*\.\s*prototype\s*\[\s*['"`](?:open|send)['"`]\s*\]\s*=(?!=)/,
  /\bObject\.defineProperty\s*\(\s*XMLHttpRequest\s*\.\s*prototype\b/,
];
const WALLET_HOOKS = [
  /\bethereum\s*\.\s*(?:request|send|sendAsync|enable)\s*=(?!=)/,
  /\bObject\.defineProperty\s*\(\s*(?:window|globalThis)\s*,\s*['"`](?:ethereum|solana|phantom|tronWeb)['"`]/,
  /\bnew\s+Proxy\s*\(\s*(?:window\s*\.\s*)?(?:ethereum|solana)\b/,
  /\b(?:window|globalThis)\s*\.\s*(?:ethereum|solana|tronWeb)\s*=(?!=)/,
];
/** Intercepting what the user copies or pastes (a copy button only writes, and is not listed). */
const CLIPBOARD_HOOKS = [
  /\baddEventListener\s*\(\s*['"`](?:copy|paste|cut)['"`]/,
  /\bclipboardData\s*\.\s*setData\s*\(/,
  /\bnavigator\s*\.\s*clipboard\s*\.\s*readText\s*\(/,
];
/** Source text of regexes that match wallet addresses (`0x[a-fA-F0-9]{40}`, base58, bech32); a bare 40-hex class is a git SHA. */
const ADDRESS_MATCHER = /0x\[(?:a-fA-F0-9|0-9a-fA-F|a-f0-9|0-9a-f|A-Fa-f0-9|0-9A-Fa-f)\]\{40\}|\[a-km-zA-HJ-NP-Z1-9\]\{2\d|\[1-9A-HJ-NP-Za-km-z\]\{(?:2|3|4)\d|bc1\[|\bT\[1-9A-HJ-NP-Za-km-z\]/;
/** The hook and the wallet data of a clipper sit together (the chalk payload was one appended line). */
const CLIPPER_REACH = 10_000;
const ADDRESS_LITERAL =
  /(['"`])(0x[a-fA-F0-9]{40}|bc1[ac-hj-np-z02-9]{25,87}|[13][a-km-zA-HJ-NP-Z1-9]{25,34}|T[1-9A-HJ-NP-Za-km-z]{33}|ltc1[ac-hj-np-z02-9]{25,87}|[LM][a-km-zA-HJ-NP-Z1-9]{26,33}|bitcoincash:[qp][a-z0-9]{41}|[1-9A-HJ-NP-Za-km-z]{43,44})\1/g;
const TRANSACTION_REWRITE = /\beth_(?:sendTransaction|signTransaction|signTypedData\w*)\b|\bsignAndSendTransaction\b|\bsignTransaction\b/;

/** Browser crypto clippers (the September 2025 chalk/debug payload): hooks + wallet addresses. */
export const clipperRules: RuleFamily = {
  name: 'clipper',
  rules: [
    { id: 'clipper.wallet-hijack', description: 'Code hooks fetch/XMLHttpRequest/window.ethereum/the clipboard and carries wallet addresses or address matchers: crypto clipper.' },
    { id: 'clipper.wallet-addresses', description: 'Many hard-coded cryptocurrency wallet addresses in code (info).' },
  ],
  check(context) {
    for (const unit of context.units) {
      if (unit.kind !== 'js') continue;
      const result = clipper(unit);
      if (result) return [result];
    }
    return [];
  },
};

const CLIPPER_HINTS = ['0x', 'bc1', 'ltc1', 'bitcoincash:', '{40}', '[1-9A-HJ-NP-Za-km-z]', '[a-km-zA-HJ-NP-Z1-9]', "'T", '"T'];

function clipper(unit: SourceFile): HeuristicFinding | undefined {
  if (!mentions(unit.text, CLIPPER_HINTS)) return undefined;
  const addresses = walletAddresses(unit);
  const matcher = ADDRESS_MATCHER.exec(unit.text);
  if (addresses.length === 0 && !matcher) return undefined;
  const hook: SignalMatch | undefined = firstMatch(unit.text, NETWORK_HOOKS) ?? firstMatch(unit.text, WALLET_HOOKS) ?? aliasedWalletHook(unit.text) ?? firstMatch(unit.text, CLIPBOARD_HOOKS);
  const walletHook = firstMatch(unit.text, WALLET_HOOKS) ?? aliasedWalletHook(unit.text);
  const rewrites = TRANSACTION_REWRITE.test(unit.text);
  const near = (index: number) => hook !== undefined && Math.abs(index - hook.index) <= CLIPPER_REACH;
  const nearAddresses = addresses.filter((address) => near(address.index)).length;
  const nearMatcher = matcher !== null && near(matcher.index);
  const strongAddresses = nearAddresses >= 5 || (nearMatcher && nearAddresses >= 1);
  if (hook && (strongAddresses || (walletHook && rewrites && nearAddresses >= 1) || (nearMatcher && /\.replace\s*\(/.test(unit.text.slice(Math.max(0, hook.index - CLIPPER_REACH), hook.index + CLIPPER_REACH))))) {
    const kinds = [firstMatch(unit.text, NETWORK_HOOKS) && 'fetch/XHR', walletHook && 'wallet provider', firstMatch(unit.text, CLIPBOARD_HOOKS) && 'clipboard'].filter(Boolean).join(' + ');
    return finding('clipper.wallet-hijack', 'malware', 'critical', `code hooks ${kinds} and carries ${addresses.length} wallet address(es)${matcher ? ' and an address matcher' : ''}: crypto clipper`, evidenceOf(unit, hook));
  }
  // Obfuscated code hides its hooks behind string-array lookups; carrying wallet addresses is enough.
  if (isObfuscated(unit) && (addresses.length >= 5 || (matcher && addresses.length >= 1))) {
    return finding('clipper.wallet-hijack', 'malware', 'critical', `obfuscated code carries ${addresses.length} wallet address(es)${matcher ? ' and an address matcher' : ''}: crypto clipper or stealer`, unit.evidence(addresses[0].index));
  }
  if (addresses.length >= 10) {
    return finding('clipper.wallet-addresses', 'suspicious', 'info', `${addresses.length} hard-coded wallet addresses`, unit.evidence(addresses[0].index));
  }
  return undefined;
}

const PROVIDER_ALIAS = /\b(?:const|let|var)\s+([\w$]+)\s*=\s*(?:window|globalThis|self)\s*\.\s*(?:ethereum|solana|tronWeb|phantom\s*\.\s*solana)\b/g;

/** `const provider = window.ethereum; provider.request = …`: the same hook through a variable. */
function aliasedWalletHook(text: string): SignalMatch | undefined {
  for (const alias of text.matchAll(PROVIDER_ALIAS)) {
    const name = alias[1].replace(/\$/g, '\\$');
    const hook = new RegExp(String.raw`(?<![\w$.])${name}\s*\.\s*(?:request|send|sendAsync|enable|signTransaction|signAndSendTransaction)\s*=(?!=)|\bObject\.defineProperty\s*\(\s*${name}\s*,`).exec(text);
    if (hook) return { index: hook.index, text: hook[0] };
  }
  return undefined;
}

function walletAddresses(unit: SourceFile): SignalMatch[] {
  return unit.memo('wallet-addresses', () => {
    const seen = new Set<string>();
    const found: SignalMatch[] = [];
    for (const match of unit.text.matchAll(ADDRESS_LITERAL)) {
      const value = match[2];
      // Base58-looking words need digits and mixed case to be plausible addresses, not identifiers.
      if (!value.startsWith('0x') && !value.includes(':') && !(/\d/.test(value) && /[a-z]/.test(value) && /[A-Z]/.test(value)) && !value.startsWith('bc1') && !value.startsWith('ltc1')) continue;
      if (!seen.has(value)) {
        seen.add(value);
        found.push({ index: match.index, text: value });
      }
      if (found.length >= 200) break;
    }
    return found;
  });
}
