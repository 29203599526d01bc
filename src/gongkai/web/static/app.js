// gongkai: a little plain JavaScript for the desk. Everything works without it; it only helps.
(function () {
  "use strict";

  // A select marked data-autosubmit sends its form when changed (year and agency choosers).
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });

  // The event form shows the fields of the chosen event only.
  var kind = document.getElementById("event-kind");
  if (kind) {
    var show = function () {
      var name = kind.value;
      kind.form.querySelectorAll("label[data-for]").forEach(function (label) {
        var wanted = label.dataset.for;
        var on = wanted === name || (wanted === "dated" && name !== "extension");
        label.hidden = !on;
      });
    };
    kind.addEventListener("change", show);
    show();
  }

  // A click on a number of the report shows the records behind it (the explain of the command line).
  var panel = document.getElementById("explain");
  var tables = document.querySelector(".report-tables");
  if (panel && tables) {
    var year = new URLSearchParams(location.search).get("year") || String(new Date().getFullYear());
    var body = document.getElementById("explain-body");
    var text = function (tag, value, cls) {
      var el = document.createElement(tag);
      el.textContent = value;
      if (cls) { el.className = cls; }
      return el;
    };
    tables.addEventListener("click", function (event) {
      var cell = event.target.closest("td[data-key]");
      if (!cell) { return; }
      tables.querySelectorAll("td.chosen").forEach(function (c) { c.classList.remove("chosen"); });
      cell.classList.add("chosen");
      fetch("/api/reports/" + encodeURIComponent(year) + "/cells/" + encodeURIComponent(cell.dataset.key),
            {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (response) { return response.json(); })
        .then(function (data) {
          body.replaceChildren();
          if (!data.key) { body.append(text("p", data.detail || "", "alert error")); panel.hidden = false; return; }
          body.append(text("p", data.label + " = " + data.value, "big"));
          body.append(text("p", data.condition, "muted"));
          if (data.closing) { body.append(text("p", data.closing, "muted")); }
          var table = document.createElement("table");
          var head = document.createElement("tr");
          data.columns.forEach(function (c) { head.append(text("th", c)); });
          table.append(head);
          data.records.slice(0, 200).forEach(function (record, i) {
            var row = document.createElement("tr");
            record.forEach(function (value, j) {
              var td = document.createElement("td");
              if (j === 0 && data.table === "applications" && data.ids[i]) {
                var link = text("a", value);
                link.href = "/applications/" + data.ids[i];
                td.append(link);
              } else { td.textContent = value; }
              row.append(td);
            });
            table.append(row);
          });
          body.append(table);
          panel.hidden = false;
          panel.scrollIntoView({block: "nearest"});
        });
    });
  }
})();
