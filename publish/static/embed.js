// Draws the embed's figures from the JSON blocks on the page (no inline script needed).
(function () {
  function read(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }
  var config = read("pm-config");
  var map = read("pm-map");
  Plotly.newPlot("map", map.data, map.layout, config.map);
  var timeline = read("pm-timeline");
  if (timeline) {
    Plotly.newPlot("timeline", timeline.data, timeline.layout, config.timeline);
  }
})();
