// Functions the grids call by name (dash-ag-grid looks them up in window.dashAgGridFunctions).
var dagfuncs = (window.dashAgGridFunctions = window.dashAgGridFunctions || {});

// Every riel, grouped, in the page's language: the tooltip behind a short figure ("KHR 1.2 bn").
dagfuncs.exactRiels = function (value, lang) {
  if (value === null || value === undefined || Number.isNaN(value)) { return ""; }
  if (lang === "km") {
    return new Intl.NumberFormat("km-KH-u-nu-khmr").format(Math.round(value)) + " រៀល";
  }
  return "KHR " + new Intl.NumberFormat("en-US").format(Math.round(value));
};
