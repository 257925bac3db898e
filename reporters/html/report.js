// specter's html report: renders the JSON in #specter-data. Text goes into
// the page through textContent only; the one exception is a rule's help,
// which the reporter rendered from markdown with everything escaped.
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("specter-data").textContent);
  var state = { sev: {}, rule: "", file: "", op: "", scanner: "", q: "", suppressed: false };

  function el(tag, attrs, kids) {
    var n = document.createElement(tag);
    if (attrs) {
      for (var k in attrs) {
        if (k === "text") n.textContent = attrs[k];
        else if (k === "cls") n.className = attrs[k];
        else n.setAttribute(k, attrs[k]);
      }
    }
    (kids || []).forEach(function (c) { if (c) n.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
    return n;
  }
  function $(id) { return document.getElementById(id); }
  function sevBadge(s) { return el("span", { cls: "sev sev-" + s, text: s }); }
  function locText(f) {
    if (!f.file) return "";
    return f.file + (f.line ? ":" + f.line + (f.col ? ":" + f.col : "") : "");
  }

  // --- header: verdict and counts ---
  $("meta").textContent = D.tool + " " + D.version + " · " + D.command + " · " + D.files_scanned +
    " file(s) scanned · " + D.total + " finding(s), " + D.suppressed + " suppressed, " + D.baselined + " baselined";
  var gate = $("gate");
  gate.appendChild(el("span", { cls: "gate " + (D.gate.passed ? "passed" : "failed"), id: "verdict",
    text: D.gate.passed ? "gate passed" : "gate FAILED" }));
  gate.appendChild(document.createTextNode(" fail on: " + D.gate.fail_on));
  if (D.gate.reasons.length) gate.appendChild(el("ul", null, D.gate.reasons.map(function (r) { return el("li", { text: r }); })));
  D.severities.forEach(function (s) {
    var b = el("button", { type: "button", cls: "tile", "data-sev": s, title: "show only " + s + " findings" },
      [el("b", { text: String(D.counts[s]) }), sevBadge(s)]);
    b.addEventListener("click", function (ev) {
      var only = Object.keys(state.sev);
      if (ev.shiftKey) { if (state.sev[s]) delete state.sev[s]; else state.sev[s] = true; }
      else if (only.length === 1 && only[0] === s) state.sev = {};
      else { state.sev = {}; state.sev[s] = true; }
      apply();
    });
    $("counts").appendChild(b);
  });

  // --- findings, grouped by rule ---
  var nodes = [], groups = [];
  D.rules.forEach(function (r, i) {
    var list = el("div", { cls: "list" });
    var count = el("span", { cls: "count" });
    var help = el("div", { cls: "helptext" });
    help.innerHTML = r.help; // escaped by the reporter (helpHTML)
    var meta = [r.owasp, (r.cwe || []).join(", ")].filter(Boolean).join(" · ");
    var sec = el("section", { cls: "rule", id: "r" + i, "data-rule": r.id }, [
      el("h3", null, [sevBadge(r.severity), el("code", { text: r.id }), " ", el("span", { cls: "title", text: r.title }), count]),
      meta ? el("div", { cls: "muted", text: meta }) : null,
      el("details", { cls: "help" }, [el("summary", { text: "Why it matters and how to fix it" }), help]),
      list
    ]);
    groups.push({ sec: sec, list: list, count: count, total: 0 });
    $("groups").appendChild(sec);
  });
  var files = {}, ops = {}, scanners = {};
  D.findings.forEach(function (f) {
    // Empty fields are left out of the data; the file is an index.
    f.file = D.files[f.file]; f.op = f.op || ""; f.ptr = f.ptr || ""; f.evidence = f.evidence || "";
    f.suppressed = f.suppressed || ""; f.related = f.related || [];
  });
  D.findings.forEach(function (f, i) {
    var r = D.rules[f.rule];
    var sum = el("summary", null, [sevBadge(f.sev), el("span", { cls: "loc", text: locText(f) }),
      el("span", { cls: "msg", text: f.msg }), f.op ? el("span", { cls: "op", text: f.op }) : null,
      f.suppressed ? el("span", { cls: "muted", text: " (suppressed: " + f.suppressed + ")" }) : null]);
    var d = el("details", { cls: "finding" + (f.suppressed ? " suppressed" : ""), id: "f" + i, "data-fp": f.fp,
      "data-sev": f.sev, "data-rule": r.id, "data-file": f.file, "data-op": f.op, "data-scanner": r.family }, [sum]);
    d.addEventListener("toggle", function () { if (d.open && !d.filled) fill(d, f, r); });
    groups[f.rule].list.appendChild(d);
    groups[f.rule].total++;
    f.hay = [f.msg, r.id, r.title, f.file, f.op, f.evidence, f.ptr].join("\n").toLowerCase();
    nodes.push(d);
    if (f.file) files[f.file] = true;
    if (f.op) ops[f.op] = true;
    scanners[r.family] = true;
  });
  function options(sel, values) {
    Object.keys(values).sort().forEach(function (v) { sel.appendChild(el("option", { value: v, text: v })); });
  }
  D.rules.forEach(function (r) { $("f-rule").appendChild(el("option", { value: r.id, text: r.id + " (" + r.count + ")" })); });
  options($("f-file"), files);
  options($("f-op"), ops);
  options($("f-scanner"), scanners);

  // fill adds a finding's details when it is first opened: evidence,
  // location, related places, the source lines around it and the rule's help.
  function fill(d, f, r) {
    d.filled = true;
    var dl = el("dl");
    function row(k, v) { if (v) { dl.appendChild(el("dt", { text: k })); dl.appendChild(el("dd", { text: v })); } }
    row("Rule", r.id + " — " + r.title);
    row("Location", locText(f));
    row("Pointer", f.ptr);
    row("Operation", f.op);
    row("Evidence", f.evidence);
    row("Fingerprint", f.fp);
    (f.related || []).forEach(function (rel) { row("Related", locText(rel) + " " + rel.msg); });
    var body = el("div", { cls: "body" }, [dl]);
    var src = source(f);
    if (src) body.appendChild(src);
    var help = el("div", { cls: "helptext" });
    help.innerHTML = r.help; // escaped by the reporter (helpHTML)
    body.appendChild(el("details", { open: "" }, [el("summary", { text: "Help and fix" }), help]));
    d.appendChild(body);
  }
  function source(f) {
    var lines = D.sources.files[f.file];
    if (!lines || !f.line) return null;
    var last = Math.max(f.line, f.end_line || 0), pre = el("pre", { cls: "src" }), n = 0;
    for (var l = f.line - D.sources.radius; l <= last + D.sources.radius; l++) {
      if (!(String(l) in lines)) continue;
      pre.appendChild(el("span", { cls: l >= f.line && l <= last ? "hit" : "" }, [el("i", { text: String(l) }), lines[l]]));
      n++;
    }
    return n ? pre : null;
  }

  // --- filters ---
  function visible(f) {
    var r = D.rules[f.rule];
    if (f.suppressed && !state.suppressed) return false;
    if (Object.keys(state.sev).length && !state.sev[f.sev]) return false;
    if (state.rule && r.id !== state.rule) return false;
    if (state.file && f.file !== state.file) return false;
    if (state.op && f.op !== state.op) return false;
    if (state.scanner && r.family !== state.scanner) return false;
    if (state.q && f.hay.indexOf(state.q) < 0) return false;
    return true;
  }
  function apply() {
    var shown = 0, per = groups.map(function () { return 0; });
    D.findings.forEach(function (f, i) {
      var v = visible(f);
      nodes[i].hidden = !v;
      if (v) { shown++; per[f.rule]++; }
    });
    groups.forEach(function (g, i) {
      g.sec.hidden = per[i] === 0;
      g.count.textContent = per[i] === g.total ? "(" + g.total + ")" : "(" + per[i] + " of " + g.total + ")";
    });
    $("shown").textContent = "Showing " + shown + " of " + D.findings.length + " finding(s)" + (D.findings.length ? "" : ": nothing to report");
    $("shown").setAttribute("data-shown", String(shown));
    Array.prototype.forEach.call(document.querySelectorAll(".tile"), function (t) {
      t.classList.toggle("on", !!state.sev[t.getAttribute("data-sev")]);
    });
    $("f-rule").value = state.rule; $("f-file").value = state.file; $("f-op").value = state.op;
    $("f-scanner").value = state.scanner; $("f-suppressed").checked = state.suppressed;
  }
  $("search").addEventListener("input", function () { state.q = this.value.trim().toLowerCase(); apply(); });
  [["f-rule", "rule"], ["f-file", "file"], ["f-op", "op"], ["f-scanner", "scanner"]].forEach(function (p) {
    $(p[0]).addEventListener("change", function () { state[p[1]] = this.value; apply(); });
  });
  $("f-suppressed").addEventListener("change", function () { state.suppressed = this.checked; apply(); });
  $("f-clear").addEventListener("click", function () {
    state = { sev: {}, rule: "", file: "", op: "", scanner: "", q: "", suppressed: false };
    $("search").value = "";
    apply();
  });
  // reveal opens a finding (also one a filter hides) and scrolls to it.
  function reveal(id) {
    var d = $(id);
    if (!d || !d.classList.contains("finding")) return;
    if (d.hidden) { state = { sev: {}, rule: "", file: "", op: "", scanner: "", q: "", suppressed: state.suppressed || d.classList.contains("suppressed") }; $("search").value = ""; apply(); }
    d.open = true;
    d.classList.add("flash");
    d.scrollIntoView({ block: "center" });
  }
  window.addEventListener("hashchange", function () { reveal(location.hash.slice(1)); });

  // --- surface map ---
  (function () {
    if (!D.map.operations.length) { $("map-table").appendChild(el("p", { cls: "muted", text: "No operations in the scanned surface." })); return; }
    var first = {};
    D.findings.forEach(function (f, i) {
      var k = f.op + "\u0000" + D.rules[f.rule].family;
      if (!f.suppressed && !(k in first)) first[k] = i;
    });
    var head = el("tr", null, [el("th", { text: "Operation" })].concat(D.map.scanners.map(function (s) { return el("th", { text: s }); })));
    var rows = D.map.operations.map(function (op, i) {
      return el("tr", null, [el("td", { cls: "op", text: op })].concat(D.map.cells[i].map(function (sev, j) {
        if (!sev) return el("td", { cls: "cell clean", text: "·" });
        var scanner = D.map.scanners[j], target = first[op + "\u0000" + scanner];
        var a = el("a", { cls: "sev-" + sev, href: "#f" + target, "data-op": op, "data-scanner": scanner, text: sev,
          title: scanner + " findings on " + op });
        a.addEventListener("click", function (ev) {
          ev.preventDefault();
          state = { sev: {}, rule: "", file: "", op: op, scanner: scanner, q: "", suppressed: false };
          $("search").value = "";
          apply();
          history.replaceState(null, "", "#f" + target);
          reveal("f" + target);
        });
        return el("td", { cls: "cell" }, [a]);
      })));
    });
    $("map-table").appendChild(el("table", null, [el("thead", null, [head]), el("tbody", null, rows)]));
  })();

  // --- coverage charts ---
  function statusBar(c) {
    var total = c.statuses.reduce(function (a, s) { return a + s[1]; }, 0);
    var bar = el("div", { cls: "bar", title: c.statuses.map(function (s) { return s[0] + "×" + s[1]; }).join(" ") });
    c.statuses.forEach(function (s) {
      bar.appendChild(el("span", { cls: "s" + Math.floor(s[0] / 100 > 5 ? 0 : s[0] / 100), style: "width:" + (100 * s[1] / total) + "%" }));
    });
    return bar;
  }
  function coverageOf(name) { return D.coverage.filter(function (c) { return c.scanner === name; })[0]; }
  function donut(parts) {
    var total = parts.reduce(function (a, p) { return a + p[1]; }, 0) || 1, off = 0, ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 42 42"); svg.setAttribute("width", "120"); svg.setAttribute("height", "120");
    svg.setAttribute("role", "img");
    parts.forEach(function (p) {
      var c = document.createElementNS(ns, "circle");
      c.setAttribute("cx", "21"); c.setAttribute("cy", "21"); c.setAttribute("r", "15.915"); c.setAttribute("fill", "none");
      c.setAttribute("stroke", p[2]); c.setAttribute("stroke-width", "6");
      c.setAttribute("stroke-dasharray", (100 * p[1] / total) + " " + (100 - 100 * p[1] / total));
      c.setAttribute("stroke-dashoffset", String(25 - off));
      off += 100 * p[1] / total;
      svg.appendChild(c);
    });
    return svg;
  }
  function legend(parts) {
    return el("div", { cls: "legend" }, parts.map(function (p) {
      var i = el("i"); i.style.background = p[2];
      return el("span", null, [i, p[0] + ": " + p[1]]);
    }));
  }
  function table(head, rows) {
    return el("table", null, [el("thead", null, [el("tr", null, head.map(function (h) { return el("th", { text: h }); }))]),
      el("tbody", null, rows.map(function (r) { return el("tr", null, r.map(function (c) { return el("td", null, [c]); })); }))]);
  }
  function covTable(c, why) {
    var most = Math.max.apply(null, c.operations.map(function (o) { return o.requests; }).concat([1]));
    return table(["Operation", "Requests", "", "Statuses", "2xx", why], c.operations.map(function (o) {
      var req = el("div", { cls: "reqbar" }); req.style.width = (120 * o.requests / most) + "px";
      return [el("code", { text: o.op }), String(o.requests), req, o.statuses.length ? statusBar(o) : el("span", { cls: "muted", text: "none" }),
        String(o.succeeded), o.reason ? el("span", { text: o.reason }) : el("span", { cls: "muted", text: "—" })];
    }));
  }
  (function () {
    var c = coverageOf("fuzz"), body = $("fuzz-body");
    if (!c) { body.appendChild(el("p", { cls: "muted", text: "The fuzzer did not run (specter fuzz, or scan --target)." })); return; }
    var ok = c.operations.filter(function (o) { return o.succeeded > 0; }).length;
    var parts = [["answered 2xx", ok, "#43a047"], ["never 2xx", c.operations.length - ok, "#e53935"]];
    body.appendChild(el("div", { cls: "chart" }, [donut(parts), legend(parts)]));
    body.appendChild(el("div", { cls: "legend" }, [["2xx", "s2"], ["3xx", "s3"], ["4xx", "s4"], ["5xx", "s5"]].map(function (p) {
      return el("span", null, [el("i", { cls: p[1] }), p[0]]);
    })));
    body.appendChild(covTable(c, "Why it never got a 2xx"));
  })();
  (function () {
    var c = coverageOf("inventory"), body = $("inventory-body"), inv = D.inventory;
    if (!c && !inv) { body.appendChild(el("p", { cls: "muted", text: "No recorded traffic was read (--traffic)." })); return; }
    var byRule = {};
    D.findings.forEach(function (f) { if (!f.suppressed) { var id = D.rules[f.rule].id; byRule[id] = (byRule[id] || 0) + 1; } });
    if (inv) {
      var seen = inv.observed_operations, parts = [["documented, seen", seen, "#43a047"], ["documented, never seen", inv.operations - seen, "#9e9e9e"]];
      body.appendChild(el("p", { text: inv.requests + " request(s) read" + (inv.window_start ? ", " + inv.window_start + " to " + inv.window_end : "") }));
      body.appendChild(el("div", { cls: "chart" }, [donut(parts), legend(parts), legend([
        ["shadow (undocumented, seen)", byRule["inventory/shadow-endpoint"] || 0, "#e53935"],
        ["zombie (deprecated or removed, still called)", byRule["inventory/zombie-endpoint"] || 0, "#fb8c00"],
        ["orphan (documented, never called)", byRule["inventory/orphan-endpoint"] || 0, "#9e9e9e"]])]));
    }
    if (c) body.appendChild(covTable(c, "Why it was never seen"));
    if (D.clients.length) {
      body.appendChild(el("h3", { cls: "sub", text: "Clients" }));
      body.appendChild(table(["Client", "Identified by", "Agent", "Requests", "Operations", "Peak/min", "Unused scopes", "User agents"],
        D.clients.map(function (k) {
          return [el("code", { text: k.name }), k.identified_by, k.agent ? k.agent_marker : "no", String(k.requests),
            k.operations.map(function (o) { return o.method + " " + o.path + (o.documented ? "" : " (undocumented)") + " ×" + o.requests; }).join("\n"),
            String(k.peak_per_minute), k.unused_scopes.join(" "), k.user_agents.join("\n")];
        })));
      body.lastChild.className = "clients";
    }
  })();
  (function () {
    var body = $("notes-body");
    if (!D.notes.length && !D.policy.length) { body.appendChild(el("p", { cls: "muted", text: "No notes." })); return; }
    if (D.notes.length) body.appendChild(el("ul", null, D.notes.map(function (n) { return el("li", { text: n }); })));
    if (D.policy.length) body.appendChild(table(["Policy step", "Dropped", "Changed"], D.policy.map(function (p) { return [p.step, String(p.dropped), String(p.changed)]; })));
  })();

  apply();
  if (location.hash.length > 1) reveal(location.hash.slice(1));
})();
