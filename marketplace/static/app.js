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

  // Print buttons (an inline onclick would be blocked by the Content-Security-Policy).
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });

  // Buttons that ask before they act (remove a member, withdraw an invitation).
  document.querySelectorAll("[data-confirm]").forEach(function (button) {
    button.addEventListener("click", function (event) {
      if (!window.confirm(button.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });
})();

// Category-dependent forms: show the fields of the chosen category, narrow the subcategories.
(function () {
  "use strict";
  document.querySelectorAll("[data-category-select]").forEach(function (select) {
    var form = select.form;
    if (!form) { return; }
    var subcategory = form.querySelector("[data-subcategory-select]");
    function update() {
      var category = select.value;
      form.querySelectorAll("[data-categories]").forEach(function (block) {
        var categories = block.getAttribute("data-categories").split(" ");
        block.hidden = !category || categories.indexOf(category) === -1;
      });
      if (subcategory) {
        subcategory.querySelectorAll("option[data-category]").forEach(function (option) {
          option.hidden = Boolean(category) && option.getAttribute("data-category") !== category;
        });
        subcategory.querySelectorAll("optgroup").forEach(function (group) {
          group.hidden = !group.querySelector("option:not([hidden])");
        });
        var chosen = subcategory.selectedOptions[0];
        if (chosen && chosen.hidden) { subcategory.value = ""; }
      }
    }
    select.addEventListener("change", update);
    update();
  });
  document.querySelectorAll("[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
})();
