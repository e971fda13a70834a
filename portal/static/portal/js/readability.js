/* The editor's readability panel follows their typing (portal/readability_report.py).
   After a pause in typing, the edit form as it stands is posted to the panel's data-url and
   the panel shows the report the server answers: the same grade the saved page would get.
   Nothing is saved. Loaded from a file, as the admin's Content-Security-Policy expects. */
(function () {
  "use strict";

  var PAUSE_MS = 800; // after the rich text editors have written their hidden inputs

  function follow(panel) {
    var form = panel.closest("form");
    var url = panel.getAttribute("data-url");
    if (!form || !url) {
      return;
    }
    var timer = null;
    var pending = null;

    function refresh() {
      if (pending) {
        pending.abort();
      }
      pending = new AbortController();
      var token = form.querySelector("input[name=csrfmiddlewaretoken]");
      fetch(url, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        headers: token ? { "X-CSRFToken": token.value } : {},
        signal: pending.signal,
      })
        .then(function (response) {
          // A refusal, or a redirect to the admin's home, leaves the last report in place.
          return response.ok && !response.redirected ? response.text() : null;
        })
        .then(function (html) {
          if (html !== null) {
            panel.innerHTML = html;
          }
        })
        .catch(function () {
          /* So does a request aborted by the next one, or a network failure. */
        });
    }

    function schedule() {
      window.clearTimeout(timer);
      timer = window.setTimeout(refresh, PAUSE_MS);
    }

    form.addEventListener("input", schedule);
    form.addEventListener("change", schedule);
  }

  function start() {
    document.querySelectorAll("[data-portal-readability]").forEach(follow);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
