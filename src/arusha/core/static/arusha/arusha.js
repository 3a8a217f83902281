// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target instanceof HTMLSelectElement && target.hasAttribute("data-autosubmit")) {
      target.form.submit();
    }
  });
  // A link to a folded section (#mapping-guide) unfolds it.
  function openLinkedDetails() {
    var id = window.location.hash.slice(1);
    var target = id ? document.getElementById(decodeURIComponent(id)) : null;
    if (target instanceof HTMLDetailsElement) {
      target.open = true;
    }
  }
  window.addEventListener("hashchange", openLinkedDetails);
  openLinkedDetails(); // deferred: the page is parsed
})();
