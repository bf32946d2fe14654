// Cell renderers for the incident table (dash-ag-grid looks them up by name).
var dagcomponentfuncs = (window.dashAgGridComponentFunctions =
  window.dashAgGridComponentFunctions || {});

// Every source of an incident as a link (new tab) with the figure it gave and when.
dagcomponentfuncs.SourceLinks = function (props) {
  var sources = props.value || [];
  return React.createElement(
    "ul",
    { className: "grid-sources" },
    sources.map(function (source, i) {
      return React.createElement(
        "li",
        { key: i },
        React.createElement(
          "a",
          { href: source.url, target: "_blank", rel: "noopener noreferrer" },
          source.label
        )
      );
    })
  );
};
