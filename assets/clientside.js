// Browser-only effects of the protestmap dashboard (no server round trip).
window.dash_clientside = Object.assign({}, window.dash_clientside, {
  protestmap: {
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
