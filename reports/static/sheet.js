// The sheet's print button. A file rather than an onclick attribute: the Content-Security-Policy
// runs no inline script that it has not hashed.
document.addEventListener("DOMContentLoaded", function () {
  var button = document.getElementById("sheet-print");
  if (button) { button.addEventListener("click", function () { window.print(); }); }
});
