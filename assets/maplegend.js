// The map's legend as HTML below the map, where the map is narrow (a phone, a narrow column).
// Plotly's colour bar keeps a 150 px column to the map's right: at 390 px that squeezed the
// map to about 220 × 115 px, and its band labels cannot lie side by side without overlapping.
// Under NARROW_PX of map width the colour bar and the circle size key are hidden in the
// figure, its right margin goes, and a list that wraps takes their place under the map.
// The figure arrives from the server for every screen (and again as a patch on every view
// change, which brings the colour bar back): it is refitted after every draw and resize.
(function () {
  var NARROW_PX = 700;
  var SIZE_KEY = "size key";
  var REGIONS = "regions";
  var INSET_CITIES = "inset cities";

  function plain(markup) {
    return String(markup || "").replace(/<[^>]+>/g, " ").split(/\s+/).filter(Boolean).join(" ");
  }

  // The colour of a stepped (or continuous) scale at ``at`` in 0..1.
  function bandColour(scale, at) {
    var colour = scale[0][1];
    scale.forEach(function (stop) { if (stop[0] <= at) colour = stop[1]; });
    return colour;
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // The legend of a region trace and its layout's size key: title, one swatch per band,
  // then the circles (as wide as the map draws them, ``shrink`` times their full size).
  function build(trace, layout, shrink) {
    var bar = trace.colorbar || {};
    var zmax = Number(trace.zmax) || 1;
    var root = element("div", "pm-legend");
    root.appendChild(element("p", "", plain(bar.title && bar.title.text)));
    var bands = element("ul", "pm-bands");
    (bar.tickvals || []).forEach(function (value, i) {
      var item = element("li");
      var swatch = element("span", "swatch");
      swatch.style.background = bandColour(trace.colorscale, value / zmax);
      item.appendChild(swatch);
      item.appendChild(document.createTextNode(plain(bar.ticktext[i])));
      bands.appendChild(item);
    });
    root.appendChild(bands);
    var circles = (layout.shapes || []).filter(function (s) { return s.name === SIZE_KEY; });
    var notes = (layout.annotations || []).filter(function (a) { return a.name === SIZE_KEY; });
    if (circles.length && notes.length === circles.length + 1) {
      root.appendChild(element("p", "", plain(notes[notes.length - 1].text)));
      var sizes = element("ul", "pm-sizes");
      circles.forEach(function (circle, i) {
        var item = element("li");
        var dot = element("span", "circle");
        var d = (circle.x1 - circle.x0) * (shrink || 1);
        dot.style.width = dot.style.height = d + "px";
        item.appendChild(dot);
        item.appendChild(document.createTextNode(plain(notes[i].text)));
        sizes.appendChild(item);
      });
      root.appendChild(sizes);
    }
    return root;
  }

  function narrowAt(gd) {
    return gd.clientWidth > 0 && gd.clientWidth < NARROW_PX;
  }

  // ``figure`` as drawn on a narrow map: no colour bar, no size key, no margin kept for them,
  // no names in the inset.
  // A copy: the figure is Dash's own state, which the next patch starts from.
  function folded(figure) {
    var at = figure.data.findIndex(function (t) { return t.name === REGIONS; });
    if (at < 0) return figure;
    var data = figure.data.map(function (trace, i) {
      if (i === at) return Object.assign({}, trace, { showscale: false });
      // The inset is too small on a narrow map to name places in (layers/inset.py).
      if (trace.name === INSET_CITIES) return Object.assign({}, trace, { mode: "markers" });
      return trace;
    });
    var hide = function (item) {
      return item.name === SIZE_KEY ? Object.assign({}, item, { visible: false }) : item;
    };
    var layout = Object.assign({}, figure.layout, {
      margin: Object.assign({}, figure.layout.margin, { r: 0 }),
    });
    if (layout.shapes) layout.shapes = layout.shapes.map(hide);
    if (layout.annotations) layout.annotations = layout.annotations.map(hide);
    return Object.assign({}, figure, { data: data, layout: layout });
  }

  // The HTML legend under the map, from what the map draws (it follows every patch).
  function showLegend(gd) {
    var box = document.getElementById("map-legend");
    var trace = (gd.data || []).find(function (t) { return t.name === REGIONS; });
    if (!box || !trace) return;
    box.hidden = !gd._pmNarrow;
    if (!gd._pmNarrow) return;
    var legend = build(trace, gd.layout, 1);
    if (box.innerHTML !== legend.outerHTML) box.replaceChildren(legend);
  }

  // The dashboard's map (``#map``) is drawn by dcc.Graph through Plotly.react, first and on
  // every patch: the figure is folded there, before it is drawn, so the map is laid out once
  // at its real width. A resize across NARROW_PX draws the last figure again, (un)folded.
  function isMap(gd) {
    return gd && gd.closest && gd.closest("#map") !== null;
  }
  // Dash loads assets/vendor/plotly.min.js after this file: wrap it once it is there.
  function install() {
    if (!window.Plotly || Plotly.react.protestmap) return;
    var react = Plotly.react;
    Plotly.react = function (gd, figure) {
      if (arguments.length !== 2 || !isMap(gd) || !figure || !figure.data) {
        return react.apply(this, arguments);
      }
      gd._pmFigure = figure;
      gd._pmNarrow = narrowAt(gd);
      if (!gd._pmWatched && window.ResizeObserver) {
        gd._pmWatched = true;
        new ResizeObserver(function () {
          if (gd._pmFigure && narrowAt(gd) !== gd._pmNarrow) Plotly.react(gd, gd._pmFigure);
        }).observe(gd);
      }
      var drawn = react.call(this, gd, gd._pmNarrow ? folded(figure) : figure);
      return Promise.resolve(drawn).then(function (result) {
        showLegend(gd);
        return result;
      });
    };
    Plotly.react.protestmap = true;
  }
  install();
  document.addEventListener("DOMContentLoaded", install);
})();
