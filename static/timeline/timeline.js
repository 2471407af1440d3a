/*
 * The dashboard's behaviour, the only script of ours (CSP: no inline code).
 *
 * The server sends the figure as JSON (json_script #timeline-figure); this script draws it
 * with Plotly.react on load and after every htmx swap, purges the chart before htmx removes
 * it, and turns a click on a marker into an htmx request for the event's detail panel.
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

  function bindClicks(gd) {
    if (gd._timelineClicks) return;
    gd._timelineClicks = true;
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

  // GET forms send every field, empty or not; a shared link reads better without them.
  function dropEmptyParameters(event) {
    var ctx = event.detail && event.detail.ctx;
    if (!ctx || !ctx.request || ctx.request.method !== "GET" || !ctx.request.body) return;
    if (!ctx.sourceElement || ctx.sourceElement.id !== "filters") return;
    var kept = new FormData();
    var any = false;
    ctx.request.body.forEach(function (value, key) {
      if (value !== "") { kept.append(key, value); any = true; }
    });
    ctx.request.body = kept;
    if (!any) ctx.request.action = ctx.request.action.split("?")[0];
  }

  // On a phone the filters start folded so that the chart is on the first screen.
  function foldFiltersOnPhone() {
    var box = document.querySelector(".filters-box");
    if (box && isNarrow() && !box.querySelector(".form-errors")) box.open = false;
  }

  function openFiltersOnError() {
    var box = document.querySelector(".filters-box");
    if (box && box.querySelector(".form-errors")) box.open = true;
  }

  // ---- The detail panel ---------------------------------------------------------------
  // An event's details open over the page (a side panel beside the chart, a sheet on a
  // phone: see the stylesheet) with the event in the address (?event=<slug>, pushed to
  // history: Back closes it, Forward and a shared link open it; the server renders it open
  // for such a link). A close button and Esc close it; focus moves in, then back to what
  // opened it. Inside an embed the panel stays in the page and the address is the host's.
  var opener = null;

  function inEmbed() {
    return Boolean(document.body && document.body.hasAttribute("data-embed"));
  }

  function panelSlug(panel) {
    var article = panel && panel.querySelector("[data-event]");
    return article ? article.getAttribute("data-event") : null;
  }

  function addressedSlug() {
    return new URL(window.location.href).searchParams.get(EVENT_PARAM);
  }

  function addressWith(slug) {
    var url = new URL(window.location.href);
    if (slug) url.searchParams.set(EVENT_PARAM, slug);
    else url.searchParams.delete(EVENT_PARAM);
    return url.pathname + url.search + url.hash;
  }

  function openEvent(slug) {
    var gd = document.getElementById(CHART_ID);
    if (gd) htmx.ajax("GET", eventUrl(gd, slug), {target: "#" + DETAIL_ID, swap: "innerHTML"});
  }

  function showDetail() {
    var panel = document.getElementById(DETAIL_ID);
    if (!panel) return;
    var slug = panelSlug(panel);
    if (!inEmbed()) {
      panel.classList.add("is-open");
      if (slug && addressedSlug() !== slug) history.pushState({timelineEvent: slug}, "", addressWith(slug));
    }
    var heading = panel.querySelector("h2, h1");
    var target = heading || panel;
    if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
    var box = panel.getBoundingClientRect();
    var visible = box.top >= 0 && box.top < window.innerHeight - 80;
    target.focus({preventScroll: visible});
    if (!visible) panel.scrollIntoView({block: "start"});
  }

  function closeDetail(fromHistory) {
    var panel = document.getElementById(DETAIL_ID);
    if (!panel || !(panelSlug(panel) || panel.querySelector("[data-choice]"))) return;
    var slug = panelSlug(panel);
    panel.classList.remove("is-open");
    panel.innerHTML = inEmbed() ? "" : '<p class="detail-empty"></p>';
    if (!inEmbed()) panel.firstChild.textContent = panel.getAttribute("data-empty-text") || "";
    // The address loses the event in place: going back instead would make htmx restore
    // (re-request and redraw) the page before it.
    if (!fromHistory && !inEmbed()) history.replaceState(history.state, "", addressWith(null));
    var link = slug && document.querySelector('.event-link[href$="/' + CSS.escape(slug) + '/"]');
    var back = opener && document.contains(opener) && opener !== document.body ? opener : link;
    if (back) back.focus({preventScroll: true});
    opener = null;
  }

  document.addEventListener("htmx:before:request", function (event) {
    var target = event.detail && event.detail.ctx && event.detail.ctx.target;
    if (target && target.id === DETAIL_ID && !opener) opener = document.activeElement;
  });
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-detail-close]")) closeDetail(false);
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || document.querySelector("dialog[open]")) return;
    closeDetail(false);
  });
  window.addEventListener("popstate", function () {
    if (inEmbed()) return;
    var slug = addressedSlug();
    var panel = document.getElementById(DETAIL_ID);
    if (slug && slug !== panelSlug(panel)) openEvent(slug);
    else if (!slug) closeDetail(true);
  });

  document.addEventListener("htmx:config:request", dropEmptyParameters);

  // While the filters are applied, the results say they are busy (htmx also puts the
  // htmx-request class on them, which the stylesheet dims).
  function busy(event, value) {
    var target = event.detail && event.detail.ctx && event.detail.ctx.target;
    if (!target || target.id !== "results") return;
    if (value) target.setAttribute("aria-busy", "true");
    else target.removeAttribute("aria-busy");
  }
  document.addEventListener("htmx:before:request", function (event) { busy(event, true); });
  document.addEventListener("htmx:finally:request", function (event) { busy(event, false); });

  document.addEventListener("htmx:before:swap", function (event) {
    var tasks = (event.detail && event.detail.tasks) || [];
    tasks.forEach(function (task) {
      var style = (task.swapSpec && task.swapSpec.style) || "";
      if (/morph/i.test(style)) return; // a morph keeps the chart (hx-morph-skip)
      purge(task.target);
    });
  });

  document.addEventListener("htmx:before:cleanup", function (event) {
    purge(event.target);
  });

  document.addEventListener("htmx:after:swap", function (event) {
    var target = event.detail && event.detail.ctx && event.detail.ctx.target;
    draw();
    openFiltersOnError();
    if (target && target.id === DETAIL_ID) showDetail();
  });

  // ---- Embedding ----------------------------------------------------------------------
  // The embed page, inside an iframe, tells its parent how tall it is (README: the host
  // page's few lines listen for this message and size the iframe).
  var HEIGHT_MESSAGE = "diplomacy-timeline:height";
  var lastHeight = 0;

  function isEmbedded() {
    return window.parent !== window && document.body && document.body.hasAttribute("data-embed");
  }

  function reportHeight() {
    var main = document.getElementById("main");
    if (!isEmbedded() || !main) return;
    var height = Math.ceil(main.getBoundingClientRect().bottom + window.scrollY);
    if (height === lastHeight) return;
    lastHeight = height;
    window.parent.postMessage({type: HEIGHT_MESSAGE, height: height}, "*");
  }

  function watchHeight() {
    if (!isEmbedded()) return;
    if (window.ResizeObserver) new ResizeObserver(reportHeight).observe(document.getElementById("main"));
    reportHeight();
  }

  // "Embed this view": the code for the current filters, at the size the editor chooses.
  function attr(value) {
    return String(value).replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
  }

  function embedCode(dialog) {
    var width = parseInt(dialog.querySelector("[name=embed-width]").value, 10) || 800;
    var height = parseInt(dialog.querySelector("[name=embed-height]").value, 10) || 640;
    var src = dialog.getAttribute("data-embed-src");
    var id = "diplomacy-timeline-" + Math.random().toString(36).slice(2, 8);
    return '<iframe id="' + id + '" src="' + attr(src) + '" width="' + width + '" height="' + height +
      '" style="border:0;width:100%;max-width:' + width + 'px" title="' +
      attr(dialog.getAttribute("data-embed-title")) + '" loading="lazy"></iframe>\n' +
      '<script>window.addEventListener("message",function(e){var f=document.getElementById("' + id +
      '");if(f&&e.source===f.contentWindow&&e.data&&e.data.type==="' + HEIGHT_MESSAGE +
      '")f.style.height=e.data.height+"px";});</' + 'script>';
  }

  function refreshEmbedCode(dialog) {
    var code = dialog.querySelector(".embed-code");
    if (code) code.value = embedCode(dialog);
  }

  document.addEventListener("click", function (event) {
    var opener = event.target.closest("[data-embed-open]");
    if (opener) {
      var dialog = document.getElementById(opener.getAttribute("data-embed-open"));
      if (dialog && dialog.showModal) {
        refreshEmbedCode(dialog);
        dialog.showModal();
      }
      return;
    }
    var copier = event.target.closest("[data-embed-copy]");
    if (copier) {
      var field = document.getElementById(copier.getAttribute("data-embed-copy"));
      var status = copier.parentNode.querySelector(".embed-copied");
      // The messages come translated from the page (data-copied, data-copy-by-hand).
      var done = function () { if (status) status.textContent = copier.getAttribute("data-copied") || "Copied."; };
      field.select();
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(done, function () {
          if (status) status.textContent = copier.getAttribute("data-copy-by-hand") || "Press Ctrl+C (⌘C) to copy.";
        });
      } else if (document.execCommand && document.execCommand("copy")) {
        done();
      }
    }
  });

  document.addEventListener("input", function (event) {
    var dialog = event.target.closest && event.target.closest(".embed-dialog");
    if (dialog && /^embed-(width|height)$/.test(event.target.name)) refreshEmbedCode(dialog);
  });

  var resizeTimer = null;
  window.addEventListener("resize", function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(draw, 150);
  });

  function start() {
    foldFiltersOnPhone();
    draw();
    watchHeight();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
