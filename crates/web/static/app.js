/* Zhixing staff pages: small enhancements on top of htmx. Every page works without this file. */
(function () {
  "use strict";
  // Leave empty filter fields out of GET requests, so list URLs stay short and shareable
  // (/cases?stage=filed rather than /cases?court_id=&stage=filed&team_id=&...).
  document.addEventListener("htmx:configRequest", function (e) {
    var d = e.detail;
    if (!d || d.verb !== "get" || !d.formData) return;
    var empty = [];
    d.formData.forEach(function (v, k) {
      if (v === "") empty.push(k);
    });
    empty.forEach(function (k) {
      d.formData.delete(k);
    });
  });
})();
