/*
 * Learner dashboard: "Request certificate" POSTs to the REST self-generation endpoint with the CSRF token.
 * The button is only there when the request can succeed; if it is refused anyway (the grade changed in the
 * meantime), the API's reason is shown beside it. Words: Django's JavaScript catalog (cert_manager:jsi18n).
 */
(function () {
  "use strict";

  function gettext(msgid) {
    var django = window.django || {};
    return typeof django.gettext === "function" ? django.gettext(msgid) : msgid;
  }

  function csrfToken() {
    var input = document.querySelector(".cm-main input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function show(box, text, kind, detail) {
    box.textContent = text;
    if (detail) {
      var span = document.createElement("span");
      span.className = "cm-api-message";
      span.textContent = " " + detail;
      box.appendChild(span);
    }
    box.className = "cm-feedback cm-request-feedback cm-feedback-" + kind;
  }

  var list = document.getElementById("cm-learner-certificates");
  if (!list) { return; }
  list.addEventListener("click", function (event) {
    var button = event.target.closest(".cm-request");
    if (!button || button.getAttribute("aria-disabled") === "true") { return; }
    var box = button.closest(".cm-course-card").querySelector(".cm-request-feedback");
    button.setAttribute("aria-disabled", "true");
    button.setAttribute("aria-busy", "true");
    show(box, gettext("Requesting your certificate…"), "info");
    fetch(button.getAttribute("data-url"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": csrfToken() }
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) { throw new Error(data.message || String(response.status)); }
        show(box, gettext("Your certificate has been issued."), "success");
        window.setTimeout(function () { window.location.reload(); }, 800);
      });
    }).catch(function (error) {
      button.setAttribute("aria-disabled", "false");
      button.removeAttribute("aria-busy");
      show(box, gettext("Your certificate was not issued:"), "error", error.message);
    });
  });
}());
