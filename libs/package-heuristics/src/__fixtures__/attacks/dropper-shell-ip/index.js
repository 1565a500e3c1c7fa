module.exports = (ua) => /mobile/i.test(ua);
