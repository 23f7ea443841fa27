// Sortable tables: every <table class="sortable"> gets a button in each column heading that sorts
// its rows (numbers as numbers). Works with the keyboard; the page is usable without it.
(function () {
  "use strict";
  function cellValue(row, index) {
    var cell = row.cells[index];
    if (!cell) { return ""; }
    var text = (cell.getAttribute("data-sort") || cell.textContent || "").trim();
    var number = parseFloat(text.replace(/[,%£]/g, ""));
    return isNaN(number) || !/^[-\d.,%£]+$/.test(text.replace(/\s/g, "")) ? text.toLowerCase() : number;
  }
  function sortBy(table, index, header) {
    var body = table.tBodies[0];
    if (!body) { return; }
    var ascending = header.getAttribute("aria-sort") !== "ascending";
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = cellValue(a, index), y = cellValue(b, index);
      if (typeof x === typeof y) { return (x < y ? -1 : x > y ? 1 : 0) * (ascending ? 1 : -1); }
      return (typeof x === "number" ? -1 : 1) * (ascending ? 1 : -1);
    });
    rows.forEach(function (row) { body.appendChild(row); });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) { th.removeAttribute("aria-sort"); });
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  }
  function enhance(table) {
    if (!table.tHead || !table.tBodies[0] || table.tBodies[0].rows.length < 2) { return; }
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (header, index) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      button.textContent = header.textContent;
      button.setAttribute("aria-label", "Sort by " + header.textContent.trim());
      header.textContent = "";
      header.appendChild(button);
      button.addEventListener("click", function () { sortBy(table, index, header); });
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), enhance);
  });
})();
