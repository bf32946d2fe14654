// Browser-only effects of the protestmap dashboard (no server round trip).
window.dash_clientside = Object.assign({}, window.dash_clientside, {
  protestmap: {
    // The shareable link of the current view; also names the browser tab after it.
    shareLink: function (state, description) {
      var query = (state && state.query) || "";
      if (description) {
        document.title = "protestmap: " + description;
      }
      return window.location.origin + window.location.pathname + query;
    },
  },
});
