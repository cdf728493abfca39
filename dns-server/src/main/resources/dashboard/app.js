// hubdns dashboard: polls GET /v1/dashboard every 2 s and renders it. Hand-written, no library, no
// build step. Everything from the server goes into the page as text (textContent, setAttribute),
// never as markup. Charts are inline SVG drawn here; their history lives only in this page.
"use strict";

(function () {
  const POLL_MS = 2000;
  const HISTORY = 150; // points: 5 minutes at one every 2 s
  const SVG = "http://www.w3.org/2000/svg";
  const history = []; // {t, qps, p50, p99}

  // ---- small DOM helpers ----
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    setAttrs(e, attrs);
    append(e, children);
    return e;
  }
  function svg(tag, attrs, ...children) {
    const e = document.createElementNS(SVG, tag);
    setAttrs(e, attrs);
    append(e, children);
    return e;
  }
  function setAttrs(e, attrs) {
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "text") e.textContent = String(v);
      else if (k === "class") e.setAttribute("class", v);
      else e.setAttribute(k, String(v));
    }
  }
  function append(e, children) {
    for (const c of children.flat(Infinity)) {
      if (c === null || c === undefined || c === false) continue;
      e.appendChild(typeof c === "string" || typeof c === "number" ? document.createTextNode(String(c)) : c);
    }
  }
  function replace(id, ...children) {
    const target = document.getElementById(id);
    target.replaceChildren();
    append(target, children);
  }
  const num = (v) => (typeof v === "number" && isFinite(v) ? v : 0);
  function fmtInt(n) { return Math.round(num(n)).toLocaleString("en-US"); }
  function fmtRate(n) {
    n = num(n);
    return n >= 100 ? fmtInt(n) : n >= 10 ? n.toFixed(1) : n.toFixed(2);
  }
  function fmtMs(n) {
    n = num(n);
    return n >= 10 ? n.toFixed(1) : n >= 1 ? n.toFixed(2) : n.toFixed(3);
  }
  function fmtPct(x) { return x === null || x === undefined ? "\u2014" : (100 * x).toFixed(1) + " %"; }
  function fmtDuration(s) {
    s = Math.floor(num(s));
    if (s < 60) return s + "s";
    if (s < 3600) return Math.floor(s / 60) + "m " + (s % 60) + "s";
    if (s < 86400) return Math.floor(s / 3600) + "h " + Math.floor((s % 3600) / 60) + "m";
    return Math.floor(s / 86400) + "d " + Math.floor((s % 86400) / 3600) + "h";
  }
  function fmtTime(iso) {
    const d = new Date(iso);
    return isNaN(d) ? String(iso) : d.toLocaleTimeString("en-GB", { hour12: false });
  }
  function ago(iso) {
    const s = (Date.now() - new Date(iso).getTime()) / 1000;
    return isFinite(s) ? fmtDuration(Math.max(0, s)) + " ago" : "";
  }
  function pill(state, text) { return el("span", { class: "pill " + state, text: text || state }); }

  // ---- charts ----
  function niceMax(v) {
    if (!(v > 0)) return 1;
    const p = Math.pow(10, Math.floor(Math.log10(v)));
    for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
    return 10 * p;
  }

  /** A line chart of the history: series [{key, color, label}], y formatted by fmt. */
  function lineChart(series, fmt) {
    const W = 600, H = 170, L = 46, R = 8, T = 8, B = 20;
    const max = niceMax(Math.max(0, ...history.flatMap((h) => series.map((s) => num(h[s.key])))));
    const root = svg("svg", { viewBox: `0 0 ${W} ${H}`, preserveAspectRatio: "none", role: "img" });
    for (let i = 0; i <= 4; i++) {
      const y = T + ((H - T - B) * i) / 4;
      root.appendChild(svg("line", { class: "axis", x1: L, x2: W - R, y1: y, y2: y }));
      root.appendChild(svg("text", { x: L - 6, y: y + 4, "text-anchor": "end", text: fmt((max * (4 - i)) / 4) }));
    }
    const now = Date.now();
    const span = HISTORY * POLL_MS;
    const x = (t) => L + (W - L - R) * (1 - Math.min(span, now - t) / span);
    const y = (v) => T + (H - T - B) * (1 - num(v) / max);
    root.appendChild(svg("text", { x: L, y: H - 4, text: "-5 min" }));
    root.appendChild(svg("text", { x: W - R, y: H - 4, "text-anchor": "end", text: "now" }));
    for (const s of series) {
      if (history.length === 0) continue;
      const pts = history.map((h) => x(h.t).toFixed(1) + "," + y(h[s.key]).toFixed(1));
      if (history.length === 1) pts.unshift((L).toFixed(1) + "," + y(history[0][s.key]).toFixed(1));
      root.appendChild(svg("polyline", { points: pts.join(" "), fill: "none", stroke: s.color,
        "stroke-width": 2, "vector-effect": "non-scaling-stroke", "stroke-linejoin": "round" }));
      const last = history[history.length - 1];
      root.appendChild(svg("circle", { cx: x(last.t).toFixed(1), cy: y(last[s.key]).toFixed(1), r: 3, fill: s.color }));
    }
    const legend = el("div", { class: "legend" }, series.map((s) => {
      const last = history.length ? history[history.length - 1][s.key] : null;
      const sw = svg("svg", { width: 10, height: 10, class: "swatch" }, svg("rect", { width: 10, height: 10, fill: s.color }));
      return el("span", null, sw, s.label + (last === null ? "" : ": " + fmt(last)));
    }));
    return [root, legend];
  }

  /** Horizontal bars: rows [{label, value, color}], a grid of label, bar (SVG) and value. */
  function bars(rows) {
    const max = Math.max(1, ...rows.map((r) => num(r.value)));
    return el("div", { class: "bars" }, rows.map((r) => [
      el("span", { text: r.label }),
      svg("svg", { viewBox: "0 0 100 14", preserveAspectRatio: "none" },
        svg("rect", { x: 0, y: 0, width: 100, height: 14, rx: 2, fill: "#eef1f4" }),
        svg("rect", { x: 0, y: 0, width: (100 * num(r.value)) / max, height: 14, rx: 2, fill: r.color || "#2f6fdd" })),
      el("span", { class: "value", text: fmtInt(r.value) })]));
  }

  /** A two-part bar: local share (green) against fallback (red); grey when nothing was answered. */
  function shareBar(share) {
    const root = svg("svg", { viewBox: "0 0 100 14", preserveAspectRatio: "none" });
    if (share === null || share === undefined) {
      root.appendChild(svg("rect", { x: 0, y: 0, width: 100, height: 14, rx: 3, fill: "#e2e7ec" }));
    } else {
      root.appendChild(svg("rect", { x: 0, y: 0, width: 100, height: 14, rx: 3, fill: "#d64545" }));
      root.appendChild(svg("rect", { x: 0, y: 0, width: 100 * share, height: 14, rx: 3, fill: "#1f9d55" }));
    }
    return el("div", { class: "share-bar" }, root);
  }

  function loadBar(load) {
    const v = Math.max(0, Math.min(1, num(load)));
    const color = v >= 1 ? "#d64545" : v > 0.8 ? "#d9822b" : "#2f6fdd";
    return el("span", { class: "load" },
      svg("svg", { viewBox: "0 0 70 10", preserveAspectRatio: "none" },
        svg("rect", { x: 0, y: 0, width: 70, height: 10, rx: 2, fill: "#e2e7ec" }),
        svg("rect", { x: 0, y: 0, width: 70 * v, height: 10, rx: 2, fill: color })),
      (100 * num(load)).toFixed(0) + " %");
  }

  // ---- sections ----
  function renderHeader(d) {
    const m = d.member || {};
    replace("member", "member " + (m.http || "?") + " \u00b7 up " + fmtDuration(m.uptimeSeconds) +
      " \u00b7 snapshot " + fmtInt(m.snapshotVersion));
    const status = document.getElementById("status");
    status.className = "pill " + (d.status === "serving" ? "serving" : "starting");
    status.textContent = d.status === "serving" ? "serving" : "starting: " + (d.reason || "");
    replace("updated", "updated " + fmtTime(d.generatedAt || new Date().toISOString()));
  }

  function renderKpis(d) {
    const t = d.traffic || {};
    const nodes = (d.sites || []).flatMap((s) => s.nodes || []);
    const up = nodes.filter((n) => n.health === "up").length;
    const down = nodes.filter((n) => n.health === "down").length;
    const draining = nodes.filter((n) => n.admin === "draining").length;
    const kpi = (label, value, sub) => el("div", { class: "kpi" }, el("div", { class: "label", text: label }),
      el("div", { class: "value", text: value }), el("div", { class: "sub", text: sub || "\u00a0" }));
    const platforms = d.platforms || [];
    const fallback = platforms.filter((p) => p.answer !== "nodes").length;
    replace("kpis",
      kpi("Queries / s", fmtRate(t.qps), "this member"),
      kpi("Latency p50 / p99", fmtMs((t.latencyMs || {}).p50) + " / " + fmtMs((t.latencyMs || {}).p99),
        "ms, server-side"),
      kpi("Queries", fmtInt(t.queries), "since start"),
      kpi("Members", fmtInt((d.members || []).length), "in the cluster"),
      kpi("Nodes up", up + " / " + nodes.length, down + " down, " + draining + " draining"),
      kpi("Platforms", fmtInt(platforms.length), fallback ? fallback + " on fallback" : "all on nodes"));
  }

  function renderCharts() {
    replace("qps-chart", lineChart([{ key: "qps", color: "#2f6fdd", label: "queries/s" }], fmtRate));
    replace("latency-chart", lineChart([
      { key: "p50", color: "#2f6fdd", label: "p50" },
      { key: "p99", color: "#8e44ad", label: "p99" }], fmtMs));
  }

  function renderPlatforms(d) {
    const platforms = d.platforms || [];
    if (!platforms.length) return replace("platforms", el("div", { class: "empty", text: "no platforms" }));
    replace("platforms", platforms.map((p) => {
      const state = p.answer === "nodes" ? "nodes" : "fallback";
      const fb = p.fallback || {};
      const fbText = fb.cname ? "CNAME " + fb.cname : (fb.addresses || []).join(", ") || "none";
      const h = p.health || {};
      const siteRows = Object.entries(p.answers || {}).map(([site, n]) => ({ label: site, value: n, color: "#1f9d55" }));
      siteRows.push({ label: "origin fallback", value: p.fallbacks || 0, color: "#d64545" });
      const clients = p.clients || {};
      const inCountry = clients.inCountry || {};
      const foreign = clients.foreign || {};
      const unlocated = clients.unlocated || {};
      const methodColors = { coverage: "#1f9d55", bgp: "#2f6fdd", geoip: "#8e44ad", geoip_coarse: "#e0a526", none: "#9aa5b1" };
      const methodRows = Object.entries(p.located || {}).map(([m, v]) => ({
        label: m + " " + fmtPct(v.share), value: v.answers, color: methodColors[m] }));
      return el("div", { class: "platform", "data-platform": p.name },
        el("div", null,
          el("div", null, el("span", { class: "name", text: p.name }),
            pill(state, state === "nodes" ? "serving from nodes" : p.answer)),
          el("div", { class: "mono", text: (p.hostnames || []).join(", ") }),
          el("div", { class: "muted", text: `${p.serving} of ${p.nodes} nodes in answers \u00b7 ` +
            `${h.up || 0} up, ${h.down || 0} down, ${h.unknown || 0} unknown, ${p.draining || 0} draining` }),
          el("div", { class: "muted", text: "fallback: " + fbText + (p.defaultSite ? " \u00b7 default site " + p.defaultSite : "") })),
        el("div", null,
          el("div", { class: "muted", text: "kept in the country" }),
          el("div", { class: "share", "data-local-share": p.localShare === null ? "" : p.localShare,
            text: fmtPct(p.localShare) }),
          shareBar(p.localShare),
          el("div", { class: "muted", text: p.localShare === null ? "no in-country answers yet"
            : fmtInt(inCountry.local) + " of " + fmtInt(inCountry.answers) + " in-country answers from nodes" }),
          el("div", { class: "muted", "data-foreign": foreign.answers || 0,
            text: "foreign clients: " + fmtInt(foreign.answers) + " (" + fmtInt(foreign.local) + " from nodes)"
              + " \u00b7 unlocated: " + fmtInt(unlocated.answers) })),
        el("div", null, el("div", { class: "muted", text: "answers per site (this member)" }), bars(siteRows),
          el("div", { class: "muted", text: "clients placed by (share of answers)" }),
          el("div", { class: "methods" }, bars(methodRows))));
    }));
  }

  function renderSites(d) {
    const sites = d.sites || [];
    if (!sites.length) return replace("sites", el("div", { class: "empty", text: "no sites" }));
    replace("sites", sites.map((s) => {
      const rows = (s.nodes || []).map((n) => {
        const verdict = String(n.verdict || "");
        const inAnswers = n.inAnswers === true;
        const sub = [n.platform, n.partner, "weight " + n.weight];
        return el("tr", { "data-node": n.id, "data-health": n.health, "data-admin": n.admin,
          class: inAnswers ? null : "out", title: "in answers: " + verdict },
          el("td", { class: "mono" }, el("span", { class: "dot " + n.health }), n.id,
            el("div", { class: "sub-id" }, sub.filter(Boolean).join(" \u00b7 "),
              inAnswers && verdict === "in" ? null : el("span", { class: "verdict " + (inAnswers ? "in" : "out"),
                text: " \u00b7 " + verdict }))),
          el("td", null, pill(n.health)),
          el("td", null, pill(n.admin)),
          el("td", null, loadBar(n.load)));
      });
      return el("div", { class: "site", "data-site": s.name },
        el("h3", null, s.name,
          el("span", { class: "muted", text: s.missing ? "(site not defined)" : [s.city, s.country].filter(Boolean).join(", ") }),
          el("span", { class: "answers", text: fmtInt(s.answers) + " answers" })),
        rows.length ? el("table", null,
          el("thead", null, el("tr", null, ["node", "health", "admin", "load"].map((t) => el("th", { text: t })))),
          el("tbody", null, rows)) : el("div", { class: "empty", text: "no cache nodes" }));
    }));
  }

  function renderChanges(d) {
    const changes = d.changes || [];
    if (!changes.length) return replace("changes", el("div", { class: "empty", text: "no health changes since this member started" }));
    replace("changes", el("table", null,
      el("thead", null, el("tr", null, ["time", "node", "site", "change", ""].map((t) => el("th", { text: t })))),
      el("tbody", null, changes.slice(0, 20).map((c) => el("tr", null,
        el("td", { text: fmtTime(c.at) }),
        el("td", { class: "mono", text: c.node }),
        el("td", { text: c.site }),
        el("td", null, pill(c.from), " \u2192 ", pill(c.to)),
        el("td", { class: "muted", text: ago(c.at) }))))));
  }

  function renderFeeds(d) {
    const feeds = d.feeds || [];
    if (!feeds.length) return replace("feeds", el("div", { class: "empty", text: "no coverage feeds (PUT /v1/coverage-feeds/{name})" }));
    replace("feeds", el("table", null,
      el("thead", null, el("tr", null, ["feed", "IPv4 routes", "IPv6 routes", "peers at a site", "last news", "state"].map((t) => el("th", { text: t })))),
      el("tbody", null, feeds.map((f) => el("tr", null,
        el("td", { class: "mono", text: f.name }),
        el("td", { text: f.loading ? "\u2014" : fmtInt(f.routesV4) }),
        el("td", { text: f.loading ? "\u2014" : fmtInt(f.routesV6) }),
        el("td", { text: f.loading ? "\u2014" : fmtInt(f.peersPlaced) + " of " + fmtInt(f.peers) }),
        el("td", { text: f.ageSeconds === null || f.ageSeconds === undefined ? "never" : fmtDuration(f.ageSeconds) + " ago" }),
        el("td", null, f.loading ? pill("unknown", "loading") : f.stale
          ? pill("down", "stale (> " + fmtDuration(f.staleAfterS) + ")") : pill("up", "current")))))));
  }

  function renderMembers(d) {
    const members = d.members || [];
    replace("members", el("table", null,
      el("thead", null, el("tr", null, ["member", "cluster", "HTTP", "GeoIP"].map((t) => el("th", { text: t })))),
      el("tbody", null, members.map((m) => el("tr", null,
        el("td", { class: "mono" }, String(m.id || "").slice(0, 8), m.local ? " " : "", m.local ? pill("local", "this one") : null),
        el("td", { class: "mono", text: m.cluster }),
        el("td", { class: "mono" }, m.http ? el("a", { href: "http://" + m.http + "/", text: m.http }) : "\u2014"),
        el("td", { text: m.geoip ? m.geoip.buildDate : "none" }))))));
    const rcodes = Object.entries((d.traffic || {}).rcodes || {}).sort((a, b) => num(b[1]) - num(a[1]));
    replace("rcodes", rcodes.length ? bars(rcodes.map(([k, v]) => ({ label: k, value: v,
      color: k === "NOERROR" ? "#1f9d55" : k === "NXDOMAIN" ? "#d9822b" : "#d64545" })))
      : el("div", { class: "empty", text: "no queries yet" }));
  }

  function record(d) {
    const t = d.traffic || {};
    // the member's own recent rate and quantiles, one point per poll
    history.push({ t: Date.now(), qps: num(t.qps), p50: num((t.latencyMs || {}).p50), p99: num((t.latencyMs || {}).p99) });
    while (history.length > HISTORY) history.shift();
  }

  function render(d) {
    if (d.status === "serving") record(d);
    renderHeader(d);
    renderKpis(d);
    renderCharts();
    renderPlatforms(d);
    renderSites(d);
    renderChanges(d);
    renderFeeds(d);
    renderMembers(d);
  }

  function banner(text) {
    const b = document.getElementById("banner");
    b.hidden = !text;
    b.textContent = text || "";
  }

  async function poll() {
    const ctl = new AbortController();
    const timer = setTimeout(() => ctl.abort(), 5000);
    let d = null;
    let status = 0;
    try {
      const r = await fetch("/v1/dashboard", { cache: "no-store", signal: ctl.signal });
      status = r.status;
      if ((r.headers.get("Content-Type") || "").startsWith("application/json")) d = await r.json();
    } catch (e) {
      banner("This member does not answer (" + (e && e.name === "AbortError" ? "timed out" : e.message || e) +
        "); showing the last data received.");
    } finally {
      clearTimeout(timer);
      setTimeout(poll, POLL_MS);
    }
    if (d && d.member && (status === 200 || status === 503)) {
      try {
        render(d);
        banner(status === 200 ? null : "This member is not serving yet: " + (d.reason || "starting"));
      } catch (e) {
        banner("The page could not show the data: " + e);
        if (window.console) console.error(e);
      }
    } else if (status) {
      banner("The dashboard data could not be read (HTTP " + status + (d && d.detail ? ": " + d.detail : "") + ").");
    }
  }

  poll();
})();
