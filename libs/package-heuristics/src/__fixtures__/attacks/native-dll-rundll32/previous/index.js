module.exports = { rules: { semi: "off" } };
