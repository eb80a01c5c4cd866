// Select2's search box in a multiple choice (the admin's autocomplete fields) has no label of
// its own, so screen readers announce an unnamed box: give it its field's label, again each
// time Select2 draws it anew.
(function () {
  "use strict";
  function name(select) {
    var label = document.querySelector('label[for="' + select.id + '"]');
    return label ? label.textContent.trim().replace(/:$/, "") : "";
  }
  function labelSearchBoxes() {
    document.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      var box = select.parentElement.querySelector(".select2-search__field");
      var text = name(select);
      if (box && text && box.getAttribute("aria-label") !== text) {
        box.setAttribute("aria-label", text);
      }
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    labelSearchBoxes();
    new MutationObserver(labelSearchBoxes).observe(document.body, { childList: true, subtree: true });
  });
})();
