// Host-page helper of the protestmap embed snippet: each protestmap iframe tells its page
// how tall its content is (postMessage from embed.js); this sets the iframe to that height,
// so the map never sits in blank space nor scrolls. Without this script the iframe keeps the
// snippet's fixed height.
(function () {
  if (window.protestmapResize) return;
  window.protestmapResize = true;
  window.addEventListener("message", function (event) {
    var data = event.data;
    if (!data || data.type !== "protestmap:height" || typeof data.height !== "number") return;
    var frames = document.querySelectorAll("iframe");
    for (var i = 0; i < frames.length; i++) {
      if (frames[i].contentWindow === event.source) {
        frames[i].style.height = Math.max(150, Math.min(4000, Math.ceil(data.height))) + "px";
      }
    }
  });
})();
