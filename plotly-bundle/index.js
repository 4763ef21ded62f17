// The trace types the workbench's figures draw (policies/charts/ and the print versions of
// policies/reporting/figures.py); everything else of plotly.js stays out of the bundle. Annotations,
// shapes, colour bars and the legend come with the core. Add a trace type here when a figure starts using it:
// tests/browser/test_chart_bundle.py fails on a figure whose traces the bundle cannot draw.
"use strict";

var Plotly = require("plotly.js/lib/core");

Plotly.register([
  require("plotly.js/lib/bar"),
  require("plotly.js/lib/box"),
  require("plotly.js/lib/heatmap"),
  require("plotly.js/lib/scatterpolar"),
]);

module.exports = Plotly;
