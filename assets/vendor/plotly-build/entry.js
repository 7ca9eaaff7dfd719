'use strict';
// plotly.js with the traces the PIB Dashboard draws: scatter (in the core), bar (programme and
// budget bars, costing), heatmap (the provinces' tile map). Not the choropleth: with a boundary
// file the app serves plotly.py's full bundle instead (components/charts.py).
var Plotly = require('plotly.js/lib/core');

Plotly.register([require('plotly.js/lib/bar'), require('plotly.js/lib/heatmap')]);

module.exports = Plotly;
