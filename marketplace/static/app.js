// Progressive enhancement only: every page works without this file.
// "js" on <html>: without it, app.css shows the phones' off-canvas filters in place.
document.documentElement.classList.add("js");

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

// Searchable pickers: every <select data-searchable> (regions, industries) becomes a Tom Select
// (bundled in static/vendor/tom-select, no CDN): type to narrow, chips with a remove button for
// multiple choices. Without JavaScript, or without the library, the plain <select> still works.
(function () {
  "use strict";
  if (typeof window.TomSelect !== "function") { return; }
  var body = document.body;
  var noMatches = body.getAttribute("data-no-matches") || "No matches";
  var removeLabel = body.getAttribute("data-remove-label") || "Remove";
  document.querySelectorAll("select[data-searchable]").forEach(function (select) {
    if (select.tomselect) { return; }
    var multiple = select.multiple;
    var settings = {
      plugins: multiple ? { remove_button: { title: removeLabel } } : {},
      placeholder: select.getAttribute("data-placeholder") || body.getAttribute("data-search-placeholder") || "",
      searchField: ["text", "value"],  // "C39" finds the division by its code
      maxOptions: null,  // all 100-odd industries, not only the first 50
      refreshThrottle: 0,  // narrow at once: Enter right after typing picks what was typed
      allowEmptyOption: !multiple,  // "All regions", "—": a choice of its own
      closeAfterSelect: !multiple,
      clearAfterSelect: true,  // after "佛山" + Enter, type the next region from scratch
      hidePlaceholder: !multiple,  // a single choice shows only the chosen value
      render: {
        no_results: function () {
          var div = document.createElement("div");
          div.className = "no-results";
          div.textContent = noMatches;
          return div;
        }
      }
    };
    new window.TomSelect(select, settings);
    // The plain search box that narrowed this list is not needed any more.
    document.querySelectorAll("[data-filter-select]").forEach(function (input) {
      if (input.getAttribute("data-filter-select") !== select.id) { return; }
      input.hidden = true;
      var label = input.id ? document.querySelector('label[for="' + input.id + '"]') : null;
      if (label) { label.hidden = true; }
    });
  });
})();
