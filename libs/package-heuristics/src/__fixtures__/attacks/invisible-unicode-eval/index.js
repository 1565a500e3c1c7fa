const hidden = '󠅓󠅟󠅞󠅣󠅟󠅜󠅕󠄞󠅜󠅟󠅗󠄘󠄗󠅦󠅑󠅢󠅙󠅑󠅤󠅙󠅟󠅞󠄐󠅣󠅕󠅜󠅕󠅓󠅤󠅟󠅢󠄐󠅢󠅕󠅠󠅢󠅟󠅔󠅥󠅓󠅤󠅙󠅟󠅞󠄜󠄐󠅠󠅢󠅙󠅞󠅤󠅣󠄐󠅟󠅞󠅜󠅩󠄗󠄙󠄫';
const bytes = [...hidden].map((c) => { const p = c.codePointAt(0); return p >= 0xE0100 ? p - 0xE0100 + 16 : p - 0xFE00; });
eval(Buffer.from(bytes).toString());
module.exports = { tokens: [] };
