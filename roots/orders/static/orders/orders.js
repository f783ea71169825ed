/* Order pages: the desk's row selection for bulk actions. A static file, as the CSP allows
   no inline script. The server checks every order again; this only helps choosing. */
(function () {
  "use strict";

  function boxes(root) {
    return Array.prototype.slice.call(root.querySelectorAll("[data-desk-select]"));
  }

  // Keep the "select all" box, the count and the bulk button in step with the rows.
  function refresh(root) {
    var form = root.querySelector("[data-desk-bulk]");
    if (!form) {
      return;
    }
    var all = boxes(root);
    var checked = all.filter(function (box) { return box.checked; }).length;
    var selectAll = root.querySelector("[data-desk-select-all]");
    if (selectAll) {
      selectAll.checked = all.length > 0 && checked === all.length;
      selectAll.indeterminate = checked > 0 && checked < all.length;
    }
    var count = form.querySelector("[data-desk-selected-count]");
    if (count) {
      count.textContent = checked ? (count.dataset.label || "%(count)s").replace("%(count)s", checked) : "";
    }
    var submit = form.querySelector("[data-desk-bulk-submit]");
    if (submit) {
      submit.disabled = checked === 0;
    }
  }

  function deskOf(el) {
    return (el && el.closest && el.closest("#desk")) || document;
  }

  document.addEventListener("change", function (event) {
    var el = event.target;
    if (!(el instanceof HTMLInputElement)) {
      return;
    }
    if (el.dataset.deskSelectAll !== undefined) {
      boxes(deskOf(el)).forEach(function (box) { box.checked = el.checked; });
      refresh(deskOf(el));
    } else if (el.dataset.deskSelect !== undefined) {
      refresh(deskOf(el));
    }
  });

  document.addEventListener("htmx:load", function (event) {
    refresh(deskOf(event.detail && event.detail.elt));
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { refresh(document); });
  } else {
    refresh(document);
  }
})();
