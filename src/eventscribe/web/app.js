// eventscribe dashboard. Article text and every stored string are untrusted: the DOM is built
// with createElement/textContent only (never innerHTML), links are checked to be http(s).
"use strict";

(function () {
  const API = "api/v1";
  const PAGE = 50;
  const TYPES = ["AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
    "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"];
  const COLORS = {
    AGREE: "#2e7d32", CONSULT: "#43a047", SUPPORT: "#7cb342", CONCEDE: "#00897b", COOPERATE: "#00acc1",
    AID: "#039be5", RETREAT: "#3949ab", REQUEST: "#8e24aa", ACCUSE: "#d81b60", REJECT: "#6d4c41",
    THREATEN: "#f4511e", PROTEST: "#fb8c00", SANCTION: "#795548", MOBILIZE: "#c0ca33",
    COERCE: "#5e35b1", ASSAULT: "#c62828",
  };
  const state = { offset: 0, sort: "-date", total: 0, view: "events" };
  const $ = (id) => document.getElementById(id);

  // ------------------------------------------------------------ DOM helpers (text only)

  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value === null || value === undefined) continue;
      if (key === "class") node.className = value;
      else if (key === "dataset") Object.assign(node.dataset, value);
      else if (key === "style") node.style.cssText = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, String(value));
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
    return node;
  }

  function safeUrl(url) {
    try {
      const parsed = new URL(String(url), window.location.href);
      return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : null;
    } catch (_) {
      return null;
    }
  }

  function badge(type) {
    return el("span", { class: "type-badge", style: "background:" + (COLORS[type] || "#555") }, type);
  }

  // ------------------------------------------------------------ API

  function token() { return sessionStorage.getItem("eventscribe-token"); }

  async function api(path, params) {
    const url = API + path + (params && params.toString() ? "?" + params.toString() : "");
    const headers = token() ? { Authorization: "Bearer " + token() } : {};
    const response = await fetch(url, { headers });
    const body = await response.json();
    if (response.status === 401) {
      $("token-form").hidden = false;
    }
    if (!response.ok) {
      const error = body && body.error ? body.error : { message: response.statusText };
      throw new Error(error.message);
    }
    return body;
  }

  function showError(error) {
    const box = $("error");
    if (!error) { box.hidden = true; return; }
    box.textContent = String(error.message || error);
    box.hidden = false;
  }

  function filters() {
    const form = new FormData($("filters"));
    const params = new URLSearchParams();
    for (const [key, value] of form.entries()) {
      const text = String(value).trim();
      if (!text || (key === "min_confidence" && Number(text) === 0)) continue;
      params.append(key, key === "country" ? text.toUpperCase() : text);
    }
    return params;
  }

  // ------------------------------------------------------------ stats

  async function loadStats() {
    const stats = await api("/stats");
    $("stats").textContent = stats.events.toLocaleString() + " events from " +
      stats.articles.toLocaleString() + " articles, " + stats.quotes.toLocaleString() + " quotes";
  }

  // ------------------------------------------------------------ map

  let map = null;
  let clusterLayer = null;
  let places = [];

  function initMap() {
    if (typeof L === "undefined") return;
    map = L.map("map", { worldCopyJump: true, minZoom: 1, maxZoom: 10, attributionControl: true })
      .setView([25, 20], 2);
    map.attributionControl.setPrefix("");
    map.attributionControl.addAttribution("Natural Earth");
    clusterLayer = L.layerGroup().addTo(map);
    map.on("zoomend", drawClusters);
    loadBasemap();
    const legend = $("legend");
    for (const type of TYPES) {
      legend.append(el("li", {}, el("i", { style: "background:" + COLORS[type] }), type));
    }
  }

  async function loadBasemap() {
    const response = await fetch("data/countries-110m.json");
    const world = await response.json();
    const countries = topojson.feature(world, world.objects.countries);
    L.geoJSON(countries, {
      interactive: false,
      style: { color: "#b9b3a6", weight: 0.7, fillColor: "#f4f1ea", fillOpacity: 1 },
    }).addTo(map);
    clusterLayer.bringToFront && clusterLayer.eachLayer((layer) => layer.bringToFront());
    drawClusters();
  }

  async function loadPlaces() {
    places = await api("/places", filters());
    drawClusters();
  }

  // Grid clustering in screen space: places whose points fall in the same 48-pixel cell at the
  // current zoom become one circle, sized by events and coloured by the most frequent type.
  function drawClusters() {
    if (!map) return;
    clusterLayer.clearLayers();
    const cells = new Map();
    const zoom = map.getZoom();
    for (const place of places) {
      const point = map.project([place.lat, place.lon], zoom);
      const key = Math.floor(point.x / 48) + ":" + Math.floor(point.y / 48);
      if (!cells.has(key)) cells.set(key, { places: [], events: 0, types: {}, lat: 0, lon: 0 });
      const cell = cells.get(key);
      cell.places.push(place);
      cell.events += place.events;
      cell.lat += place.lat * place.events;
      cell.lon += place.lon * place.events;
      for (const [type, n] of Object.entries(place.types)) cell.types[type] = (cell.types[type] || 0) + n;
    }
    for (const cell of cells.values()) addCluster(cell);
  }

  function addCluster(cell) {
    const top = Object.entries(cell.types).sort((a, b) => b[1] - a[1])[0][0];
    const center = [cell.lat / cell.events, cell.lon / cell.events];
    const marker = L.circleMarker(center, {
      radius: Math.min(6 + 3 * Math.sqrt(cell.events), 30), color: "#fff", weight: 1.5,
      fillColor: COLORS[top] || "#555", fillOpacity: 0.85, className: "cluster",
    });
    const names = cell.places.slice(0, 5).map((p) => [p.name, p.country].filter(Boolean).join(", "));
    const label = el("div", { class: "cluster-label" },
      el("strong", {}, cell.events + (cell.events === 1 ? " event" : " events")),
      names.map((name) => [el("br"), name]),
      cell.places.length > 5 ? [el("br"), "+" + (cell.places.length - 5) + " more places"] : null);
    marker.bindTooltip(label);  // an element, not an HTML string
    marker.on("click", () => {
      if (cell.places.length > 1) {
        map.fitBounds(L.latLngBounds(cell.places.map((p) => [p.lat, p.lon])).pad(0.5));
      } else {
        $("f-place").value = cell.places[0].name || "";
        applyFilters();
      }
    });
    clusterLayer.addLayer(marker);
  }

  // ------------------------------------------------------------ timeline

  async function loadTimeline() {
    const params = filters();
    const counts = await api("/stats/counts", withParam(params, "by", "day"));
    const days = counts.items.filter((item) => item.key);
    const span = days.length ? (Date.parse(days[days.length - 1].key) - Date.parse(days[0].key)) / 864e5 : 0;
    if (span <= 120) {
      drawTimeline(fillDays(days), "day");
      return;
    }
    const months = await api("/stats/counts", withParam(params, "by", "month"));
    drawTimeline(fillMonths(months.items.filter((item) => item.key)), "month");
  }

  // Zero-count periods get a slot too, so the time axis is linear.
  function fillDays(items) {
    if (!items.length) return items;
    const counts = new Map(items.map((item) => [item.key, item.count]));
    const out = [];
    for (let t = Date.parse(items[0].key); t <= Date.parse(items[items.length - 1].key); t += 864e5) {
      const key = new Date(t).toISOString().slice(0, 10);
      out.push({ key, count: counts.get(key) || 0 });
    }
    return out;
  }

  function fillMonths(items) {
    if (!items.length) return items;
    const counts = new Map(items.map((item) => [item.key, item.count]));
    let [year, month] = items[0].key.split("-").map(Number);
    const last = items[items.length - 1].key;
    const out = [];
    for (let key = items[0].key; key <= last; ) {
      out.push({ key, count: counts.get(key) || 0 });
      month += 1;
      if (month > 12) { month = 1; year += 1; }
      key = year + "-" + String(month).padStart(2, "0");
    }
    return out;
  }

  function withParam(params, key, value) {
    const copy = new URLSearchParams(params);
    copy.set(key, value);
    return copy;
  }

  function svg(tag, attrs) {
    const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
    for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, String(value));
    return node;
  }

  function drawTimeline(items, by) {
    const box = clear($("timeline"));
    $("timeline-note").textContent = items.length ? "events per " + by : "no dated events";
    if (!items.length) return;
    const width = 600, height = 120, pad = 18;
    const max = Math.max(...items.map((item) => item.count));
    const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, preserveAspectRatio: "none", role: "img" });
    chart.append(svg("title"));
    chart.firstChild.textContent = "Events per " + by;
    const step = (width - 2 * pad) / items.length;
    items.forEach((item, i) => {
      if (!item.count) return;
      const h = Math.max(1, ((height - 2 * pad) * item.count) / max);
      const bar = svg("rect", {
        class: "bar", x: pad + i * step + step * 0.1, y: height - pad - h,
        width: Math.max(1, step * 0.8), height: h,
      });
      const tip = svg("title");
      tip.textContent = item.key + ": " + item.count;
      bar.append(tip);
      bar.addEventListener("click", () => pickPeriod(item.key, by));
      chart.append(bar);
    });
    const label = (x, text, anchor) => {
      const node = svg("text", { x, y: height - 4, "text-anchor": anchor });
      node.textContent = text;
      chart.append(node);
    };
    label(pad, items[0].key, "start");
    if (items.length > 1) label(width - pad, items[items.length - 1].key, "end");
    const top = svg("text", { x: pad, y: 12 });
    top.textContent = "max " + max;
    chart.append(top);
    box.append(chart);
  }

  function pickPeriod(key, by) {
    if (by === "day") {
      $("f-from").value = key;
      $("f-to").value = key;
    } else {
      const [year, month] = key.split("-").map(Number);
      const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
      $("f-from").value = key + "-01";
      $("f-to").value = key + "-" + String(last).padStart(2, "0");
    }
    applyFilters();
  }

  // ------------------------------------------------------------ event table

  function names(actors) {
    const unique = [...new Set((actors || []).map((a) => a.name))];
    return unique.length ? unique.join(", ") : "?";
  }

  function where(place) {
    return place ? [place.name, place.country].filter(Boolean).join(", ") : "–";
  }

  async function loadEvents() {
    const params = filters();
    params.set("limit", PAGE);
    params.set("offset", state.offset);
    params.set("sort", state.sort);
    const page = await api("/events", params);
    state.total = page.total;
    const body = clear($("events").tBodies[0]);
    for (const item of page.items) body.append(eventRow(item));
    if (!page.items.length) body.append(el("tr", {}, el("td", { colspan: 6 }, "No events match.")));
    const last = Math.min(state.offset + page.items.length, page.total);
    $("count").textContent = page.total.toLocaleString() + " matching";
    $("page").textContent = page.total ? `${state.offset + 1}–${last} of ${page.total.toLocaleString()}` : "";
    $("prev").disabled = state.offset === 0;
    $("next").disabled = last >= page.total;
    updateExportLinks();
  }

  function eventRow(item) {
    const ev = item.event;
    const open = () => openEvent(ev.event_id);
    return el("tr", {
      class: "event-row", tabindex: 0, dataset: { eventId: ev.event_id },
      onclick: open, onkeydown: (e) => { if (e.key === "Enter") open(); },
    },
    el("td", { class: "date" }, ev.date || "–"),
    el("td", {}, badge(ev.type), ev.mode ? " " + ev.mode : ""),
    el("td", {}, where(ev.location)),
    el("td", {}, names(ev.source_actors) + " → " + names(ev.target_actors)),
    el("td", { class: "evidence" }, clip(ev.evidence.text, 160)),
    el("td", {}, ev.confidence.toFixed(2)));
  }

  function clip(text, n) {
    return text.length > n ? text.slice(0, n - 1) + "…" : text;
  }

  function updateExportLinks() {
    for (const link of document.querySelectorAll(".exports a")) {
      link.href = API + "/export?" + withParam(filters(), "format", link.dataset.format).toString();
      link.setAttribute("download", "");
    }
  }

  // ------------------------------------------------------------ event view

  async function openEvent(eventId) {
    try {
      const detail = await api("/events/" + encodeURIComponent(eventId));
      renderEvent(detail);
      $("event-view").hidden = false;
      $("close-event").focus();
      const mark = document.querySelector("#ev-text .hl-evidence");
      if (mark) mark.scrollIntoView({ block: "center" });
    } catch (error) {
      showError(error);
    }
  }

  function renderEvent(detail) {
    const ev = detail.event, article = detail.article;
    clear($("ev-title")).append(badge(ev.type), " ", ev.mode || "", " ", article.title || article.id);
    const meta = clear($("ev-meta"));
    meta.append([article.source, article.published, article.id].filter(Boolean).join(" · "));
    const url = safeUrl(article.url || "");
    if (url) meta.append(" · ", el("a", { href: url, rel: "noopener noreferrer nofollow", target: "_blank" }, "original"));
    renderFacts(ev);
    renderText(article.text, spansFor(detail));
    const others = clear($("ev-others"));
    for (const other of detail.findings.events) {
      if (other.event_id === ev.event_id) continue;
      others.append(el("li", {}, el("button", { class: "linkish", type: "button", onclick: () => openEvent(other.event_id) },
        other.type), " ", clip(other.evidence.text, 140)));
    }
    if (!others.firstChild) others.append(el("li", {}, "none"));
    renderCluster(detail);
  }

  function renderCluster(detail) {
    const reports = clear($("ev-reports"));
    const members = detail.cluster ? detail.cluster.events.filter((m) => m.event_id !== detail.event.event_id || m.article_hash !== detail.article_hash) : [];
    for (const m of members) {
      reports.append(el("li", {}, el("button", { class: "linkish", type: "button", onclick: () => openEvent(m.event_id) },
        [m.source, m.published].filter(Boolean).join(" · ") || m.article_id), " ", m.title || ""));
    }
    $("ev-cluster").hidden = members.length === 0;
  }

  function renderFacts(ev) {
    const facts = clear($("ev-facts"));
    const add = (label, value) => { if (value) facts.append(el("dt", {}, label), el("dd", {}, value)); };
    add("Event", ev.event_id);
    add("ACLED", [ev.acled_event_type, ev.acled_sub_event_type].filter(Boolean).join(" / "));
    add("Who", names(ev.source_actors));
    add("On whom", ev.target_actors.length ? names(ev.target_actors) : null);
    add("Where", ev.location ? [ev.location.name, ev.location.admin1, ev.location.country].filter(Boolean).join(", ") : null);
    add("When", ev.date ? ev.date + (ev.date_precision ? " (" + ev.date_precision + ")" : "") : null);
    for (const key of ["fatalities", "injuries", "arrests", "participants"]) {
      const count = ev[key];
      if (count) add(key[0].toUpperCase() + key.slice(1), count.value !== null ? String(count.value) : `${count.min ?? "?"}–${count.max ?? "?"} (${count.text})`);
    }
    add("Context", (ev.contexts || []).join(", "));
    add("Claimed by", ev.claimed_by ? ev.claimed_by.name : null);
    add("Reacts to", ev.reacts_to);
    add("Confidence", ev.confidence.toFixed(2));
  }

  function spansFor(detail) {
    const ev = detail.event, findings = detail.findings;
    const spans = [{ start: ev.evidence.start, end: ev.evidence.end, cls: "hl-evidence" }];
    for (const a of [...ev.source_actors, ...ev.target_actors, ...(ev.claimed_by ? [ev.claimed_by] : [])]) {
      spans.push({ start: a.start, end: a.end, cls: "hl-actor" });
    }
    for (const p of findings.places) spans.push({ start: p.start, end: p.end, cls: "hl-place" });
    if (ev.location) spans.push({ start: ev.location.start, end: ev.location.end, cls: "hl-place" });
    for (const q of findings.quotes) spans.push({ start: q.start, end: q.end, cls: "hl-quote" });
    return spans;
  }

  // Cut the text at every span boundary; each piece gets the classes of the spans covering it.
  function renderText(text, spans) {
    const box = clear($("ev-text"));
    const n = text.length;
    const valid = spans
      .map((s) => ({ start: Math.max(0, Math.min(n, s.start | 0)), end: Math.max(0, Math.min(n, s.end | 0)), cls: s.cls }))
      .filter((s) => s.end > s.start);
    const cuts = [...new Set([0, n, ...valid.flatMap((s) => [s.start, s.end])])].sort((a, b) => a - b);
    for (let i = 0; i + 1 < cuts.length; i++) {
      const [from, to] = [cuts[i], cuts[i + 1]];
      const classes = [...new Set(valid.filter((s) => s.start <= from && s.end >= to).map((s) => s.cls))];
      const piece = text.slice(from, to);
      box.append(classes.length ? el("span", { class: classes.join(" ") }, piece) : document.createTextNode(piece));
    }
  }

  function closeEvent() { $("event-view").hidden = true; }

  // ------------------------------------------------------------ actors view

  async function loadActors() {
    const params = filters();
    const who = new URLSearchParams({ limit: 100 });
    if (params.get("actor")) who.set("name", params.get("actor"));
    if (params.get("country")) who.set("country", params.get("country"));
    const [actors, dyads, reactions] = await Promise.all([
      api("/actors", who),
      api("/actors/dyads", withParam(params, "limit", 100)),
      api("/actors/reactions", withParam(params, "limit", 50)),
    ]);
    $("actor-count").textContent = actors.items.length + (actors.items.length === 100 ? "+ actors" : " actors");
    const actorRows = clear($("actors").tBodies[0]);
    for (const a of actors.items) {
      actorRows.append(el("tr", {}, el("td", {}, actorButton(a.name)), el("td", {}, a.country || "–"),
        el("td", {}, a.sector || "–"), el("td", {}, a.as_source), el("td", {}, a.as_target), el("td", {}, a.quotes)));
    }
    const dyadRows = clear($("dyads").tBodies[0]);
    for (const d of dyads) {
      dyadRows.append(el("tr", {}, el("td", {}, actorButton(d.source)), el("td", {}, "→"),
        el("td", {}, actorButton(d.target)), el("td", {}, badge(d.type)), el("td", {}, d.events)));
    }
    const list = clear($("reactions"));
    for (const r of reactions) {
      list.append(el("li", {}, el("strong", {}, r.actors.join(", ") || "?"), " ", badge(r.type), " ",
        el("button", { class: "linkish", type: "button", onclick: () => openEvent(r.event_id) }, clip(r.evidence, 120)),
        el("br"), "reacting to ", badge(r.reacts_to.type || "?"), " ",
        el("button", { class: "linkish", type: "button", onclick: () => openEvent(r.reacts_to.event_id) }, clip(r.reacts_to.evidence || r.reacts_to.event_id, 120))));
    }
    if (!list.firstChild) list.append(el("li", {}, "No reactions among the matching events."));
  }

  function actorButton(name) {
    return el("button", { class: "linkish", type: "button", onclick: () => { $("f-actor").value = name; showView("events"); applyFilters(); } }, name);
  }

  // ------------------------------------------------------------ wiring

  async function refresh() {
    showError(null);
    try {
      if (state.view === "events") await Promise.all([loadEvents(), loadTimeline(), loadPlaces()]);
      else await loadActors();
      document.body.dataset.ready = "true";
    } catch (error) {
      showError(error);
    }
  }

  function applyFilters() {
    state.offset = 0;
    return refresh();
  }

  function showView(view) {
    state.view = view;
    for (const tab of document.querySelectorAll("button.tab")) tab.setAttribute("aria-pressed", String(tab.dataset.view === view));
    $("view-events").hidden = view !== "events";
    $("view-actors").hidden = view !== "actors";
    if (view === "events" && map) setTimeout(() => map.invalidateSize(), 0);
  }

  function wire() {
    for (const type of TYPES) $("f-type").append(el("option", { value: type }, type));
    $("filters").addEventListener("submit", (e) => { e.preventDefault(); applyFilters(); });
    $("filters").addEventListener("reset", () => setTimeout(applyFilters, 0));
    $("sort").addEventListener("change", () => { state.sort = $("sort").value; applyFilters(); });
    $("prev").addEventListener("click", () => { state.offset = Math.max(0, state.offset - PAGE); loadEvents().catch(showError); });
    $("next").addEventListener("click", () => { state.offset += PAGE; loadEvents().catch(showError); });
    $("close-event").addEventListener("click", closeEvent);
    $("event-view").addEventListener("click", (e) => { if (e.target === $("event-view")) closeEvent(); });
    document.addEventListener("keydown", (e) => { if (e.key === "Escape") closeEvent(); });
    for (const tab of document.querySelectorAll("button.tab")) {
      tab.addEventListener("click", () => { showView(tab.dataset.view); refresh(); });
    }
    $("token-form").addEventListener("submit", (e) => {
      e.preventDefault();
      sessionStorage.setItem("eventscribe-token", $("token").value);
      $("token-form").hidden = true;
      loadStats().catch(showError);
      refresh();
    });
  }

  wire();
  initMap();
  loadStats().catch(showError);
  refresh();
})();
