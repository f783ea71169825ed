/* Roots shell behaviour: tabs that remember their hash, confirmations, htmx niceties.
   Loaded as a static file because the CSP allows no inline script. */
(function () {
  "use strict";

  function showTabFromHash() {
    if (!location.hash || !window.tabler || !window.tabler.Tab) {
      return;
    }
    var trigger = document.querySelector('[data-bs-toggle="tab"][href="' + location.hash + '"]');
    if (trigger) {
      window.tabler.Tab.getOrCreateInstance(trigger).show();
    }
  }

  document.addEventListener("shown.bs.tab", function (event) {
    var href = event.target.getAttribute("href");
    if (href && href.charAt(0) === "#" && history.replaceState) {
      history.replaceState(null, "", href);
    }
    // A pane that is fetched on first view (hx-trigger="roots-show once") loads now.
    var pane = document.querySelector(event.target.getAttribute("data-bs-target") || "");
    if (pane && window.htmx) {
      window.htmx.trigger(pane, "roots-show");
    }
    // Charts drawn in a hidden pane have no size until the pane is shown.
    window.dispatchEvent(new Event("roots:resize"));
  });

  // <form data-confirm="..."> asks before it submits (e.g. deleting a contact).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form instanceof HTMLFormElement && form.dataset.confirm) {
      if (!window.confirm(form.dataset.confirm)) {
        event.preventDefault();
      }
    }
  }, true);

  // A <select data-autosubmit> submits its form on change (filters without htmx).
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el instanceof HTMLSelectElement && el.dataset.autosubmit !== undefined && el.form) {
      el.form.requestSubmit();
    }
  });

  // Filter forms marked data-drop-empty leave their empty fields out of the URL.
  document.addEventListener("htmx:configRequest", function (event) {
    var elt = event.detail.elt;
    if (!elt || !elt.closest || !elt.closest("[data-drop-empty]")) {
      return;
    }
    var params = event.detail.parameters;
    Object.keys(params).forEach(function (key) {
      var value = params[key];
      if (value === "" || value === null || (Array.isArray(value) && value.join("") === "")) {
        delete params[key];
      }
    });
  });

  // After htmx has processed the page, so that a lazily loaded pane can load.
  function showTabSoon() {
    window.setTimeout(showTabFromHash, 0);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", showTabSoon);
  } else {
    showTabSoon();
  }
})();
