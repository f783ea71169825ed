/* The shell: which sidebar groups are open (remembered per browser), and the global
   search's keyboard navigation. A static file because the CSP allows no inline script. */
(function () {
  "use strict";

  var KEY = "roots.nav.open";

  function remembered() {
    try {
      return JSON.parse(window.localStorage.getItem(KEY) || "[]");
    } catch (e) {
      return [];
    }
  }

  function restoreGroups() {
    var open = remembered();
    document.querySelectorAll("details[data-nav-group]").forEach(function (group) {
      if (open.indexOf(group.dataset.navGroup) !== -1) {
        group.open = true;
      }
      group.addEventListener("toggle", function () {
        var now = remembered().filter(function (k) { return k !== group.dataset.navGroup; });
        if (group.open) {
          now.push(group.dataset.navGroup);
        }
        try {
          window.localStorage.setItem(KEY, JSON.stringify(now));
        } catch (e) { /* private mode: not remembered */ }
      });
    });
  }

  // Global search: arrow keys move through the grouped results, Enter opens one, Escape
  // closes the list; "/" anywhere outside a field focuses the box.
  function results() {
    return Array.prototype.slice.call(document.querySelectorAll("#global-search-results a.roots-search-hit"));
  }

  function move(step) {
    var hits = results();
    if (!hits.length) {
      return;
    }
    var current = hits.indexOf(document.activeElement);
    var next = current === -1 ? (step > 0 ? 0 : hits.length - 1) : current + step;
    if (next < 0 || next >= hits.length) {
      document.getElementById("global-search-input").focus();
      return;
    }
    hits[next].focus();
  }

  document.addEventListener("keydown", function (event) {
    var box = document.getElementById("global-search-input");
    if (!box) {
      return;
    }
    var inSearch = event.target === box || event.target.closest && event.target.closest("#global-search-results");
    if (inSearch && event.key === "ArrowDown") {
      event.preventDefault();
      move(1);
    } else if (inSearch && event.key === "ArrowUp") {
      event.preventDefault();
      move(-1);
    } else if (inSearch && event.key === "Escape") {
      document.getElementById("global-search-results").replaceChildren();
      box.focus();
    } else if (event.key === "/" && !/^(INPUT|TEXTAREA|SELECT)$/.test(event.target.tagName) &&
               !event.target.isContentEditable) {
      event.preventDefault();
      box.focus();
    }
  });

  document.addEventListener("click", function (event) {
    var panel = document.getElementById("global-search-results");
    if (panel && !event.target.closest(".roots-global-search")) {
      panel.replaceChildren();
    }
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", restoreGroups);
  } else {
    restoreGroups();
  }
})();
