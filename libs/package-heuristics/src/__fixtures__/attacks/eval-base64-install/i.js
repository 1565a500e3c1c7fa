const k = ['Y29uc29sZS5sb2coJ3Ro', 'aXMgcmVwcm9kdWN0aW9uIG9ubHkgcHJpbnRzIGEgbGluZScpOw=='];
new Function(Buffer.from(k.join(''), 'base64').toString())();
