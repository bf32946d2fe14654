// Browser-only effects of the protestmap dashboard (no server round trip).
// style.css's phone layout. The incident list is drawn as cards there and as a grid on wider
// screens: the server sends each screen only the one it shows.
var PHONE_SCREEN = window.matchMedia("(max-width: 600px)");

function screenName(query) {
  return query.matches ? "phone" : "wide";
}

window.dash_clientside = Object.assign({}, window.dash_clientside, {
  protestmap: {
    // The screen's layout now, and again whenever it crosses the breakpoint (a rotated phone).
    screen: function () {
      PHONE_SCREEN.addEventListener("change", function (event) {
        window.dash_clientside.set_props("screen", { data: screenName(event) });
      });
      return screenName(PHONE_SCREEN);
    },
    // The shareable link of the current view; also names the browser tab after it.
    shareLink: function (state, description) {
      var query = (state && state.query) || "";
      if (state && state.version) {
        query += (query ? "&" : "?") + "v=" + encodeURIComponent(state.version);
      }
      if (description) {
        document.title = "protestmap: " + description;
      }
      return window.location.origin + window.location.pathname + query;
    },
  },
});

// The Export, Download and Embed menus are <details>: a click outside one closes it, so
// opening a menu closes the others.
document.addEventListener("click", function (event) {
  document.querySelectorAll("details.menu[open]").forEach(function (menu) {
    if (!menu.contains(event.target)) {
      menu.removeAttribute("open");
    }
  });
});

// A <details> tells Dash when it is opened or closed (its "open" prop), so the map's table
// is built only while a reader has it open.
document.addEventListener(
  "toggle",
  function (event) {
    var details = event.target;
    if (details.id && details.classList.contains("map-table")) {
      window.dash_clientside.set_props(details.id, { open: details.open });
    }
  },
  true
);
