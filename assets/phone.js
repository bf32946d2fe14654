// The phone layout (style.css, max-width 600px): the controls drawer starts closed there, so
// the map is the first thing a reader sees. Closed once, when the page first draws it.
(function () {
  var PHONE = window.matchMedia("(max-width: 600px)");
  var observer = new MutationObserver(function () {
    var drawer = document.getElementById("controls-drawer");
    if (!drawer) return;
    observer.disconnect();
    if (PHONE.matches) drawer.removeAttribute("open");
  });
  observer.observe(document.documentElement, { childList: true, subtree: true });
})();
