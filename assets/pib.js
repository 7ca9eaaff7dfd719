// The language switch keeps the page the user is on: "next" is this page when the form is sent.
document.addEventListener("submit", function (event) {
  var form = event.target;
  var next = form.querySelector && form.querySelector("input.next-field");
  if (next) { next.value = window.location.pathname + window.location.search; }
}, true);

// On a phone the menu starts folded and folds again once a page is chosen: open, its links pushed
// the page itself below the first screen. Wider again (a turned tablet), it shows as a row.
(function () {
  var phone = window.matchMedia("(max-width: 700px)");
  function menu() { return document.querySelector("details.nav-details"); }
  function foldOnce() {
    var found = menu();
    if (found && !found.dataset.folded) {
      found.dataset.folded = "1";
      if (phone.matches) { found.open = false; }
    }
  }
  new MutationObserver(foldOnce).observe(document.documentElement, {childList: true, subtree: true});
  phone.addEventListener("change", function () {
    var found = menu();
    if (found) { found.open = !phone.matches; }
  });
  document.addEventListener("click", function (event) {
    var link = phone.matches && event.target.closest && event.target.closest(".nav a");
    var found = link && link.closest("details.nav-details");
    if (found) { found.open = false; }
  }, true);
})();
