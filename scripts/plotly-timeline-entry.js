'use strict';
// Entry of static/vendor/plotly-timeline-4.1.1.min.js, bundled by scripts/build-plotly.
// plotly.js 4.1.1's src/core.js, line for line, less the components that the timeline does
// not use, plus the bar trace. build-plotly stops if src/core.js is no longer the 4.1.1 file.
//
// Left out (not registered; their code is then not bundled):
//   annotations3d, images, updatemenus, sliders, rangeslider, rangeselector, grid, errorbars,
//   colorbar (its drawing only: colorscale still needs its attributes), calendars, pie.
//   A figure that still asks for one of them is drawn without it, and without an error.
// Kept: annotations, selections, shapes, colorscale, legend, fx (hover), modebar. The code of
// selections, legend and modebar is required directly by dragbox, hover and plot_api, so
// leaving them unregistered would save nothing.

exports.version = require('plotly.js/src/version').version;

// inject promise polyfill
require('native-promise-only');

// inject plot css
require('plotly.js/build/plotcss');

// include registry module and expose register method
var Registry = require('plotly.js/src/registry');
var register = exports.register = Registry.register;

// expose plot api methods (newPlot, react, relayout, purge, toImage, downloadImage, ...)
var plotApi = require('plotly.js/src/plot_api');
var methodNames = Object.keys(plotApi);
for(var i = 0; i < methodNames.length; i++) {
    var name = methodNames[i];
    // _ -> private API methods, but still registered for internal use
    if(name.charAt(0) !== '_') exports[name] = plotApi[name];
    register({
        moduleType: 'apiMethod',
        name: name,
        fn: plotApi[name]
    });
}

// scatter is the only trace included by default
register(require('plotly.js/src/traces/scatter'));

// the components the timeline uses, in core.js's order
register([
    require('plotly.js/src/components/annotations'),
    require('plotly.js/src/components/selections'),
    require('plotly.js/src/components/shapes'),
    require('plotly.js/src/components/colorscale'),
    require('plotly.js/src/components/legend'), // legend needs to come after shape | legend defaults depends on shapes
    require('plotly.js/src/components/fx'), // fx needs to come after legend | unified hover defaults depends on legends
    require('plotly.js/src/components/modebar')
]);

// locales en and en-US are required for default behavior
register([
    require('plotly.js/src/locale-en'),
    require('plotly.js/src/locale-en-us')
]);

// locales that are present in the window should be loaded
if(window.PlotlyLocales && Array.isArray(window.PlotlyLocales)) {
    register(window.PlotlyLocales);
    delete window.PlotlyLocales;
}

// plot icons
exports.Icons = require('plotly.js/src/fonts/ploticon');

// unofficial 'beta' plot methods, use at your own risk
var Fx = require('plotly.js/src/components/fx');
var Plots = require('plotly.js/src/plots/plots');

exports.Plots = {
    resize: Plots.resize,
    graphJson: Plots.graphJson,
    sendDataToCloud: Plots.sendDataToCloud
};
exports.Fx = {
    hover: Fx.hover,
    unhover: Fx.unhover,
    loneHover: Fx.loneHover,
    loneUnhover: Fx.loneUnhover
};
exports.Snapshot = require('plotly.js/src/snapshot');
exports.PlotSchema = require('plotly.js/src/plot_api/plot_schema');

// the one trace type besides scatter (lib/bar.js)
register(require('plotly.js/src/traces/bar'));
