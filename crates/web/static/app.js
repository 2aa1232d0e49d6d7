/* Zhixing staff pages: small enhancements on top of htmx. Every page works without this file. */
(function () {
  "use strict";
  // Leave empty filter fields out of GET requests, so list URLs stay short and shareable
  // (/cases?stage=filed rather than /cases?court=&stage=filed&team=&...).
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

  // Chinese is typed through an input method: while a word is being composed the field holds
  // pinyin, so do not let those input events reach htmx (no search for "gong'si"); search once
  // the word is committed. Safari sends its own input event after compositionend; htmx's
  // "changed" modifier drops the duplicate.
  document.addEventListener("input", function (e) {
    if (e.isComposing) e.stopImmediatePropagation();
  }, true);
  document.addEventListener("compositionend", function (e) {
    var t = e.target;
    if (t && t.matches && t.matches("input[hx-trigger]")) {
      t.dispatchEvent(new Event("input", { bubbles: true }));
    }
  }, true);

  // Wide screens have room for every filter: unfold them. Phones keep them folded (the server
  // unfolds them when one is in use).
  document.addEventListener("DOMContentLoaded", function () {
    if (!window.matchMedia || !window.matchMedia("(min-width: 56em)").matches) return;
    document.querySelectorAll("details.more-filters").forEach(function (d) {
      d.open = true;
    });
  });
})();
