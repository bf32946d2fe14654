// The plotly.js the dashboard loads: only the trace types protestmap draws.
// The full bundle is 4.8 MB, and parsing it was about a second of the first map paint on a
// two-core machine; this one is 1.4 MB. It must stay the plotly.js version plotly.py ships
// (tests/test_frontend.py checks), and every trace type the app uses must be registered here.
var Plotly = require('plotly.js/lib/core'); // includes scatter

Plotly.register([
    require('plotly.js/lib/bar'), // timeline, Compare
    require('plotly.js/lib/choropleth'), // regions
    require('plotly.js/lib/scattergeo'), // cities, neighbours' and occupied outlines
]);

module.exports = Plotly;
