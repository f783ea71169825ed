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

  // <form data-confirm="..."> asks before it submits (irreversible steps: accepting a quote,
  // deleting a contact, cancelling an order) in the styled modal #roots-confirm of the base
  // layout (review D11); the modal's OK button says what the form's own button says. Without
  // the modal (or Tabler) the browser's confirm() asks instead.
  function askToConfirm(form, submitter) {
    var modal = document.getElementById("roots-confirm");
    if (!modal || !window.tabler || !window.tabler.Modal) {
      if (window.confirm(form.dataset.confirm)) {
        form.dataset.rootsConfirmed = "1";
        form.requestSubmit(submitter || undefined);
      }
      return;
    }
    modal.querySelector("[data-confirm-message]").textContent = form.dataset.confirm;
    var ok = modal.querySelector("[data-confirm-ok]");
    var label = submitter ? submitter.textContent.trim() : "";
    ok.textContent = label || ok.dataset.defaultLabel || "OK";
    var tone = form.dataset.confirmTone === "primary" ? "primary" : "danger";
    ok.className = "btn w-100 btn-" + tone;
    var status = modal.querySelector(".modal-status");
    if (status) {
      status.className = "modal-status bg-" + tone;
    }
    var icon = modal.querySelector("[data-confirm-icon]");
    if (icon) {
      icon.className = "ti icon mb-2 icon-lg " + (tone === "primary" ? "ti-circle-check text-primary" : "ti-alert-triangle text-danger");
    }
    var dialog = window.tabler.Modal.getOrCreateInstance(modal);
    ok.onclick = function () {
      ok.onclick = null;
      dialog.hide();
      form.dataset.rootsConfirmed = "1";
      form.requestSubmit(submitter || undefined);
    };
    dialog.show();
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.dataset.confirm) {
      return;
    }
    if (form.dataset.rootsConfirmed) {
      delete form.dataset.rootsConfirmed;
      return;
    }
    // Stop here, in the capture phase, before htmx or the browser send anything.
    event.preventDefault();
    event.stopPropagation();
    var submitter = event.submitter && event.submitter.form === form ? event.submitter : null;
    askToConfirm(form, submitter);
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

  // <div class="progress-bar" data-roots-width="42"> is 42% wide. Set through CSSOM, which the
  // CSP allows (its style-src has no 'unsafe-inline', so no style="" attribute in templates).
  function applyWidths(root) {
    if (!root || !root.querySelectorAll) {
      return;
    }
    var nodes = Array.prototype.slice.call(root.querySelectorAll("[data-roots-width]"));
    if (root.matches && root.matches("[data-roots-width]")) {
      nodes.push(root);
    }
    nodes.forEach(function (el) {
      var value = parseFloat(el.dataset.rootsWidth);
      el.style.width = (isNaN(value) ? 0 : Math.max(0, Math.min(100, value))) + "%";
    });
  }
  document.addEventListener("htmx:load", function (event) {
    applyWidths(event.detail && event.detail.elt);
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { applyWidths(document); });
  } else {
    applyWidths(document);
  }

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
