// The date pickers speak the page's language. dash-core-components formats their month and
// day names with date-fns, in the first locale on the page that matches the *browser's*
// languages (else the first one loaded); the page's language is <html lang> (the URL's
// `lang`, else the browser's). So once every script has run, only the page's language is
// left: an English page has none (date-fns's own English), a Russian one date-fns's Russian.
(function () {
  // The calendar names a month on its own ("сентябрь 2022", in its header and its month
  // list), never inside a date (the inputs show "21 сент. 2022"): its full month names are
  // the standalone ones, which differ from those inside a date in Russian ("сентября").
  function standaloneMonths(locale) {
    var month = locale.localize.month;
    var localize = Object.assign({}, locale.localize, {
      month: function (index, options) {
        var wide = !options || !options.width || options.width === "wide";
        return month(index, wide ? Object.assign({}, options, { context: "standalone" }) : options);
      },
    });
    return Object.assign({}, locale, { localize: localize });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var lang = document.documentElement.lang;
    var loaded = (window.dateFns && window.dateFns.locale) || {};
    var chosen = {};
    if (loaded[lang]) chosen[lang] = standaloneMonths(loaded[lang]);
    window.dateFns = { locale: chosen };
  });
})();
