exports.fmt = (d) => d.toISOString().slice(0, 10);
