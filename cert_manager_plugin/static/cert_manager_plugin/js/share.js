/*
 * A learner's share actions (templates/cert_manager_plugin/_share_actions.html): "Copy link" writes the public
 * verification link to the clipboard (navigator.clipboard); where the browser refuses or has no clipboard API, the
 * link is shown selected for the learner to copy, and the page's copy command is tried. The outcome is said in the
 * action's aria-live status. Words: Django's JavaScript catalog (cert_manager:jsi18n).
 */
(function () {
  "use strict";

  function gettext(msgid) {
    var django = window.django || {};
    return typeof django.gettext === "function" ? django.gettext(msgid) : msgid;
  }

  function fallback(box, status) {
    var holder = box.querySelector(".cm-share-fallback");
    var input = box.querySelector(".cm-share-url");
    holder.hidden = false;
    input.focus();
    input.select();
    var copied = false;
    try { copied = document.execCommand("copy"); } catch (e) { copied = false; }
    status.textContent = copied ? gettext("Link copied.") : gettext("Copy the selected link (Ctrl+C, or ⌘+C on a Mac).");
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest(".cm-copy-link") : null;
    if (!button) { return; }
    var box = button.closest(".cm-share");
    var status = box.querySelector(".cm-share-status");
    var url = button.getAttribute("data-url");
    status.textContent = "";
    if (!navigator.clipboard || typeof navigator.clipboard.writeText !== "function") {
      fallback(box, status);
      return;
    }
    navigator.clipboard.writeText(url).then(function () {
      status.textContent = gettext("Link copied.");
    }, function () {
      fallback(box, status);
    });
  });
}());
