// The allocation meeting without reloading: an Accept (or Accept selected) is sent in the
// background, the rows decided leave the table, and focus moves to the next row's Accept, so the
// manager keeps their place. "Other worker or reject" opens the child's decision page in a
// dialog. Without script every form and link works as an ordinary page.
(function () {
  "use strict";
  var status = document.getElementById("meeting-status");
  var dialog = document.getElementById("decide-dialog");

  function say(lines, kind) {
    if (!status) { return; }
    status.innerHTML = "";
    var box = document.createElement("div");
    box.className = kind;
    var list = document.createElement("ul");
    lines.forEach(function (line) {
      var item = document.createElement("li");
      item.textContent = line;
      list.appendChild(item);
    });
    box.appendChild(list);
    status.appendChild(box);
  }

  function rowOf(child) {
    var rows = document.querySelectorAll("tr.meeting-row");
    for (var i = 0; i < rows.length; i++) {
      if ((" " + rows[i].getAttribute("data-children") + " ").indexOf(" " + child + " ") >= 0) {
        return rows[i];
      }
    }
    return null;
  }

  function focusAfter(row) {
    var next = row && row.nextElementSibling;
    while (next && !next.querySelector("button, a")) { next = next.nextElementSibling; }
    var target = next && (next.querySelector("form.accept button") || next.querySelector("a"));
    if (target) { target.focus(); }
  }

  function send(form) {
    var buttons = form.querySelectorAll("button");
    buttons.forEach(function (b) { b.disabled = true; });
    // getAttribute: the form has an input named "action", which hides the form.action property.
    return fetch(form.getAttribute("action"), {
      method: "POST",
      body: new FormData(form),
      headers: { "Accept": "application/json" },
      credentials: "same-origin"
    }).then(function (response) {
      return response.json().then(function (answer) {
        var last = null;
        (answer.decided || []).forEach(function (child) {
          var row = rowOf(child);
          if (row) { last = row; }
        });
        if (last) { focusAfter(last); }
        (answer.decided || []).forEach(function (child) {
          var row = rowOf(child);
          if (row) { row.remove(); }
        });
        (answer.stale || []).forEach(function (stale) {
          var row = rowOf(stale.child);
          if (row && stale.row_html) {
            var holder = document.createElement("tbody");
            holder.innerHTML = stale.row_html;
            row.replaceWith(holder.firstElementChild);
          }
        });
        var lines = (answer.messages || []).concat(
          (answer.stale || []).map(function (s) { return s.message; }));
        say(lines, response.ok ? "success" : "error-summary");
        buttons.forEach(function (b) { b.disabled = false; });
      });
    }).catch(function () {
      form.submit();
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !window.fetch) { return; }
    if (form.classList.contains("accept") || form.id === "accept-selected") {
      event.preventDefault();
      send(form).then(function () {
        if (form.id === "accept-selected") {
          document.querySelectorAll('input[name="selected"]').forEach(function (box) {
            box.checked = false;
          });
        }
      });
    }
  });

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a.decide-link");
    if (!link || !dialog || typeof dialog.showModal !== "function" || !window.fetch) { return; }
    event.preventDefault();
    fetch(link.href, { credentials: "same-origin" }).then(function (response) {
      return response.text();
    }).then(function (html) {
      var page = new DOMParser().parseFromString(html, "text/html");
      var panel = page.querySelector(".decide-panel");
      if (!panel) { window.location.href = link.href; return; }
      var body = dialog.querySelector(".dialog-body");
      body.innerHTML = "";
      body.appendChild(document.importNode(panel, true));
      dialog.showModal();
      var first = body.querySelector("select, textarea, button");
      if (first) { first.focus(); }
    });
  });
})();
