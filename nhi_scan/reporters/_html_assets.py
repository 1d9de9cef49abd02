"""The inline stylesheet and script of the HTML report: kept apart so html.py reads as the document it writes.

Everything is inline and the page's Content-Security-Policy forbids any other source, so the report opens from a
CI artifact or an air-gapped laptop and never calls home.
"""

from __future__ import annotations

CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"

CSS = """
:root { --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --bg: #ffffff; --alt: #f6f8fa;
  --critical: #8b0000; --high: #cf222e; --medium: #9a6700; --low: #0969da; --info: #59636e; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg);
  margin: 0 auto; padding: 24px; max-width: 1400px; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 18px; margin: 32px 0 8px; }
.muted { color: var(--muted); }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 16px 0; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 10px 14px; min-width: 110px; }
.card b { display: block; font-size: 22px; }
.sev { display: inline-block; border-radius: 10px; padding: 0 8px; color: #fff; font-size: 12px; font-weight: 600; }
.sev-critical { background: var(--critical); } .sev-high { background: var(--high); }
.sev-medium { background: var(--medium); } .sev-low { background: var(--low); } .sev-info { background: var(--info); }
.controls { display: flex; flex-wrap: wrap; gap: 12px; align-items: center; margin: 8px 0; }
.controls input[type=search] { min-width: 280px; padding: 4px 8px; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid var(--line); padding: 6px 8px; text-align: left; vertical-align: top; }
th { background: var(--alt); cursor: pointer; user-select: none; white-space: nowrap; position: sticky; top: 0; }
th[aria-sort=ascending]::after { content: " \\25B2"; } th[aria-sort=descending]::after { content: " \\25BC"; }
tr.accepted td { opacity: 0.6; }
td { overflow-wrap: anywhere; }
td code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12px;
  word-break: break-all; }
#findings-table td:nth-child(2) code { word-break: normal; overflow-wrap: normal; white-space: nowrap; }
details summary { cursor: pointer; color: var(--muted); }
pre { background: var(--alt); padding: 8px; overflow-x: auto; font-size: 12px; }
.warn { border-left: 4px solid var(--medium); background: #fff8c5; padding: 8px 12px; margin: 8px 0; }
.error { border-left: 4px solid var(--high); background: #ffebe9; padding: 8px 12px; margin: 8px 0; }
figure { margin: 12px 0; border: 1px solid var(--line); border-radius: 6px; padding: 8px; overflow-x: auto; }
figcaption { font-weight: 600; margin-bottom: 4px; }
svg text { font: 11px ui-monospace, SFMono-Regular, Menlo, monospace; }
svg .node rect { fill: var(--alt); stroke: var(--muted); }
svg .node.start rect { stroke: var(--high); stroke-width: 2; }
svg .edge line { stroke: var(--muted); stroke-width: 1.5; } svg .edge polygon { fill: var(--muted); }
"""

# Plain ES2015 without dependencies: sortable tables, and filters over the rows of the table they name.
SCRIPT = """
(function () {
  "use strict";
  function value(row, index) {
    var cell = row.cells[index];
    var given = cell.getAttribute("data-value");
    return given !== null ? given : cell.textContent.trim().toLowerCase();
  }
  function sortBy(table, index, header) {
    var ascending = header.getAttribute("aria-sort") !== "ascending";
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (cell) { cell.removeAttribute("aria-sort"); });
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var numeric = header.getAttribute("data-type") === "number";
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = value(a, index), y = value(b, index);
      var order = numeric ? (parseFloat(x) || 0) - (parseFloat(y) || 0) : x.localeCompare(y);
      return ascending ? order : -order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
  }
  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (table) {
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (header, index) {
      header.tabIndex = 0;
      header.addEventListener("click", function () { sortBy(table, index, header); });
      header.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") { event.preventDefault(); sortBy(table, index, header); }
      });
    });
  });
  Array.prototype.forEach.call(document.querySelectorAll("[data-filter-for]"), function (controls) {
    var table = document.getElementById(controls.getAttribute("data-filter-for"));
    if (!table) { return; }
    var text = controls.querySelector("input[type=search]");
    var severity = controls.querySelector("select.severity");
    var status = controls.querySelector("select.status");
    var counter = controls.querySelector(".shown");
    function apply() {
      var query = text ? text.value.trim().toLowerCase() : "";
      var least = severity ? parseInt(severity.value, 10) : 0;
      var wanted = status ? status.value : "";
      var shown = 0;
      Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
        var ok = (!query || row.textContent.toLowerCase().indexOf(query) !== -1) &&
          (!severity || parseInt(row.getAttribute("data-severity"), 10) >= least) &&
          (!wanted || row.getAttribute("data-status") === wanted);
        row.hidden = !ok;
        if (ok) { shown += 1; }
      });
      if (counter) { counter.textContent = shown + " of " + table.tBodies[0].rows.length + " shown"; }
    }
    [text, severity, status].forEach(function (control) {
      if (control) { control.addEventListener(control === text ? "input" : "change", apply); }
    });
    apply();
  });
})();
"""
