// Functions the grids call by name (dash-ag-grid looks them up in window.dashAgGridFunctions).
var dagfuncs = (window.dashAgGridFunctions = window.dashAgGridFunctions || {});

// Every riel, grouped, in the page's language: the tooltip behind a short figure ("KHR 1.2 bn").
dagfuncs.exactRiels = function (value, lang) {
  if (value === null || value === undefined || Number.isNaN(value)) { return ""; }
  var number = dagfuncs.grouped(Math.round(value), 0, lang);
  return lang === "km" ? number + " រៀល" : "KHR " + number;
};

// Numbers as the page writes them (components/format.py): Khmer digits, a dot between thousands
// and a comma before decimals in Khmer; the English grouping otherwise.
var KHMER_DIGITS = "០១២៣៤៥៦៧៨៩";
dagfuncs.grouped = function (value, decimals, lang) {
  var text = Number(value).toLocaleString("en-US", {minimumFractionDigits: decimals, maximumFractionDigits: decimals});
  if (lang !== "km") { return text; }
  text = text.replace(/,/g, "\u0000").replace(/\./g, ",").replace(/\u0000/g, ".");
  return text.replace(/[0-9]/g, function (d) { return KHMER_DIGITS[+d]; });
};

// Riels in the cards' short form ("KHR 26.91 bn", "២៦,៩១ ពាន់លាន"); the exact figure is the tooltip.
dagfuncs.shortRiels = function (value, lang) {
  if (value === null || value === undefined || Number.isNaN(value)) { return "–"; }
  var scales = lang === "km" ? [[1e12, "ទ្រីលាន"], [1e9, "ពាន់លាន"], [1e6, "លាន"]] : [[1e12, "tn"], [1e9, "bn"], [1e6, "m"]];
  for (var i = 0; i < scales.length; i++) {
    var size = scales[i][0];
    if (Math.abs(value) >= size) {
      var number = dagfuncs.grouped(value / size, Math.abs(value) < size * 100 ? 2 : 1, lang);
      return lang === "km" ? number + " " + scales[i][1] : "KHR " + number + " " + scales[i][1];
    }
  }
  var whole = dagfuncs.grouped(Math.round(value), 0, lang);
  return lang === "km" ? whole + " រៀល" : "KHR " + whole;
};

dagfuncs.percent = function (value, lang) {
  if (value === null || value === undefined || Number.isNaN(value)) { return "–"; }
  return dagfuncs.grouped(value * 100, 1, lang) + " %";
};

dagfuncs.number = function (value, decimals, lang) {
  if (value === null || value === undefined || Number.isNaN(value)) { return "–"; }
  return dagfuncs.grouped(value, decimals, lang);
};

// An amount being edited: the text the person typed stays as typed until the server answers
// with the amount it stored (the submission grid), then it reads as every other riel figure.
dagfuncs.typedRiels = function (value, lang) {
  if (typeof value === "string") { return value; }
  return dagfuncs.shortRiels(value, lang);
};
