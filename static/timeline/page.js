/*
 * The page around the chart, in its htmx life: filters that send only what is set, the
 * results busy while they load, the chart purged before a swap and drawn after it, the
 * event detail panel (opened, addressed, closed, restored by Back), and a redraw on resize.
 * Needs chart.js (window.DiplomacyTimeline), loaded before it.
 */
(function () {
  "use strict";

  var timeline = window.DiplomacyTimeline;
  var CHART_ID = timeline.CHART_ID;
  var DETAIL_ID = timeline.DETAIL_ID;
  var EVENT_PARAM = timeline.EVENT_PARAM;
  var draw = timeline.draw;
  var purge = timeline.purge;
  var eventUrl = timeline.eventUrl;
  var isNarrow = timeline.isNarrow;

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

  var resizeTimer = null;
  window.addEventListener("resize", function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(draw, 150);
  });

  function start() {
    foldFiltersOnPhone();
    draw();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
