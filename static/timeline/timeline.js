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

  // The server lays the figure out for a desktop. A phone gets smaller type, no legend
  // (the lanes are labelled by kind, and the help text explains hollow markers), dispute
  // names written from the left edge and cut to fit, and shorter button labels.
  // The short labels come translated from the page: data-range-labels="1y|5y|all".
  function shortRangeLabel(button, gd) {
    var labels = ((gd && gd.getAttribute("data-range-labels")) || "1y|5y|all").split("|");
    if (button.step === "all") return labels[2];
    if (button.step === "year" && button.count === 1) return labels[0];
    if (button.step === "year" && button.count === 5) return labels[1];
    return null;
  }

  function adapt(figure, width, gd) {
    var layout = figure.layout;
    fitCounts(figure, width);
    if (!isNarrow()) return figure;
    var range = layout.xaxis && layout.xaxis.range;
    var chars = Math.max(14, Math.floor((width - 110) / 6.2));
    layout.font = Object.assign({}, layout.font, {size: 11});
    layout.margin = Object.assign({}, layout.margin, {l: 2, r: 6, t: 40});
    layout.showlegend = false;
    layout.yaxis = Object.assign({}, layout.yaxis, {tickfont: {size: 10}, ticklabelstandoff: 3});
    layout.yaxis2 = Object.assign({}, layout.yaxis2, {tickfont: {size: 10}});
    if (layout.xaxis && layout.xaxis.rangeselector) {
      layout.xaxis.rangeselector.font = {size: 11};
      layout.xaxis.rangeselector.buttons = layout.xaxis.rangeselector.buttons.map(function (b) {
        return Object.assign({}, b, {label: shortRangeLabel(b, gd) || b.label});
      });
    }
    (layout.annotations || []).forEach(function (a) {
      if (a.name === "tone-title" && layout.meta && layout.meta.narrow_tone_title) {
        a.text = layout.meta.narrow_tone_title;
        a.font = Object.assign({}, a.font, {size: 10});
      }
    });
    figure.data.forEach(function (trace) {
      if (trace.meta !== "dispute-label" || !range) return;
      trace.x = [range[0]];
      trace.textposition = "middle right";
      trace.text = trace.text.map(function (t) {
        t = t.trim();
        return " " + (t.length > chars ? t.slice(0, chars - 1).trim() + "…" : t);
      });
    });
    return figure;
  }

  // The server sizes the counts (timeline/marks.py) for a desktop; each must fit the width
  // its period takes on this screen, or they pile up on a phone. Counts written on the
  // marks go when there is no room for them.
  var DAY_MS = 86400000;

  function fitCounts(figure, width) {
    var range = figure.layout.xaxis && figure.layout.xaxis.range;
    if (!range) return;
    var span = Date.parse(day(range[1])) - Date.parse(day(range[0]));
    var plotWidth = Math.max(width - 170, 100); // less the lane labels and margins
    if (!(span > 0)) return;
    figure.data.forEach(function (trace) {
      if (trace.meta !== "events-binned") return;
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

  function bindClicks(gd) {
    if (gd._timelineClicks) return;
    gd._timelineClicks = true;
    gd.on("plotly_click", function (data) {
      var point = data && data.points && data.points[0];
      var meta = point && point.data && point.data.meta;
      if (meta === "events-binned" && point.customdata) { // a count: zoom to its period
        Plotly.relayout(gd, {"xaxis.range": [point.customdata[0], nextDay(point.customdata[1])]});
        return;
      }
      if (!point || typeof point.customdata !== "string") return;
      if (meta !== "events" && meta !== "events-cancelled") return;
      htmx.ajax("GET", eventUrl(gd, point.customdata), {target: "#" + DETAIL_ID, swap: "innerHTML"});
    });
    gd.on("plotly_relayout", function (change) {
      var moved = Object.keys(change || {}).some(function (key) {
        return key.indexOf("xaxis.range") === 0 || key === "xaxis.autorange";
      });
      if (moved) scheduleDetail(gd);
    });
  }

  // ---- Detail on zoom -----------------------------------------------------------------
  // With too many events to draw one by one (layout.meta.detail_on_zoom), the server counts
  // them per period (timeline/marks.py); after a zoom or a pan, this asks /chart/ for the
  // visible window, where the events are drawn one by one once few enough are in view.
  var DETAIL_DELAY = 250; // ms after the reader stops moving

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
        figure = adapt(figure, gd.clientWidth || window.innerWidth);
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
    figure = adapt(figure, gd.clientWidth || window.innerWidth, gd);
    gd.removeAttribute("data-window");
    Plotly.react(gd, figure.data, figure.layout, PLOT_CONFIG).then(function () {
      bindClicks(gd);
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

  function showDetail() {
    var panel = document.getElementById(DETAIL_ID);
    if (!panel) return;
    var heading = panel.querySelector("h2, h1");
    var target = heading || panel;
    if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
    var box = panel.getBoundingClientRect();
    var visible = box.top >= 0 && box.top < window.innerHeight - 80;
    target.focus({preventScroll: visible});
    if (!visible) panel.scrollIntoView({block: "start"});
  }

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
