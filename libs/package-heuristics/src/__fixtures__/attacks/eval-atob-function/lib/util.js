var s = "Y29uc29sZS5sb2coJ3RoaXMgcmVwcm9kdWN0aW9uIG9ubHkgcHJpbnRzIGEgbGluZScpOw==";
exports.init = function () {
  var p = atob(s);
  var run = new Function(p);
  run();
};
