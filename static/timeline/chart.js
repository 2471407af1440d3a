/*
 * The chart: draws the figure the server sends as JSON (json_script #timeline-figure) with
 * Plotly.react, keeps the office and dispute names in view on a zoom, runs the zoom
 * buttons, asks /chart/ for the detail of a zoomed window, and turns a click on a marker
 * into an htmx request for the event's detail panel. Loaded by the dashboard and the embed,
 * before page.js, which calls draw() and purge() around htmx swaps (window.DiplomacyTimeline).
 * CSP: no inline code, so every behaviour lives in these static files.
 */
(function () {
  "use strict";

  var CHART_ID = "timeline-chart";
  var FIGURE_ID = "timeline-figure";
  var DETAIL_ID = "event-detail";
  var NARROW = 640; // px: phone layout below this width
  var READY_MARK = "timeline:chart-ready";
  var EVENT_PARAM = "event";
  var TOUCH_REACH = 14; // px between marker centres that a fingertip cannot tell apart
  var MOUSE_REACH = 4; // px: markers hiding each other from a mouse
  var MAX_CHOICE = 12; // events offered at one point (the server accepts as many)
  var PLOT_CONFIG = {
    responsive: true,
    displayModeBar: false,
    displaylogo: false,
    scrollZoom: false,
    doubleClick: "reset",
    showTips: false,
    // plotly.js's words (month names on the axis, dates in hovers) in the page's language;
    // the page loads the locale file (vendor/plotly-locale-<lang>-…js) for any but English.
    locale: (document.documentElement.lang || "en").toLowerCase()
  };

  function figureText() {
    var script = document.getElementById(FIGURE_ID);
    return script ? script.textContent : null;
  }

  function isNarrow() {
    return window.innerWidth < NARROW;
  }

  // The server lays the figure out for a desktop, with fixed margins (no automargin: Plotly
  // draws once), and says in layout.meta.narrow what a phone changes: smaller type and
  // margins, the temperature's short title, the bars' names from the left edge.
  function adapt(figure, width) {
    var layout = figure.layout;
    var narrow = layout.meta && layout.meta.narrow;
    fitCounts(figure, width);
    if (!isNarrow() || !narrow) return figure;
    layout.font = Object.assign({}, layout.font, {size: narrow.font_size});
    layout.margin = Object.assign({}, narrow.margin);
    layout.yaxis = Object.assign({}, layout.yaxis, {tickfont: {size: narrow.tick_font_size}, ticklabelstandoff: 3});
    layout.yaxis2 = Object.assign({}, layout.yaxis2, {tickfont: {size: narrow.tick_font_size}});
    (layout.annotations || []).forEach(function (a) {
      if (a.name !== "tone-title") return;
      a.text = narrow.tone_title;
      a.font = Object.assign({}, a.font, {size: 10});
    });
    var labels = traceNamed(figure.data, names(layout).bar_labels);
    if (labels) {
      labels.x = narrow.bar_labels.x.slice();
      labels.text = narrow.bar_labels.text.slice();
      labels.textposition = labels.x.map(function () { return "middle right"; });
    }
    return figure;
  }

  // The traces' names (timeline/chart_style.Trace), handed over in layout.meta.
  function names(layout) {
    return (layout && layout.meta && layout.meta.trace_names) || {};
  }

  function traceNamed(data, name) {
    for (var i = 0; i < data.length; i++) if (data[i].meta === name) return data[i];
    return null;
  }

  // The names on the office and dispute bars follow a zoom: each at the visible start of
  // its bar; a dispute that starts late in the view has its name before the bar (the same
  // rule as chart_lanes.label_place). Returns a restyle for the labels' trace, or null.
  var LATE_SHARE = 0.6;

  function placedLabels(trace, range) {
    if (!trace || !range) return null;
    var v0 = Date.parse(day(range[0])), v1 = Date.parse(day(range[1]));
    var narrow = isNarrow();
    var xs = [], texts = [], positions = [];
    trace.customdata.forEach(function (bar, i) {
      var start = Math.max(Date.parse(bar[0]), v0);
      var text = String(trace.text[i]).trim();
      var late = !narrow && bar[2] && (start - v0) > (v1 - v0) * LATE_SHARE;
      if (narrow && bar[2]) start = v0; // a phone: a dispute's name from the left edge
      xs.push(new Date(start).toISOString().slice(0, 10));
      texts.push(late ? text + " " : " " + text);
      positions.push(late ? "middle left" : "middle right");
    });
    return {x: [xs], text: [texts], textposition: [positions]};
  }

  // A restyle of x makes Plotly forget the axis type it was given and guess again from the
  // data, where the bars' lengths are numbers: the axis must be said to be dates each time.
  var KEEP_DATE_AXIS = {"xaxis.type": "date", "xaxis.autorange": false};

  function placeLabels(figure) {
    var labels = traceNamed(figure.data, names(figure.layout).bar_labels);
    var placed = placedLabels(labels, figure.layout.xaxis.range);
    if (placed) Object.keys(placed).forEach(function (key) { labels[key] = placed[key][0]; });
    return figure;
  }

  // The reader's zoom stays while only kinds, people, tags or words change (the same
  // uirevision): Plotly keeps zooms made with its own controls, ours are kept here.
  function keptZoom(gd, layout) {
    if (!gd._fullLayout || !gd.layout || gd.layout.uirevision !== layout.uirevision) return null;
    var range = gd._fullLayout.xaxis.range.map(day);
    var whole = (gd.layout.meta && gd.layout.meta.full_range) || [];
    return range[0] === whole[0] && range[1] === whole[1] ? null : range;
  }

  function followLabels(gd) {
    var data = gd.data || [];
    var trace = traceNamed(data, names(gd.layout).bar_labels);
    var update = placedLabels(trace, gd._fullLayout && gd._fullLayout.xaxis.range);
    var range = {"xaxis.range": gd._fullLayout.xaxis.range.slice()};
    if (update) return Plotly.update(gd, update, Object.assign(range, KEEP_DATE_AXIS), [data.indexOf(trace)]);
    return Promise.resolve();
  }

  // The server sizes the counts (timeline/marks.py) for a desktop; each must fit the width
  // its period takes on this screen, or they pile up on a phone. Counts written on the
  // marks go when there is no room for them.
  var DAY_MS = 86400000;

  function fitCounts(figure, width) {
    var range = figure.layout.xaxis && figure.layout.xaxis.range;
    if (!range) return;
    var span = Date.parse(day(range[1])) - Date.parse(day(range[0]));
    var margin = (isNarrow() && figure.layout.meta && figure.layout.meta.narrow.margin) || figure.layout.margin;
    var plotWidth = Math.max(width - margin.l - margin.r, 100);
    var binned = names(figure.layout).binned;
    if (!(span > 0)) return;
    figure.data.forEach(function (trace) {
      if (trace.meta !== binned) return;
      var roomy = true;
      trace.marker.size = trace.marker.size.map(function (size, i) {
        var bin = trace.customdata[i];
        var room = plotWidth * (Date.parse(bin[1]) - Date.parse(bin[0]) + DAY_MS) / span;
        if (room < 18) roomy = false;
        return Math.max(3, Math.min(size, 0.9 * room));
      });
      if (!roomy) {
        trace.mode = "markers";
        delete trace.text;
      }
    });
  }

  function eventUrl(gd, slug) {
    var pattern = gd.getAttribute("data-event-url") || "/events/__slug__/";
    return pattern.replace("__slug__", encodeURIComponent(slug));
  }

  // Markers that lie on each other at the reader's scale: a click offers them all rather
  // than one at random. A fingertip covers about a marker; a mouse, whose hover names each
  // marker first, counts only markers that hide each other.
  function overlapping(gd, point) {
    var xaxis = gd._fullLayout.xaxis;
    var yaxis = gd._fullLayout.yaxis;
    var trace = point.data;
    var touch = isNarrow() || (window.matchMedia && window.matchMedia("(pointer: coarse)").matches);
    var reach = touch ? TOUCH_REACH : MOUSE_REACH;
    var x = xaxis.d2p(trace.x[point.pointIndex]);
    var y = yaxis.d2p(trace.y[point.pointIndex]);
    var slugs = [];
    trace.x.forEach(function (other, i) {
      var far = Math.hypot(xaxis.d2p(other) - x, yaxis.d2p(trace.y[i]) - y);
      if (far <= reach && slugs.length < MAX_CHOICE) slugs.push(trace.customdata[i]);
    });
    return slugs;
  }

  function choiceUrl(gd, slugs) {
    var query = new URLSearchParams();
    slugs.forEach(function (slug) { query.append(EVENT_PARAM, slug); });
    return gd.getAttribute("data-choice-url") + "?" + query.toString();
  }

  // Plotly sizes its SVG layers in pixels; a viewBox lets the print stylesheet scale them
  // to the page's width (the screen's drawing keeps its size: the viewBox matches it).
  function scalable(gd) {
    gd.querySelectorAll(".main-svg").forEach(function (svg) {
      var width = svg.getAttribute("width"), height = svg.getAttribute("height");
      if (width && height) svg.setAttribute("viewBox", "0 0 " + width + " " + height);
    });
  }

  function bindClicks(gd) {
    if (gd._timelineClicks) return;
    gd._timelineClicks = true;
    scalable(gd);
    gd.on("plotly_afterplot", function () { scalable(gd); });
    gd.on("plotly_click", function (data) {
      var point = data && data.points && data.points[0];
      var meta = point && point.data && point.data.meta;
      var traces = names(gd.layout);
      if (meta === traces.binned && point.customdata) { // a count: zoom to its period
        zoomTo(gd, [point.customdata[0], nextDay(point.customdata[1])]);
        return;
      }
      if (!point || typeof point.customdata !== "string" || meta !== traces.events) return;
      var here = overlapping(gd, point);
      var url = here.length > 1 ? choiceUrl(gd, here) : eventUrl(gd, point.customdata);
      htmx.ajax("GET", url, {target: "#" + DETAIL_ID, swap: "innerHTML"});
    });
    gd.on("plotly_relayout", function (change) {
      var moved = Object.keys(change || {}).some(function (key) {
        return key.indexOf("xaxis.range") === 0 || key === "xaxis.autorange";
      });
      if (!moved) return;
      if (wantsDetail(gd)) scheduleDetail(gd);
      else followLabels(gd);
    });
  }

  // ---- Zoom buttons -------------------------------------------------------------------
  // HTML buttons beside the chart (no Plotly range selector or slider: each costs a draw of
  // every trace on every zoom): the last 1 or 5 years of the view, all of it, in and out.
  function zoomTo(gd, range) {
    var full = gd.layout.meta.full_range;
    var lo = Date.parse(full[0]), hi = Date.parse(full[1]);
    var a = Math.max(Date.parse(day(range[0])), lo); // zooming out stops at the whole view
    var b = Math.min(Date.parse(day(range[1])), hi);
    range = [new Date(a).toISOString().slice(0, 10), new Date(b).toISOString().slice(0, 10)];
    var trace = traceNamed(gd.data, names(gd.layout).bar_labels);
    var labels = placedLabels(trace, range) || {};
    var layout = Object.assign({"xaxis.range": range}, KEEP_DATE_AXIS);
    var done = Plotly.update(gd, labels, layout, trace ? [gd.data.indexOf(trace)] : []);
    scheduleDetail(gd);
    return done;
  }

  function rangeFor(gd, button) {
    var full = gd.layout.meta.full_range;
    var current = gd._fullLayout.xaxis.range.map(function (v) { return Date.parse(day(v)); });
    var span = current[1] - current[0], middle = (current[0] + current[1]) / 2;
    var zoom = button.getAttribute("data-zoom"), years = button.getAttribute("data-range");
    if (zoom) {
      var half = zoom === "in" ? span / 4 : span;
      return [middle - half, middle + half].map(function (t) { return new Date(t).toISOString(); });
    }
    if (years === "all") return full.slice();
    var end = Math.min(current[1], Date.parse(full[1]));
    var start = new Date(end);
    start.setUTCFullYear(start.getUTCFullYear() - parseInt(years, 10));
    return [start.toISOString(), new Date(end).toISOString()];
  }

  function enableRangeButtons(gd) {
    // The picture buttons (picture.js) export what Plotly drew: ready now too.
    document.querySelectorAll("[data-picture]").forEach(function (button) { button.disabled = false; });
    document.querySelectorAll(".range-buttons button").forEach(function (button) {
      button.disabled = false;
      if (button._timelineBound) return;
      button._timelineBound = true;
      button.addEventListener("click", function () {
        var chart = document.getElementById(CHART_ID);
        if (chart && chart._fullLayout) zoomTo(chart, rangeFor(chart, button));
      });
    });
  }

  // ---- Detail on zoom -----------------------------------------------------------------
  // With too many events to draw one by one (layout.meta.detail_on_zoom), the server counts
  // them per period (timeline/marks.py); after a zoom or a pan, this asks /chart/ for the
  // visible window, where the events are drawn one by one once few enough are in view.
  // Plotly says plotly_relayout once a drag ends: the delay only merges quick clicks.
  var DETAIL_DELAY = 80;

  function day(value) {
    return String(value).slice(0, 10);
  }

  function nextDay(isoDay) {
    var d = new Date(isoDay + "T00:00:00Z");
    d.setUTCDate(d.getUTCDate() + 1);
    return d.toISOString().slice(0, 10);
  }

  function visibleWindow(gd) {
    var range = gd._fullLayout && gd._fullLayout.xaxis && gd._fullLayout.xaxis.range;
    return range ? [day(range[0]), day(range[1])] : null;
  }

  function wantsDetail(gd) {
    var meta = gd.layout && gd.layout.meta;
    return Boolean(meta && meta.detail_on_zoom && gd.getAttribute("data-chart-url"));
  }

  function scheduleDetail(gd) {
    if (!wantsDetail(gd)) return;
    clearTimeout(gd._detailTimer);
    gd._detailTimer = setTimeout(function () { fetchDetail(gd); }, DETAIL_DELAY);
  }

  function fetchDetail(gd) {
    var win = visibleWindow(gd);
    if (!win || !wantsDetail(gd) || win.join("..") === gd.getAttribute("data-window")) return;
    var params = new URLSearchParams(gd.layout.meta.query || "");
    params.set("window_from", win[0]);
    params.set("window_to", win[1]);
    var ticket = (gd._detailTicket || 0) + 1;
    gd._detailTicket = ticket;
    gd.setAttribute("aria-busy", "true");
    fetch(gd.getAttribute("data-chart-url") + "?" + params.toString(), {headers: {Accept: "application/json"}})
      .then(function (response) {
        if (!response.ok) throw new Error("chart window: HTTP " + response.status);
        return response.json();
      })
      .then(function (figure) {
        if (ticket !== gd._detailTicket || !gd._fullLayout) return null; // a newer zoom won
        figure.layout.xaxis.range = gd._fullLayout.xaxis.range.slice(); // stay where the reader is
        figure = placeLabels(adapt(figure, gd.clientWidth || window.innerWidth));
        return Plotly.react(gd, figure.data, figure.layout, PLOT_CONFIG).then(function () {
          gd.setAttribute("data-window", win.join(".."));
          gd.setAttribute("data-drawn", "true");
        });
      })
      .catch(function (error) { if (window.console) console.warn(error); })
      .then(function () { if (ticket === gd._detailTicket) gd.removeAttribute("aria-busy"); });
  }

  function draw() {
    var gd = document.getElementById(CHART_ID);
    var text = figureText();
    if (!gd || !window.Plotly) return;
    if (!text) { // no figure (the filters are wrong): nothing to draw
      if (gd._fullLayout) purge(gd);
      return;
    }
    var narrow = isNarrow();
    if (gd._timelineText === text && gd._timelineNarrow === narrow && gd._fullLayout) return;
    var figure = JSON.parse(text);
    gd._timelineText = text;
    gd._timelineNarrow = narrow;
    gd.setAttribute("aria-busy", "true");
    var zoomed = keptZoom(gd, figure.layout);
    figure = adapt(figure, gd.clientWidth || window.innerWidth);
    if (zoomed) {
      figure.layout.xaxis.range = zoomed;
      placeLabels(figure);
    }
    gd.removeAttribute("data-window");
    Plotly.react(gd, figure.data, figure.layout, PLOT_CONFIG).then(function () {
      bindClicks(gd);
      enableRangeButtons(gd);
      gd.removeAttribute("aria-busy");
      gd.setAttribute("data-drawn", "true");
      if (window.performance && performance.mark && !performance.getEntriesByName(READY_MARK).length) {
        performance.mark(READY_MARK); // what bench/ measures
      }
      // Kept zoomed across a filter change (uirevision): fetch the detail of that window.
      var win = visibleWindow(gd);
      var whole = figure.layout.xaxis.range;
      if (win && (win[0] !== day(whole[0]) || win[1] !== day(whole[1]))) scheduleDetail(gd);
    });
  }

  function purge(root) {
    if (!root || !window.Plotly) return;
    var graphs = [];
    if (root.classList && root.classList.contains("js-plotly-plot")) graphs.push(root);
    if (root.querySelectorAll) graphs.push.apply(graphs, root.querySelectorAll(".js-plotly-plot"));
    graphs.forEach(function (gd) {
      clearTimeout(gd._detailTimer);
      gd._detailTicket = (gd._detailTicket || 0) + 1; // drop any detail still on its way
      gd.removeAttribute("data-window");
      Plotly.purge(gd);
      gd._timelineClicks = false;
      gd._timelineText = null;
    });
  }

  window.DiplomacyTimeline = {
    CHART_ID: CHART_ID,
    DETAIL_ID: DETAIL_ID,
    EVENT_PARAM: EVENT_PARAM,
    draw: draw,
    purge: purge,
    eventUrl: eventUrl,
    isNarrow: isNarrow
  };
})();
