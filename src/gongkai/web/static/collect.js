// gongkai 收集: upload the chosen files one request each, listing what became of each as it comes back (a scan read
// by OCR can take a minute; the list shows how far it got). Without JavaScript the form sends them all at once.
(function () {
  "use strict";
  var form = document.getElementById("upload-form");
  var list = document.getElementById("upload-progress");
  if (!form || !list || !window.fetch || !window.FormData) { return; }

  var line = function (text, cls) {
    var li = document.createElement("li");
    li.textContent = text;
    if (cls) { li.className = cls; }
    list.append(li);
    return li;
  };

  // the server renders each line (collect.web.result_line); a problem of the request itself, or a failed request,
  // fills the catalogue's pattern the list carries (collect.web.problem_line)
  var problem = function (file, text) {
    return list.dataset.problem.replace("{file}", function () { return file; })
                               .replace("{problem}", function () { return text; });
  };

  var send = function (file, aliases) {
    var data = new FormData();
    data.append("files", file);
    aliases.forEach(function (a) { data.append("files", a); });
    return fetch(form.action, {method: "POST", body: data, credentials: "same-origin",
                               headers: {"Accept": "application/json", "X-CSRF-Token": form.elements.csrf.value}})
      .then(function (response) { return response.json(); });
  };

  form.addEventListener("submit", function (event) {
    var files = Array.prototype.slice.call(form.elements.files.files);
    var aliases = files.filter(function (f) { return /\.csv$/i.test(f.name); });
    var reports = files.filter(function (f) { return !/\.csv$/i.test(f.name); });
    if (!reports.length) { return; }
    event.preventDefault();
    list.hidden = false;
    list.replaceChildren();
    form.querySelector("button").disabled = true;
    var chain = Promise.resolve();
    reports.forEach(function (file, i) {
      chain = chain.then(function () {
        var working = line((i + 1) + "/" + reports.length + " " + file.name + " … " + list.dataset.working, "working");
        return send(file, aliases).then(function (data) {
          working.remove();
          if (data.problem) { line(problem(file.name, data.problem), "unmatched"); }
          (data.results || []).forEach(function (r) { line(r.label, r.problem ? "unmatched" : "matched"); });
        }, function (error) {
          working.textContent = problem(file.name, String(error));
          working.className = "unmatched";
        });
      });
    });
    chain.then(function () {
      var done = line("", "done");
      var link = document.createElement("a");
      link.href = location.pathname + location.search;
      link.textContent = list.dataset.done;
      done.append(link);
      form.querySelector("button").disabled = false;
    });
  });
})();

// 审核: the cells named by a finding not dismissed are marked in the tables.
(function () {
  "use strict";
  document.querySelectorAll("ul.findings li[data-cells]:not(.decided-dismissed)").forEach(function (item) {
    item.dataset.cells.split(" ").forEach(function (key) {
      if (!key) { return; }
      document.querySelectorAll('.report-tables td[data-key="' + key + '"]').forEach(function (td) {
        td.classList.add("flagged");
        td.title = (td.title ? td.title + "\n" : "") + item.querySelector("b").textContent;
      });
    });
  });
})();
