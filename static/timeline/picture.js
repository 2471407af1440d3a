/*
 * "Image: PNG · SVG": a picture of the chart as the reader sees it (filters, zoom, language)
 * that can go into a paper or a slide on its own: Plotly's own image export of the drawn
 * figure, with the view's title, its filters in words, the credit line naming the curated
 * sources' address, and the day it was made. Drawn in the browser: no server-side browser.
 * The texts come from the page (data-picture-* on .picture-buttons, timeline/picture.py),
 * translated; the day is written in the page's language. Dashboard and embed.
 */
(function () {
  "use strict";

  var WIDTH = 1400; // px: sharp on a slide, readable in print
  var HEAD = 96; // px above the chart for the title and the filters
  var FOOT = 84; // px below it for the credit line

  // Plotly reads a few tags in its texts (<br>, <b>…): curated words must stay words.
  function plain(text) {
    return String(text || "").replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }

  function today() {
    var lang = document.documentElement.lang || "en";
    try {
      return new Intl.DateTimeFormat(lang, {dateStyle: "long"}).format(new Date());
    } catch (error) {
      return new Date().toISOString().slice(0, 10);
    }
  }

  function note(text, y, size, yanchor) {
    return {
      text: text, xref: "paper", yref: "paper", x: 0, y: y, xanchor: "left", yanchor: yanchor,
      align: "left", showarrow: false, font: {size: size, color: "#1f2933"}
    };
  }

  // The figure as drawn (its zoom included), with room and words for the caption.
  function captioned(gd, group) {
    var full = gd._fullLayout;
    var chartHeight = full.height - full.margin.t - full.margin.b;
    var height = chartHeight + full.margin.t + full.margin.b + HEAD + FOOT;
    var layout = Object.assign({}, gd.layout, {
      width: WIDTH,
      height: height,
      margin: Object.assign({}, full.margin, {t: full.margin.t + HEAD, b: full.margin.b + FOOT}),
      xaxis: Object.assign({}, gd.layout.xaxis, {range: full.xaxis.range.slice(), autorange: false})
    });
    var headY = 1 + (full.margin.t + HEAD - 12) / chartHeight;
    var footY = -(full.margin.b + FOOT - 8) / chartHeight;
    var dated = group.getAttribute("data-picture-date").split("{date}").join(today());
    layout.annotations = (gd.layout.annotations || []).concat([
      note("<b>" + plain(group.getAttribute("data-picture-title")) + "</b>", headY, 20, "top"),
      note(plain(group.getAttribute("data-picture-filters")), headY - 30 / chartHeight, 14, "top"),
      note(plain(group.getAttribute("data-picture-credit")) + "<br>" +
           plain(group.getAttribute("data-picture-sources")) + " · " + plain(dated), footY, 12, "bottom")
    ]);
    return {data: gd.data, layout: layout};
  }

  function save(url, name) {
    var link = document.createElement("a");
    link.href = url;
    link.download = name;
    link.hidden = true;
    document.body.appendChild(link);
    link.click();
    link.remove();
  }

  function download(button) {
    var gd = document.getElementById("timeline-chart");
    var group = button.closest(".picture-buttons");
    if (!gd || !gd._fullLayout || !window.Plotly || !group) return;
    var format = button.getAttribute("data-picture");
    var figure = captioned(gd, group);
    button.setAttribute("aria-busy", "true");
    Plotly.toImage(figure, {format: format, width: WIDTH, height: figure.layout.height})
      .then(function (url) { save(url, group.getAttribute("data-picture-name") + "." + format); })
      .catch(function (error) { if (window.console) console.warn(error); })
      .then(function () { button.removeAttribute("aria-busy"); });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-picture]");
    if (button && !button.disabled) download(button);
  });
})();
