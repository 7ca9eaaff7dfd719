// The language links keep the page the user is on: add ?next=<this page> when clicked.
document.addEventListener("click", function (event) {
  var link = event.target.closest && event.target.closest("a.lang-link");
  if (!link) { return; }
  var next = window.location.pathname + window.location.search;
  link.href = link.getAttribute("href").split("?")[0] + "?next=" + encodeURIComponent(next);
});
