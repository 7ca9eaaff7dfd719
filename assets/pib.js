// The language switch keeps the page the user is on: "next" is this page when the form is sent.
document.addEventListener("submit", function (event) {
  var form = event.target;
  var next = form.querySelector && form.querySelector("input.next-field");
  if (next) { next.value = window.location.pathname + window.location.search; }
}, true);
