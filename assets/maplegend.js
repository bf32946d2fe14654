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

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // A list of legend items: each a ``mark`` (a swatch or a circle) and its label.
  function list(className, entries, mark) {
    var items = element("ul", className);
    entries.forEach(function (entry) {
      var item = element("li");
      item.appendChild(mark(entry));
      item.appendChild(document.createTextNode(entry.label));
      items.appendChild(item);
    });
    return items;
  }

  // The legend's entries (layers/legend.py, carried in the figure's layout.meta) as DOM:
  // the markup of the embed's legend (publish/embed.py legend_html), circles at full size.
  function build(legend) {
    var root = element("div", "pm-legend");
    root.appendChild(element("p", "", legend.title));
    root.appendChild(list("pm-bands", legend.bands, function (band) {
      var swatch = element("span", "swatch");
      swatch.style.background = band.colour;
      return swatch;
    }));
    if (legend.sizes.length) {
      root.appendChild(element("p", "", legend.sizes_title));
      root.appendChild(list("pm-sizes", legend.sizes, function (circle) {
        var dot = element("span", "circle");
        dot.style.setProperty("--d", circle.d + "px");
        return dot;
      }));
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

  // The HTML legend under the map, from the entries of the figure drawn (every patch
  // brings the view's own).
  function showLegend(gd) {
    var box = document.getElementById("map-legend");
    var entries = gd.layout && gd.layout.meta && gd.layout.meta.legend;
    if (!box || !entries) return;
    box.hidden = !gd._pmNarrow;
    if (!gd._pmNarrow) return;
    var legend = build(entries);
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
