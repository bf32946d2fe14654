// Grid option functions of the incident table (dash-ag-grid looks them up by name).
var dagfuncs = (window.dashAgGridFunctions = window.dashAgGridFunctions || {});

// Tab moves one row (keeping the column) instead of one cell, so a keyboard user passes a
// row in one key press and uses the arrow keys inside it; past the first or last row, Tab
// leaves the grid (false hands the key back to the browser).
dagfuncs.tabToNextRow = function (params) {
  var from = params.previousCellPosition;
  var next = from.rowIndex + (params.backwards ? -1 : 1);
  if (from.rowPinned || next < 0 || next >= params.api.getDisplayedRowCount()) {
    return false;
  }
  return { rowIndex: next, column: from.column, rowPinned: null };
};
