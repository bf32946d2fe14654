// The embed: its static map image paints first; plotly.js and the figures (about 2 MB) load
// only when the map is in view (an embed further down an article waits until the reader
// scrolls to it), or on a touch, click, hover or focus (Tab reaches it). Then the
// interactive map is drawn in the image's place, hover and drill-down links and all.
(function () {
  function read(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }
  var config = read("pm-config");
  var box = document.getElementById("map");
  // City circles are sized for a wide map; a narrow column shrinks them with the map.
  var sizes = config.symbols;
  var shrink = Math.min(1, Math.max(sizes.least, box.clientWidth / sizes.full));
  document.documentElement.style.setProperty("--pm-shrink", String(shrink));

  function draw(figures) {
    var map = figures.map;
    map.data.forEach(function (trace) {
      if (/cities$/.test(trace.name) && trace.marker && Array.isArray(trace.marker.size)) {
        trace.marker.size = trace.marker.size.map(function (size) { return size * shrink; });
      }
    });
    var image = document.getElementById("pm-static");
    Plotly.newPlot(box, map.data, map.layout, config.map).then(function () {
      if (image) image.remove();
      box.classList.add("pm-live");
    });
    if (figures.timeline) {
      Plotly.newPlot("timeline", figures.timeline.data, figures.timeline.layout, config.timeline);
    }
  }

  var started = false;
  function start() {
    if (started) return;
    started = true;
    var script = new Promise(function (resolve, reject) {
      var tag = document.createElement("script");
      tag.src = config.plotly;
      tag.onload = resolve;
      tag.onerror = reject;
      document.head.appendChild(tag);
    });
    var figures = fetch(config.figures).then(function (response) { return response.json(); });
    Promise.all([figures, script]).then(function (done) { draw(done[0]); });
  }
  ["pointerdown", "touchstart", "focus", "mouseenter"].forEach(function (name) {
    box.addEventListener(name, start, { once: true, passive: true });
  });
  // In view (at once, or when scrolled to): the interactive map follows the static one,
  // fetched once the image has painted, so the image is never held up by plotly.js.
  function afterImage() {
    var image = document.getElementById("pm-static");
    if (!image || image.complete) start();
    else {
      image.addEventListener("load", start, { once: true });
      image.addEventListener("error", start, { once: true });
    }
  }
  if (window.IntersectionObserver) {
    new IntersectionObserver(function (entries) {
      if (entries.some(function (e) { return e.isIntersecting; })) afterImage();
    }).observe(box);
  } else {
    afterImage();
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
