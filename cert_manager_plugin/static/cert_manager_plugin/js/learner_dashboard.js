/* Learner dashboard: "Request certificate" POSTs to the REST self-generation endpoint with the CSRF token. */
(function () {
  "use strict";

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function show(text, kind) {
    var box = document.getElementById("cm-dashboard-message");
    box.textContent = text;
    box.className = "cm-message cm-message-" + kind;
    box.hidden = false;
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest(".cm-request");
    if (!button) { return; }
    button.disabled = true;
    fetch(button.getAttribute("data-url"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": csrfToken() }
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) { throw new Error(data.message || ("HTTP " + response.status)); }
        show("Your certificate has been issued.", "success");
        window.setTimeout(function () { window.location.reload(); }, 800);
      });
    }).catch(function (error) {
      button.disabled = false;
      show(error.message, "error");
    });
  });
}());
