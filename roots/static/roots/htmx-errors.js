/* The one htmx error handling of every page (loaded by the base layout; a static file, as the
   CSP allows no inline script).

   htmx 2 does not swap a 4xx answer. Roots' forms answer a refused submission with the form
   and its errors (400 invalid input, 409 conflict, 412 stale version, 422 unprocessable):
   these are swapped in place like a 200, so every htmx form shows its errors where it stands.
   Other failures (403, 404, 429, 5xx, no answer at all) keep the page as it is and show a
   toast saying what happened. The toast's texts are translated by the server: the data-*
   attributes of #roots-toasts in base.html. */
(function () {
  "use strict";

  var SWAP = [400, 409, 412, 422];

  function region() {
    return document.getElementById("roots-toasts");
  }

  function text(key, fallback) {
    var box = region();
    return (box && box.dataset[key]) || fallback;
  }

  // The reason a 403 page or a JSON error gives, read as text (DOMParser runs no script).
  function reason(xhr) {
    if (!xhr || !xhr.responseText) {
      return "";
    }
    var type = xhr.getResponseHeader("Content-Type") || "";
    try {
      if (type.indexOf("json") !== -1) {
        var body = JSON.parse(xhr.responseText);
        return body && typeof body.detail === "string" ? body.detail : "";
      }
      if (type.indexOf("html") !== -1) {
        var doc = new DOMParser().parseFromString(xhr.responseText, "text/html");
        var node = doc.querySelector("[data-error-reason], .empty-subtitle");
        return node ? node.textContent.trim() : "";
      }
    } catch (e) {
      return "";
    }
    return "";
  }

  /** Shows an error toast (built with DOM methods: the texts are never parsed as HTML). */
  function toast(title, detail) {
    var box = region();
    if (!box) {
      return;
    }
    var alert = document.createElement("div");
    alert.className = "alert alert-danger alert-dismissible roots-toast";
    alert.setAttribute("role", "alert");
    alert.dataset.testid = "error-toast";
    var row = document.createElement("div");
    row.className = "d-flex align-items-start gap-2";
    var icon = document.createElement("i");
    icon.className = "ti ti-alert-circle alert-icon";
    icon.setAttribute("aria-hidden", "true");
    var body = document.createElement("div");
    var strong = document.createElement("div");
    strong.className = "fw-medium";
    strong.textContent = title;
    body.appendChild(strong);
    if (detail && detail !== title) {
      var small = document.createElement("div");
      small.className = "small";
      small.textContent = detail;
      body.appendChild(small);
    }
    row.appendChild(icon);
    row.appendChild(body);
    var close = document.createElement("button");
    close.type = "button";
    close.className = "btn-close";
    close.setAttribute("aria-label", text("close", "Close"));
    close.addEventListener("click", function () { alert.remove(); });
    alert.appendChild(row);
    alert.appendChild(close);
    // One toast per kind of failure at a time; the newest on top.
    Array.prototype.forEach.call(box.children, function (old) {
      if (old.textContent === alert.textContent) { old.remove(); }
    });
    box.insertBefore(alert, box.firstChild);
    window.setTimeout(function () { alert.remove(); }, 10000);
  }

  function failure(status, xhr) {
    if (status === 403) {
      toast(text("error403", "You may not do this"), reason(xhr));
    } else if (status === 404) {
      toast(text("error404", "Not found"), reason(xhr));
    } else if (status === 429) {
      toast(text("error429", "Too many requests; wait a moment and try again."));
    } else if (status >= 500) {
      toast(text("error5xx", "Something went wrong on our side"), text("error5xxDetail", ""));
    } else {
      toast(text("errorOther", "The request failed."), reason(xhr));
    }
  }

  document.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail.xhr;
    var status = xhr ? xhr.status : 0;
    if (status < 400) {
      return;
    }
    if (SWAP.indexOf(status) !== -1) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
      return;
    }
    // Handled here: the page is kept, the toast says why (and htmx logs no error of its own).
    event.detail.shouldSwap = false;
    event.detail.isError = false;
    failure(status, xhr);
  });

  document.addEventListener("htmx:sendError", function () {
    toast(text("errorNetwork", "The server could not be reached; check the connection and try again."));
  });
  document.addEventListener("htmx:timeout", function () {
    toast(text("errorNetwork", "The server could not be reached; check the connection and try again."));
  });

  window.RootsErrors = { toast: toast };
})();
