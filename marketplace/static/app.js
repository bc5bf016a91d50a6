// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";

  // A search box that narrows a long <select> (e.g. the GB/T 4754 industry list).
  document.querySelectorAll("[data-filter-select]").forEach(function (input) {
    var select = document.getElementById(input.getAttribute("data-filter-select"));
    if (!select) { return; }
    select.setAttribute("data-filtered", "");
    input.addEventListener("input", function () {
      var query = input.value.trim().toLowerCase();
      var firstMatch = null;
      select.querySelectorAll("option").forEach(function (option) {
        var match = !query || option.value === "" ||
          option.textContent.toLowerCase().indexOf(query) !== -1 ||
          option.value.toLowerCase().indexOf(query) === 0;
        option.hidden = !match;
        if (match && option.value && firstMatch === null) { firstMatch = option; }
      });
      select.querySelectorAll("optgroup").forEach(function (group) {
        group.hidden = !group.querySelector("option:not([hidden])");
      });
      if (firstMatch && query) { select.value = firstMatch.value; }
    });
  });

  // Buttons that ask before they act (remove a member, withdraw an invitation).
  document.querySelectorAll("[data-confirm]").forEach(function (button) {
    button.addEventListener("click", function (event) {
      if (!window.confirm(button.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });
})();
