// Draws the embed's figures from the JSON blocks on the page (no inline script needed).
(function () {
  function read(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }
  var config = read("pm-config");
  var map = read("pm-map");
  // City circles are sized for a wide map; a narrow column shrinks them with the map.
  var sizes = config.symbols;
  var width = document.getElementById("map").clientWidth;
  var shrink = Math.min(1, Math.max(sizes.least, width / sizes.full));
  document.documentElement.style.setProperty("--pm-shrink", String(shrink));
  map.data.forEach(function (trace) {
    if (/cities$/.test(trace.name) && trace.marker && Array.isArray(trace.marker.size)) {
      trace.marker.size = trace.marker.size.map(function (size) { return size * shrink; });
    }
  });
  Plotly.newPlot("map", map.data, map.layout, config.map);
  var timeline = read("pm-timeline");
  if (timeline) {
    Plotly.newPlot("timeline", timeline.data, timeline.layout, config.timeline);
  }
  // Tell the host page how tall the content is (resize.js there sets the iframe's height).
  function report() {
    if (window.parent === window) return;
    var height = document.documentElement.getBoundingClientRect().height;
    window.parent.postMessage({ type: "protestmap:height", height: height }, "*");
  }
  if (window.ResizeObserver) new ResizeObserver(report).observe(document.body);
  window.addEventListener("load", report);
  report();
})();
