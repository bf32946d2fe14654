// The date pickers speak the page's language. dash-core-components formats their month and
// day names with date-fns, in the first locale on the page that matches the *browser's*
// languages (else the first one loaded); the page's language is <html lang> (the URL's
// `lang`, else the browser's). So once every script has run, only the page's language is
// left: an English page has none (date-fns's own English), a Russian one date-fns's Russian.
(function () {
  document.addEventListener("DOMContentLoaded", function () {
    var lang = document.documentElement.lang;
    var loaded = (window.dateFns && window.dateFns.locale) || {};
    var chosen = {};
    if (loaded[lang]) chosen[lang] = loaded[lang];
    window.dateFns = { locale: chosen };
  });
})();
