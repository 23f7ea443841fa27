// Keeps the reporting date chosen on a page (?as_at=) on the links to the council's other pages,
// so moving around shows every figure for the same day. Without JavaScript the pages still work:
// each shows the data date until a date is chosen again.
(function () {
  "use strict";
  var chosen = new URLSearchParams(window.location.search).get("as_at");
  if (!chosen) {
    return;
  }
  var skip = /^\/(static|sign-in|sign-out|account|admin|data|api)(\/|$)/;
  document.addEventListener("DOMContentLoaded", function () {
    var links = document.querySelectorAll("a[href^='/']");
    for (var i = 0; i < links.length; i += 1) {
      var link = links[i];
      var url = new URL(link.getAttribute("href"), window.location.origin);
      if (skip.test(url.pathname) || url.searchParams.has("as_at")) {
        continue;
      }
      url.searchParams.set("as_at", chosen);
      link.setAttribute("href", url.pathname + url.search + url.hash);
    }
  });
})();
