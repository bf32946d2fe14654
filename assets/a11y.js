// Accessibility repairs of dash-core-components 4.4 markup, applied whenever Dash renders.
// Each repair names the WCAG failure axe-core reports on the unrepaired component; the
// browser tests (tests/browser/test_accessibility.py) fail if one comes back.
// Convention: the visible label of a control with id X has the id "X-label".
(function () {
  function set(el, name, value) {
    if (el.getAttribute(name) !== value) el.setAttribute(name, value);
  }
  function unset(el, name) {
    if (el.hasAttribute(name)) el.removeAttribute(name);
  }
  var BUTTONS = ".dash-datepicker-clear, .copy";
  // A row of the incident grid: Enter or Space opens the incident, as a click does.
  var GRID_CELL = "#incidents .ag-cell";

  function labelOf(id) {
    return id ? document.getElementById(id + "-label") : null;
  }

  // Dash's own English names of the date pickers' controls ("Clear Dates", "Next month"),
  // in the page's language: <html data-dash-words> maps each to its words (app.py).
  var words = JSON.parse(document.documentElement.getAttribute("data-dash-words") || "{}");
  var named = Object.keys(words).length > 0;

  function repair(root) {
    if (named) {
      root.querySelectorAll("[aria-label]").forEach(function (el) {
        var said = words[el.getAttribute("aria-label")];
        if (said) set(el, "aria-label", said);
      });
    }
    // RadioItems / Checklist: role=listbox around <label role=option> holding a native input
    // nests interactive controls; native radios and checkboxes need only a named group.
    // (A Dropdown's menu uses the same list as a real listbox: it is left alone.)
    root.querySelectorAll(".dash-radioitems, .dash-checklist").forEach(function (list) {
      set(list, "role", list.classList.contains("dash-radioitems") ? "radiogroup" : "group");
      var label = labelOf(list.id);
      if (label) set(list, "aria-labelledby", label.id);
      list.querySelectorAll(".dash-options-list-option").forEach(function (option) {
        unset(option, "role");
        unset(option, "aria-selected");
      });
    });
    // DatePickerRange: the wrapper carries popup ARIA without a role, labelled by
    // "undefined" ids; the inputs are the controls and are named by the field's label.
    root.querySelectorAll(".dash-datepicker-input-wrapper").forEach(function (wrap) {
      ["aria-haspopup", "aria-expanded", "aria-disabled", "type"].forEach(
        function (name) { unset(wrap, name); }
      );
      var label = labelOf(wrap.id.replace(/-wrapper$/, ""));
      if (label) {
        set(wrap, "role", "group");
        set(wrap, "aria-labelledby", label.id);
      } else {
        unset(wrap, "aria-labelledby");
      }
    });
    // The clear-dates control (an <a> without href) and dcc.Clipboard (a <div> with an icon)
    // act as buttons: give them a button's role, a tab stop and a name (Clipboard's title).
    root.querySelectorAll(BUTTONS).forEach(function (el) {
      set(el, "role", "button");
      set(el, "tabindex", "0");
      var name = el.getAttribute("title");
      if (name) set(el, "aria-label", name);
    });
    // Dropdown: an aria-hidden focusable input takes the tab stop from the real button.
    // The button becomes the tab stop, named by the field's label and its shown value.
    root.querySelectorAll(".dash-dropdown-wrapper").forEach(function (wrap) {
      var target = wrap.querySelector(".dash-dropdown-focus-target");
      var button = wrap.querySelector("button.dash-dropdown");
      if (!target || !button) return;
      set(target, "tabindex", "-1");
      set(button, "tabindex", "0");
      var label = labelOf(button.id);
      // Label, then the shown value(s), then "n selected": the visible text in reading order.
      var parts = [label, document.getElementById(button.id + "-value"),
                   document.getElementById(button.id + "-value-count")];
      var named = parts.filter(Boolean).map(function (el) { return el.id; }).join(" ");
      if (label && named) set(button, "aria-labelledby", named);
    });
  }

  // Those "buttons" and the grid's cells answer Enter and Space like a real button. Capture
  // phase: the grid would otherwise take Space to toggle its row selection.
  document.addEventListener("keydown", function (event) {
    var el = event.target;
    if (!(el instanceof Element) || (event.key !== "Enter" && event.key !== " ")) return;
    if (el.matches(BUTTONS) || el.matches(GRID_CELL)) {
      event.preventDefault();
      event.stopPropagation();
      el.click();
    }
  }, true);

  // Repaired as soon as Dash changes the page (before the browser paints or runs any other
  // task); a repair changes an attribute only when it differs, so it settles in one pass.
  new MutationObserver(function () {
    repair(document);
  }).observe(document.documentElement, {
    childList: true,
    subtree: true,
    attributes: true,
    attributeFilter: ["role", "aria-selected", "aria-labelledby", "aria-expanded", "tabindex"],
  });
})();
