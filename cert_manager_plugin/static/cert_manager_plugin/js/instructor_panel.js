/*
 * Instructor panel: drives REST API v1 (/api/cert_manager/v1/courses/<course_id>/...). No build step.
 *
 * - Works inside any page: everything it needs is under #cm-panel (its config in #cm-config); it never
 *   touches <body> or elements outside the panel.
 * - Every write sends the CSRF token (X-CSRFToken) with the session cookie.
 * - Every action that changes certificates asks first, in a dialog that says how many learners it touches
 *   (from the API's dry run) and what cannot be undone; its button is unavailable while its request runs.
 * - Feedback appears beside the action that caused it and replaces the previous one; an error always shows
 *   the API's own message.
 * - Words: Django's JavaScript catalog (cert_manager:jsi18n, loaded before this file) for the panel's own
 *   sentences; status, job, group and mode names come translated in the config (cert_manager_plugin.labels).
 *   Dates and numbers use the page's language (Intl).
 */
(function () {
  "use strict";

  var root = document.getElementById("cm-panel");
  var configNode = root ? root.querySelector("#cm-config") : null;
  if (!root || !configNode) { return; }
  var cfg = JSON.parse(configNode.textContent);
  var L = cfg.labels || {};
  var ACTIVE = { queued: true, running: true };
  var JOBS_PAGE_SIZE = 10;
  var CERTS_PAGE_SIZE = 25;

  // --- translations, dates and numbers (panel_kit.js: the catalog, Intl and the DOM helpers both scripts share)
  var kit = window.cmPanelKit;
  var gettext = kit.gettext;
  var ngettext = kit.ngettext;
  var fmt = kit.fmt;
  var h = kit.h;
  var clear = kit.clear;
  /* fmt into nodes: a value that is a DOM node (a <time>, a name) is placed as it is, the rest as text. */
  function fmtNodes(template, values) {
    var parts = [];
    var last = 0;
    template.replace(/%\((\w+)\)s/g, function (whole, key, at) {
      parts.push(template.slice(last, at));
      var value = Object.prototype.hasOwnProperty.call(values, key) ? values[key] : whole;
      parts.push(value && value.nodeType ? value : document.createTextNode(String(value)));
      last = at + whole.length;
      return whole;
    });
    parts.push(template.slice(last));
    return parts.map(function (part) { return typeof part === "string" ? document.createTextNode(part) : part; });
  }
  /* A CSV upload's report: each refused line in ``list``, and one sentence beside the form (``done(count)``). */
  function bulkReport(data, list, areaId, done) {
    var summary = data.summary || {};
    var errors = data.errors || [];
    errors.forEach(function (row) {
      list.appendChild(h("li", {}, [
        fmt(gettext("Line %(line)s (%(user)s):"), { line: number(row.line), user: row.user || "" }), " ",
        h("span", { className: "cm-api-message", text: row.message })
      ]));
    });
    list.hidden = !errors.length;
    var text = done(summary.added || 0);
    if (summary.failed) {
      text += " " + fmt(ngettext("%(count)s line refused (listed below).", "%(count)s lines refused (listed below).", summary.failed), {
        count: number(summary.failed)
      });
    }
    say(areaId, summary.failed ? "error" : "success", text);
  }
  function word(group, code) {
    var words = L[group] || {};
    if (code === null || code === undefined || code === "") { return ""; }
    return Object.prototype.hasOwnProperty.call(words, code) ? words[code] : fmt(gettext("Other (%(code)s)"), { code: code });
  }

  var formats = kit.formats(cfg.language || root.getAttribute("lang") || undefined);
  var intl = formats.intl;
  var number = formats.number;
  var time = formats.time;
  var percentFormat = intl(function (lang) {
    return new Intl.NumberFormat(lang, { style: "percent", maximumFractionDigits: 1 });
  });
  function percent(grade) { return grade === null || grade === undefined ? "" : percentFormat.format(grade); }
  function duration(job) {
    if (!job.started) { return ""; }
    var start = new Date(job.started).getTime();
    var end = job.finished ? new Date(job.finished).getTime() : Date.now();
    var seconds = Math.max(0, Math.round((end - start) / 1000));
    if (seconds < 60) { return fmt(gettext("%(seconds)s s"), { seconds: number(seconds) }); }
    return fmt(gettext("%(minutes)s min %(seconds)s s"), {
      minutes: number(Math.floor(seconds / 60)), seconds: number(seconds % 60)
    });
  }

  // --- DOM helpers (everything built with text nodes, kit.h: no user data ever becomes markup) -------------
  function $(id) { return root.querySelector("#" + id); }
  function learnerName(row) {
    var name = row.name || "";
    var username = row.username || "";
    return name && name !== username ? fmt(gettext("%(name)s (%(username)s)"), { name: name, username: username }) : username;
  }

  /*
   * Narrow screens show table rows as stacked blocks: each cell gets its column's header as data-label (shown
   * before it) and its content in one wrapper, so label and value stay side by side. Action cells need no label.
   */
  function labelCells(tbody) {
    var headers = Array.prototype.map.call(tbody.parentNode.querySelectorAll("thead th"), function (th) {
      return th.getAttribute("data-label") || th.textContent.trim();  // data-label: a header holding a sort button
    });
    Array.prototype.forEach.call(tbody.rows, function (row) {
      Array.prototype.forEach.call(row.cells, function (cell, index) {
        if (cell.colSpan !== 1 || cell.getAttribute("data-labelled")) { return; }
        cell.setAttribute("data-labelled", "true");
        if (!cell.textContent.trim() && !cell.querySelector("progress, time, a, button")) {
          cell.classList.add("cm-empty-cell");
        }
        if (cell.classList.contains("cm-row-actions")) { return; }
        if (headers[index]) { cell.setAttribute("data-label", headers[index]); }
        var value = h("div", { className: "cm-cell" });
        while (cell.firstChild) { value.appendChild(cell.firstChild); }
        cell.appendChild(value);
      });
    });
  }
  function fillTable(tbody, rows, emptyText, columns) {
    clear(tbody);
    if (!rows.length) {
      tbody.appendChild(h("tr", { className: "cm-empty" }, [h("td", { colspan: String(columns), text: emptyText })]));
      return;
    }
    rows.forEach(function (row) { tbody.appendChild(row); });
    labelCells(tbody);
  }

  // --- requests -----------------------------------------------------------------------------------------
  function csrfToken() {
    var input = root.querySelector("input[name=csrfmiddlewaretoken]");
    if (input && input.value) { return input.value; }
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function api(method, path, body) {
    var options = {
      method: method,
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": csrfToken() }
    };
    if (body instanceof FormData) {
      options.body = body;
    } else if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    var url = path.indexOf("/") === 0 ? path : cfg.api + path;
    return fetch(url, options).then(function (response) {
      return response.text().then(function (raw) {
        var data = null;
        try { data = raw ? JSON.parse(raw) : null; } catch (e) { data = null; }
        if (!response.ok) {
          var error = new Error((data && (data.message || data.detail)) || String(response.status));
          error.status = response.status;
          error.data = data || {};
          throw error;
        }
        return data;
      });
    }, function () {
      var error = new Error("network");
      error.network = true;
      error.data = {};
      throw error;
    });
  }

  /* The API's own words for an error: its message and every field error (the reason, e.g. an empty file). */
  function apiMessage(error) {
    if (error.network) { return gettext("The server could not be reached. Check the connection and try again."); }
    var data = error.data || {};
    var parts = [];
    if (data.message || data.detail) { parts.push(String(data.message || data.detail)); }
    var fields = data.field_errors || {};
    Object.keys(fields).forEach(function (name) {
      [].concat(fields[name]).forEach(function (text) {
        if (parts.indexOf(String(text)) < 0) { parts.push(String(text)); }
      });
    });
    if (!parts.length) { parts.push(fmt(gettext("The server answered with status %(status)s."), { status: error.status })); }
    return parts.join(" ");
  }

  // --- feedback beside the action ------------------------------------------------------------------------
  function say(areaId, kind, text, detail, extra) {
    Array.prototype.forEach.call(root.querySelectorAll(".cm-feedback"), function (box) {
      box.removeAttribute("data-job");
      if (box.id !== areaId) { clear(box); box.className = "cm-feedback"; }
    });
    var area = $(areaId);
    if (!area) { return; }
    clear(area);
    if (!text && !detail && !extra) { area.className = "cm-feedback"; return; }
    area.className = "cm-feedback cm-feedback-" + kind;
    area.appendChild(h("span", { className: "cm-feedback-text", text: text }));
    if (detail) {
      area.appendChild(document.createTextNode(" "));
      area.appendChild(h("span", { className: "cm-api-message", text: detail }));
    }
    if (extra) { area.appendChild(extra); }
  }
  /* "Job N started", tied to the job: when it ends, jobFinished replaces it (messages say the current state). */
  function sayStarted(areaId, job) {
    say(areaId, "success", fmt(gettext("Job %(id)s started: %(kind)s."), { id: job.id, kind: word("kinds", job.kind) }));
    var area = $(areaId);
    if (area) { area.setAttribute("data-job", String(job.id)); }
  }
  function failed(areaId, lead) {
    return function (error) {
      say(areaId, "error", lead, apiMessage(error));
      if ((error.data || {}).code === "job_already_running") { watchJobsSoon(); }
    };
  }

  /* A button is unavailable while its request runs (aria-disabled keeps keyboard focus on it). */
  var jobLocked = false;
  function refreshButton(button) {
    var off = button.getAttribute("data-busy") === "true" ||
      (jobLocked && button.classList.contains("cm-job-button"));
    button.setAttribute("aria-disabled", off ? "true" : "false");
  }
  function unavailable(button) { return !button || button.getAttribute("aria-disabled") === "true"; }
  function busy(button, work) {
    if (unavailable(button)) { return Promise.resolve(); }
    button.setAttribute("data-busy", "true");
    button.setAttribute("aria-busy", "true");
    refreshButton(button);
    return Promise.resolve().then(work).catch(function () { return null; }).then(function (value) {
      button.removeAttribute("data-busy");
      button.removeAttribute("aria-busy");
      refreshButton(button);
      return value;
    });
  }
  function onClick(id, handler) {
    var button = $(id);
    if (!button) { return; }
    button.addEventListener("click", function (event) {
      event.preventDefault();
      if (unavailable(button)) { return; }
      busy(button, function () { return handler(button); });
    });
  }
  function setJobLock(locked) {
    jobLocked = locked;
    Array.prototype.forEach.call(root.querySelectorAll(".cm-job-button"), refreshButton);
    var note = $("cm-job-lock");
    if (note) { note.hidden = !locked; }
  }

  // --- the confirmation dialog ---------------------------------------------------------------------------
  var dialog = $("cm-confirm");
  var dialogResolve = null;
  var dialogOpener = null;

  function paragraph(text, className) { return h("p", { className: className || null, text: text }); }

  /*
   * confirmAction({title, body: [nodes or strings], confirm, dismiss, danger, typed: {expected, label}})
   *   -> Promise<bool>: true when confirmed (Cancel, Escape or the dismiss button: false).
   */
  function confirmAction(options) {
    var body = $("cm-confirm-body");
    clear(body);
    (options.body || []).forEach(function (part) {
      body.appendChild(typeof part === "string" ? paragraph(part) : part);
    });
    $("cm-confirm-title").textContent = options.title;
    $("cm-confirm-cancel").textContent = options.dismiss || gettext("Cancel");
    var ok = $("cm-confirm-ok");
    ok.textContent = options.confirm;
    ok.className = "cm-button" + (options.danger ? " cm-danger" : "");
    var typedBox = $("cm-confirm-typed");
    var input = $("cm-confirm-input");
    input.value = "";
    typedBox.hidden = !options.typed;
    ok.disabled = !!options.typed;
    if (options.typed) { $("cm-confirm-input-label").textContent = options.typed.label; }
    dialog.setAttribute("data-expected", options.typed ? options.typed.expected : "");
    dialogOpener = document.activeElement;
    dialog.returnValue = "";
    return new Promise(function (resolve) {
      dialogResolve = resolve;
      if (typeof dialog.showModal === "function") {
        dialog.showModal();
      } else {
        dialog.setAttribute("open", "");
      }
      (options.typed ? input : $("cm-confirm-cancel")).focus();
    });
  }
  function closeDialog(confirmed) {
    if (typeof dialog.close === "function" && dialog.open) { dialog.close(confirmed ? "confirm" : "cancel"); } else { dialog.removeAttribute("open"); finishDialog(); }
  }
  function finishDialog() {
    var resolve = dialogResolve;
    dialogResolve = null;
    if (dialogOpener && typeof dialogOpener.focus === "function" && root.contains(dialogOpener)) { dialogOpener.focus(); }
    if (resolve) { resolve(dialog.returnValue === "confirm"); }
  }
  $("cm-confirm-input").addEventListener("input", function () {
    $("cm-confirm-ok").disabled = this.value.trim() !== dialog.getAttribute("data-expected");
  });
  $("cm-confirm-cancel").addEventListener("click", function () { closeDialog(false); });
  $("cm-confirm-form").addEventListener("submit", function (event) {
    event.preventDefault();
    if ($("cm-confirm-ok").disabled) { return; }
    closeDialog(true);
  });
  dialog.addEventListener("close", finishDialog);
  // Tab cycles inside the dialog (a modal <dialog> makes the page inert but lets focus leave for the browser).
  dialog.addEventListener("keydown", function (event) {
    if (event.key !== "Tab") { return; }
    var items = Array.prototype.filter.call(dialog.querySelectorAll("button, input"), function (item) {
      return !item.disabled && item.offsetParent !== null;
    });
    if (!items.length) { return; }
    var first = items[0];
    var last = items[items.length - 1];
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  });
  dialog.addEventListener("cancel", function () { dialog.returnValue = "cancel"; });

  // --- dry runs: how many learners a job touches ----------------------------------------------------------
  function transitionWords(key) {
    var parts = String(key).split("->");
    var before = parts[0] === "new" ? (L.noCertificate || {}).new || gettext("No certificate") : word("statuses", parts[0]);
    return fmt(gettext("%(before)s → %(after)s"), { before: before, after: word("statuses", parts[1]) });
  }
  /* The learners one transition would change: the first names the API sends, then "and N more" (a localized list). */
  var listFormat = intl(function (lang) {
    return typeof Intl.ListFormat === "function" ? new Intl.ListFormat(lang, { style: "long", type: "conjunction" }) : null;
  });
  function dryRunNames(group) {
    if (!group || !group.learners || !group.learners.length) { return null; }
    var names = group.learners.map(learnerName);
    var more = group.count - names.length;
    if (more > 0) {
      names.push(fmt(ngettext("%(count)s more learner", "%(count)s more learners", more), { count: number(more) }));
    }
    var text = listFormat ? listFormat.format(names) : names.join(", ");
    return h("p", { className: "cm-learner-names", "data-more": String(Math.max(more, 0)), text: text });
  }
  function dryRunParts(data) {
    var parts = [paragraph(fmt(ngettext(
      "This job checks %(total)s learner.", "This job checks %(total)s learners.", data.total
    ), { total: number(data.total) }))];
    if (!data.would_change) {
      parts.push(paragraph(gettext("No certificate would change: everyone already has the certificate their grade earns.")));
      return parts;
    }
    parts.push(paragraph(fmt(ngettext(
      "%(count)s certificate would change:", "%(count)s certificates would change:", data.would_change
    ), { count: number(data.would_change) }), "cm-strong"));
    var list = h("ul", { className: "cm-transitions" });
    Object.keys(data.transitions || {}).forEach(function (key) {
      list.appendChild(h("li", {}, [fmt(gettext("%(change)s: %(count)s"), {
        change: transitionWords(key), count: number(data.transitions[key])
      }), dryRunNames((data.learners || {})[key])]));
    });
    parts.push(list);
    parts.push(paragraph(gettext("This cannot be undone with one click: each change is kept in the certificate's history, and learners whose certificate is issued or revoked may be emailed.")));
    return parts;
  }

  /* Dry run, confirm with its numbers, then start the job: one job per confirmed click. */
  function runJob(body, title, confirmLabel) {
    say("cm-feedback-generate", "info", gettext("Counting the learners this job touches…"));
    return api("POST", "jobs", Object.assign({ dry_run: true }, body)).then(function (preview) {
      say("cm-feedback-generate", "info", "");
      return confirmAction({ title: title, body: dryRunParts(preview), confirm: confirmLabel }).then(function (yes) {
        if (!yes) {
          say("cm-feedback-generate", "info", gettext("Nothing was started."));
          return null;
        }
        return startingJob(function () { return api("POST", "jobs", body); }).then(function (job) {
          sayStarted("cm-feedback-generate", job);
          trackJob(job, "cm-generate-progress");
          return job;
        });
      });
    }).catch(failed("cm-feedback-generate", gettext("The job was not started.")));
  }

  // --- learner requests (self-generation) -----------------------------------------------------------------
  var selfGeneration = $("cm-self-generation");
  function showSelfGeneration(enabled) {
    selfGeneration.checked = !!enabled;
    $("cm-self-generation-state").textContent = enabled ?
      gettext("On: learners who qualify can request their certificate.") :
      gettext("Off: learners get their certificate when it is issued or generated.");
  }
  var settingsBusy = false;
  selfGeneration.addEventListener("change", function () {
    if (settingsBusy) { selfGeneration.checked = !selfGeneration.checked; return; }
    var enabled = selfGeneration.checked;
    settingsBusy = true;
    selfGeneration.setAttribute("aria-busy", "true");
    api("PATCH", "settings", { self_generation_enabled: enabled }).then(function (data) {
      showSelfGeneration(data.self_generation_enabled);
      say("cm-feedback-settings", "success", data.self_generation_enabled ?
        gettext("Learner requests are on.") : gettext("Learner requests are off."));
    }).catch(function (error) {
      showSelfGeneration(!enabled);
      say("cm-feedback-settings", "error", gettext("The setting was not changed."), apiMessage(error));
    }).then(function () {
      settingsBusy = false;
      selfGeneration.removeAttribute("aria-busy");
    });
  });

  // --- course policies ------------------------------------------------------------------------------------
  function fillPolicies(data) {
    Array.prototype.forEach.call(root.querySelectorAll("input[name=cm-issue-policy]"), function (input) {
      input.checked = input.value === data.issue_policy;
    });
    $("cm-revoke-on-grade-drop").checked = !!data.revoke_on_grade_drop;
    var modes = data.eligible_modes || [];
    Array.prototype.forEach.call(root.querySelectorAll("input[name=cm-mode]"), function (input) {
      input.checked = modes.indexOf(input.value) >= 0;
    });
    $("cm-print-grade").checked = !!data.print_grade;
  }
  function policyChanges() {
    var policy = root.querySelector("input[name=cm-issue-policy]:checked");
    return {
      issue_policy: policy ? policy.value : "on_pass",
      revoke_on_grade_drop: $("cm-revoke-on-grade-drop").checked,
      eligible_modes: Array.prototype.filter.call(root.querySelectorAll("input[name=cm-mode]"), function (input) {
        return input.checked;
      }).map(function (input) { return input.value; }),
      print_grade: $("cm-print-grade").checked
    };
  }
  /* What a policy change changes, in words: one sentence per policy that differs. */
  function policyDiffWords(from, to) {
    var words = [];
    var modeNames = function (modes) { return modes.map(function (mode) { return word("modes", mode); }).join(", "); };
    if (from.issue_policy !== to.issue_policy) {
      words.push(fmt(gettext("Certificates are issued: %(policy)s."), { policy: word("issuePolicies", to.issue_policy) }));
    }
    if (from.revoke_on_grade_drop !== to.revoke_on_grade_drop) {
      words.push(to.revoke_on_grade_drop ?
        gettext("A certificate is revoked when the learner's grade drops below passing.") :
        gettext("A certificate is kept when the learner's grade drops below passing."));
    }
    var added = to.eligible_modes.filter(function (mode) { return from.eligible_modes.indexOf(mode) < 0; });
    var removed = from.eligible_modes.filter(function (mode) { return to.eligible_modes.indexOf(mode) < 0; });
    if (added.length) { words.push(fmt(gettext("Now earn a certificate: %(modes)s."), { modes: modeNames(added) })); }
    if (removed.length) { words.push(fmt(gettext("No longer earn a certificate: %(modes)s."), { modes: modeNames(removed) })); }
    if (from.print_grade !== to.print_grade) {
      words.push(to.print_grade ? gettext("The grade is printed on certificates.") : gettext("The grade is no longer printed on certificates."));
    }
    return words;
  }
  /* The impact of proposed policies, from the preview (nothing saved yet): the policies, then the certificates. */
  function policyImpactParts(preview, undoing) {
    var parts = [paragraph(gettext("What changes in the policies:"), "cm-strong")];
    var changes = h("ul", { className: "cm-transitions cm-policy-changes" });
    policyDiffWords(preview.current, preview.proposed).forEach(function (text) { changes.appendChild(h("li", { text: text })); });
    parts.push(changes);
    if (!preview.would_change) {
      parts.push(paragraph(gettext("No existing certificate changes: the policies apply to grades from now on.")));
    } else {
      parts.push(paragraph(fmt(ngettext(
        "%(count)s existing certificate changes at once:", "%(count)s existing certificates change at once:", preview.would_change
      ), { count: number(preview.would_change) }), "cm-strong"));
      var list = h("ul", { className: "cm-transitions cm-policy-impact" });
      (preview.by_mode || []).forEach(function (item) {
        list.appendChild(h("li", { "data-transition": item.before + "->" + item.after, "data-mode": item.mode, text: fmt(gettext("%(change)s, %(mode)s: %(count)s"), {
          change: transitionWords(item.before + "->" + item.after), mode: word("modes", item.mode) || gettext("No mode"), count: number(item.count)
        }) }));
      });
      parts.push(list);
      parts.push(paragraph(gettext("Each change is a new revision of the same certificate: its link stays the same. Learners whose certificate is issued or revoked may be emailed.")));
    }
    parts.push(paragraph(undoing ?
      gettext("An undo cannot be undone in turn: to go back, change the policies again.") :
      gettext("Until the policies change again, you can undo this: the previous policies come back and are applied the same way.")));
    return parts;
  }
  /* A policy change (or its undo) started: say so beside the form, then what it did when its job ends. */
  function policyJobStarted(job, undoing) {
    fillPolicies(job.params.policies.after);
    if ($("cm-policies-undo")) { $("cm-policies-undo").hidden = true; }
    say("cm-feedback-policies", "info", undoing ?
      gettext("The previous policies are saved again. Applying them to existing certificates…") :
      gettext("Policies saved. Applying them to existing certificates…"));
    (whenDone[job.id] = whenDone[job.id] || []).push(function (finished) {
      if (finished.state === "succeeded") {
        say("cm-feedback-policies", "success", fmt(ngettext(
          "Applied to existing certificates: %(count)s certificate changed.",
          "Applied to existing certificates: %(count)s certificates changed.", finished.changed
        ), { count: number(finished.changed) }));
      } else {
        say("cm-feedback-policies", "error", fmt(gettext("The policies are saved, but applying them did not finish: %(state)s. %(result)s"), {
          state: word("states", finished.state), result: jobCounts(finished)
        }));
      }
      loadUndo();
    });
    trackJob(job, null);
  }
  $("cm-policies-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var button = $("cm-policies-save");
    if (!cfg.canManage || unavailable(button)) { return; }
    busy(button, function () {
      var proposed = policyChanges();
      say("cm-feedback-policies", "info", gettext("Counting what these policies would change…"));
      return api("POST", "settings/preview", proposed).then(function (preview) {
        if (!preview.changed.length) {
          say("cm-feedback-policies", "info", gettext("Nothing to save: these are the policies in force."));
          return null;
        }
        say("cm-feedback-policies", "info", "");
        return confirmAction({
          title: gettext("Save these policies and apply them to existing certificates?"),
          body: policyImpactParts(preview, false),
          confirm: gettext("Save and apply")
        }).then(function (yes) {
          if (!yes) {
            say("cm-feedback-policies", "info", gettext("Nothing was saved."));
            return null;
          }
          return startingJob(function () { return api("POST", "settings/apply", proposed); })
            .then(function (job) { policyJobStarted(job, false); });
        });
      }).catch(failed("cm-feedback-policies", gettext("The policies were not saved.")));
    });
  });

  var lastPolicyChange = null;
  function loadUndo() {
    var box = $("cm-policies-undo");
    if (!box) { return Promise.resolve(); }
    return api("GET", "settings/undo").then(function (data) {
      lastPolicyChange = data.can_undo ? data : null;
      box.hidden = !lastPolicyChange;
      if (!lastPolicyChange) { return; }
      var text = $("cm-policies-undo-text");
      clear(text);
      fmtNodes(gettext("Last policy change, by %(user)s on %(date)s: %(changes)s Undoing it puts the previous policies back and applies them to existing certificates; you see what that changes before anything happens."), {
        user: data.job.requested_by || gettext("System"), date: time(data.job.finished) || "",
        changes: policyDiffWords(data.restores, data.applied).join(" ")
      }).forEach(function (node) { text.appendChild(node); });
    }).catch(failed("cm-feedback-policies", gettext("The last policy change could not be read.")));
  }
  onClick("cm-policies-undo-button", function () {
    var last = lastPolicyChange;
    if (!last) { return null; }
    say("cm-feedback-policies", "info", gettext("Counting what undoing the last change would change…"));
    return api("POST", "settings/preview", last.restores).then(function (preview) {
      say("cm-feedback-policies", "info", "");
      return confirmAction({
        title: gettext("Undo the last policy change?"),
        body: policyImpactParts(preview, true),
        confirm: gettext("Undo the change")
      }).then(function (yes) {
        if (!yes) {
          say("cm-feedback-policies", "info", gettext("Nothing was changed."));
          return null;
        }
        return startingJob(function () { return api("POST", "settings/undo", { job: last.job.id }); })
          .then(function (job) { policyJobStarted(job, true); });
      });
    }).catch(failed("cm-feedback-policies", gettext("The change was not undone.")));
  });

  // --- verifiable credentials: how long a credential stays valid (GET/PATCH credentials/settings) ----------
  var credentialDays = $("cm-credential-days");
  function showCredentialDays(days) {
    credentialDays.value = days === null || days === undefined ? "" : String(days);
    $("cm-credential-days-state").textContent = days ?
      fmt(ngettext("Credentials expire %(days)s day after the certificate was issued.",
        "Credentials expire %(days)s days after the certificate was issued.", days), { days: number(days) }) :
      gettext("Credentials never expire (no expiry).");
  }
  /* The API's reason beside the field (aria-invalid and aria-describedby tie it to the input); none: cleared. */
  function credentialDaysError(text) {
    var box = $("cm-credential-days-error");
    box.textContent = text || "";
    box.hidden = !text;
    if (text) { credentialDays.setAttribute("aria-invalid", "true"); } else { credentialDays.removeAttribute("aria-invalid"); }
  }
  function loadCredentialSettings() {
    if (!credentialDays) { return Promise.resolve(); }
    return api("GET", "credentials/settings").then(function (data) {
      showCredentialDays(data.valid_for_days);
    }).catch(failed("cm-feedback-credentials", gettext("The credential expiry could not be loaded.")));
  }
  if ($("cm-credentials-form")) {
    $("cm-credentials-form").addEventListener("submit", function (event) {
      event.preventDefault();
      var button = $("cm-credentials-save");
      if (!cfg.canManage || !button) { return; }
      busy(button, function () {
        var typed = credentialDays.value.trim();
        // Sent as typed: the API says what is wrong with it (0, a negative number, too many days, letters).
        return api("PATCH", "credentials/settings", { valid_for_days: typed === "" ? null : typed }).then(function (data) {
          credentialDaysError("");
          showCredentialDays(data.valid_for_days);
          say("cm-feedback-credentials", "success", data.valid_for_days ?
            fmt(ngettext("Saved: credentials issued from now on expire %(days)s day after the certificate was issued.",
              "Saved: credentials issued from now on expire %(days)s days after the certificate was issued.", data.valid_for_days),
            { days: number(data.valid_for_days) }) :
            gettext("Saved: credentials issued from now on never expire."));
        }).catch(function (error) {
          var reasons = ((error.data || {}).field_errors || {}).valid_for_days;
          credentialDaysError(reasons ? [].concat(reasons).join(" ") : "");
          say("cm-feedback-credentials", "error", gettext("The expiry was not changed."), reasons ? "" : apiMessage(error));
          credentialDays.focus();
        });
      });
    });
  }

  function loadSettings() {
    loadUndo();
    loadCredentialSettings();
    return api("GET", "settings").then(function (data) {
      showSelfGeneration(data.self_generation_enabled);
      fillPolicies(data);
    }).catch(failed("cm-feedback-settings", gettext("The settings could not be loaded.")));
  }

  // --- jobs: start, progress, history -------------------------------------------------------------------
  var tracked = {};   // job id -> progress box id (or null)
  var polling = {};
  var jobsPage = 1;

  /* What a job did, in words with its scope: the learner's name for a one-learner job, never a code. */
  function jobWhat(job) {
    var params = job.params || {};
    var text = word("kinds", job.kind);
    if (job.kind === "delete") {
      if (params.scope === "all") { return gettext("Delete all certificates of the course"); }
      return job.learner ?
        fmt(gettext("Delete the certificate of %(learner)s"), { learner: learnerName(job.learner) }) :
        gettext("Delete the certificate of one learner");
    }
    if (params.policies) {
      return params.undo_of ? gettext("Undo the last course policy change") : gettext("Apply the course policies to existing certificates");
    }
    if (params.statuses && params.statuses.length) {
      var byStatus = {};
      (cfg.groups || []).forEach(function (group) { byStatus[group.status] = group.label; });
      text = fmt(gettext("%(kind)s: %(groups)s"), {
        kind: text,
        groups: params.statuses.map(function (status) { return byStatus[status] || word("statuses", status); }).join(", ")
      });
    } else if (params.scope) {
      text = fmt(gettext("%(kind)s: %(scope)s"), { kind: text, scope: word("scopes", params.scope) });
    }
    return text;
  }
  function jobCounts(job) {
    if (job.kind === "delete") {
      var deleted = (job.result || {}).deleted;
      if (deleted === undefined) { deleted = job.changed || 0; }
      return fmt(ngettext("%(count)s certificate deleted", "%(count)s certificates deleted", deleted), { count: number(deleted) });
    }
    if (job.kind === "export") {
      var result = job.result || {};
      if (result.count === undefined) { return ""; }
      return fmt(ngettext("%(count)s certificate", "%(count)s certificates", result.count), { count: number(result.count) });
    }
    return fmt(gettext("%(changed)s changed, %(skipped)s left as they were, %(failed)s failed"), {
      changed: number(job.changed), skipped: number(job.skipped), failed: number(job.failed)
    });
  }
  function progressBar(job, labelId) {
    var pct = Math.round((job.progress || 0) * 100);
    return h("progress", {
      max: "100", value: String(pct), "aria-labelledby": labelId,
      "aria-valuetext": fmt(gettext("%(processed)s of %(total)s learners"), {
        processed: number(job.processed), total: number(job.total)
      })
    });
  }
  function progressText(job) {
    if (job.kind === "export" && !job.total) { return word("states", job.state); }
    return fmt(gettext("%(processed)s of %(total)s"), { processed: number(job.processed), total: number(job.total) });
  }
  function jobRow(job) {
    var action = null;
    if (ACTIVE[job.state] && cfg.canManage) {
      action = h("button", {
        type: "button", className: "cm-button cm-secondary cm-cancel", "data-job": String(job.id),
        "aria-label": fmt(gettext("Cancel job %(id)s"), { id: job.id })
      }, [gettext("Cancel")]);
    } else if (job.download_url) {
      action = h("a", {
        className: "cm-link cm-download", href: job.download_url,
        "aria-label": fmt(gettext("Download the file of job %(id)s"), { id: job.id })
      }, [gettext("Download")]);
    }
    var labelId = "cm-job-" + job.id + "-label";
    var result = jobCounts(job);
    return h("tr", { id: "cm-job-" + job.id, "data-state": job.state, "data-kind": job.kind }, [
      h("td", { id: labelId }, [fmt(gettext("Job %(id)s"), { id: job.id })]),
      h("td", {}, [jobWhat(job)]),
      h("td", {}, [job.requested_by || gettext("System")]),
      h("td", {}, [time(job.started || job.created) || ""]),
      h("td", {}, [duration(job)]),
      h("td", { className: "cm-job-state" }, [h("span", { className: "cm-state-chip cm-state-" + job.state, text: word("states", job.state) })]),
      h("td", { className: "cm-job-progress" }, [progressBar(job, labelId), " ", h("span", { text: progressText(job) })]),
      h("td", {}, [result, job.error ? h("span", { className: "cm-api-message cm-job-error", text: " " + job.error }) : null]),
      h("td", { className: "cm-row-actions" }, [action])
    ]);
  }
  function renderJob(job) {
    var existing = $("cm-job-" + job.id);
    var body = $("cm-jobs-body");
    if (existing) {
      // Patched in place, cell by cell: a Cancel button someone is focused on stays where it is.
      var fresh = jobRow(job);
      existing.setAttribute("data-state", job.state);
      Array.prototype.slice.call(fresh.cells).forEach(function (cell, index) {
        var old = existing.cells[index];
        if (!old) { existing.appendChild(cell); return; }
        if (cell.classList.contains("cm-row-actions") && old.innerHTML === cell.innerHTML) { return; }
        existing.replaceChild(cell, old);
      });
      labelCells(body);
    } else if (jobsPage === 1) {
      var empty = body.querySelector(".cm-empty");
      if (empty) { clear(body); }
      body.insertBefore(jobRow(job), body.firstChild);
      while (body.rows.length > JOBS_PAGE_SIZE) { body.deleteRow(body.rows.length - 1); }
      labelCells(body);
    }
    var boxId = tracked[job.id];
    if (boxId) { showProgress(job, boxId); }
  }
  function showProgress(job, boxId) {
    var box = $(boxId);
    if (!box) { return; }
    clear(box);
    box.hidden = false;
    var labelId = boxId + "-label";
    var text = ACTIVE[job.state] ?
      fmt(gettext("%(kind)s (job %(id)s): %(state)s, %(progress)s learners."), {
        kind: word("kinds", job.kind), id: job.id, state: word("states", job.state), progress: progressText(job)
      }) : jobOutcome(job);
    box.appendChild(h("p", { id: labelId, text: text }));
    box.appendChild(progressBar(job, labelId));
  }
  function jobOutcome(job) {
    return fmt(gettext("%(kind)s (job %(id)s): %(state)s. %(result)s"), {
      kind: word("kinds", job.kind), id: job.id, state: word("states", job.state), result: jobCounts(job)
    });
  }
  /* A "Job N started" message still showing is replaced: by nothing when the job's progress box tells its end. */
  function replaceStarted(job) {
    Array.prototype.forEach.call(root.querySelectorAll(".cm-feedback[data-job]"), function (box) {
      if (box.getAttribute("data-job") !== String(job.id)) { return; }
      if (tracked[job.id]) { say(box.id, "info", ""); return; }
      say(box.id, job.state === "succeeded" ? "success" : "error", jobOutcome(job));
    });
  }
  function trackJob(job, boxId) {
    tracked[job.id] = boxId;
    if (jobsPage !== 1) { loadJobs(1); } else { renderJob(job); }
    if (ACTIVE[job.state]) {
      setJobLock(true);
      poll(job.id);
    } else {
      jobFinished(job);
    }
  }
  var whenDone = {};
  function poll(id) {
    if (polling[id]) { return; }
    polling[id] = true;
    var tick = function () {
      api("GET", "jobs/" + id).then(function (job) {
        renderJob(job);
        if (ACTIVE[job.state]) { window.setTimeout(tick, document.hidden ? 5000 : 1000); return; }  // hidden: slower
        polling[id] = false;
        jobFinished(job);
      }).catch(function (error) {
        polling[id] = false;
        say("cm-feedback-jobs", "error", gettext("The job's progress could not be read."), apiMessage(error));
      });
    };
    window.setTimeout(tick, 700);
  }
  function jobFinished(job) {
    var waiting = Object.keys(polling).some(function (key) { return polling[key]; });
    if (!waiting) { setJobLock(false); }
    replaceStarted(job);
    (whenDone[job.id] || []).forEach(function (callback) { callback(job); });
    delete whenDone[job.id];
    if (job.kind !== "export") {
      loadCertificates();
      loadExceptions();
      loadInvalidations();
    }
  }
  function loadJobs(page) {
    jobsPage = page || jobsPage;
    listCsv("jobs", "jobs");
    return api("GET", "jobs?page_size=" + JOBS_PAGE_SIZE + "&page=" + jobsPage + listSearch("jobs")).then(function (data) {
      fillTable($("cm-jobs-body"), data.results.map(jobRow), gettext("No job yet."), 9);
      $("cm-jobs-page-info").textContent = data.count ? fmt(gettext("Page %(page)s of %(pages)s (%(count)s jobs)"), {
        page: number(data.current_page), pages: number(data.num_pages), count: number(data.count)
      }) : "";
      $("cm-jobs-prev").disabled = !data.previous;
      $("cm-jobs-next").disabled = !data.next;
      var active = data.results.filter(function (job) { return ACTIVE[job.state]; });
      active.forEach(function (job) {
        if (tracked[job.id] === undefined) { tracked[job.id] = progressBoxFor(job); }  // running when the page opened
        poll(job.id);
      });
      if (jobsPage === 1) { setJobLock(active.length > 0 || Object.keys(polling).some(function (k) { return polling[k]; })); }
    }).catch(failed("cm-feedback-jobs", gettext("The history could not be loaded.")));
  }
  $("cm-jobs-prev").addEventListener("click", function () { loadJobs(Math.max(1, jobsPage - 1)); });
  $("cm-jobs-next").addEventListener("click", function () { loadJobs(jobsPage + 1); });
  $("cm-jobs-body").addEventListener("click", function (event) {
    var button = event.target.closest(".cm-cancel");
    if (!button || unavailable(button)) { return; }
    var id = button.getAttribute("data-job");
    busy(button, function () {
      return confirmAction({
        title: fmt(gettext("Cancel job %(id)s?"), { id: id }),
        body: [gettext("The job stops after the batch it is working on. Certificates it has already changed stay changed; the others are left as they are.")],
        confirm: gettext("Cancel the job"),
        dismiss: gettext("Keep it running"),
        danger: true
      }).then(function (yes) {
        if (!yes) { return null; }
        return api("DELETE", "jobs/" + id).then(function (job) {
          renderJob(job);
          say("cm-feedback-jobs", "success", fmt(gettext("Job %(id)s cancelled."), { id: job.id }));
        });
      }).catch(failed("cm-feedback-jobs", gettext("The job was not cancelled.")));
    });
  });

  // --- live job state: every open panel of the course learns of a job, whoever started it --------------------
  /*
   * A light poll of jobs?state=active (a constant two queries): every WATCH_MIN ms, slowing to WATCH_MAX while
   * nothing runs, stopped while the page is hidden and resumed at once when it shows again. A job found is tracked
   * as if this panel had started it (trackJob: job buttons locked, progress shown, lists refreshed when it ends),
   * and said politely in the history's live area. One timer per panel; jobs already polled are not polled twice.
   */
  var WATCH_MIN = 4000;
  var WATCH_MAX = 20000;
  var watchDelay = WATCH_MIN;
  var watchTimer = null;
  var watchBusy = false;
  /*
   * Jobs this panel starts: counted when the request leaves and while it is out. A watch answer that crossed one
   * is not used (it may show this panel's own job before the panel knows its id); the next look decides.
   */
  var jobStarts = 0;
  var startsOut = 0;
  function startingJob(request) {
    jobStarts += 1;
    startsOut += 1;
    return request().then(function (job) { startsOut -= 1; return job; }, function (error) {
      startsOut -= 1;
      throw error;
    });
  }
  function anyPolling() { return Object.keys(polling).some(function (key) { return polling[key]; }); }
  function progressBoxFor(job) {
    if (job.kind === "export" && $("cm-export-progress")) { return "cm-export-progress"; }
    return $("cm-generate-progress") && job.kind !== "export" ? "cm-generate-progress" : null;
  }
  /* Says a job in the history's live area, without clearing the messages beside other actions. */
  function announceJob(text) {
    var area = $("cm-feedback-jobs");
    if (!area) { return; }
    clear(area);
    area.className = "cm-feedback cm-feedback-info";
    area.appendChild(h("span", { className: "cm-feedback-text", text: text }));
  }
  function jobNoticed(job) {
    announceJob(fmt(gettext("%(job)s, started by %(user)s, is running. New jobs can start when it ends."), {
      job: jobWhat(job), user: job.requested_by || gettext("the system")
    }));
    (whenDone[job.id] = whenDone[job.id] || []).push(function (finished) {
      announceJob(fmt(gettext("%(job)s has ended: %(state)s. %(result)s"), {
        job: jobWhat(finished), state: word("states", finished.state), result: jobCounts(finished)
      }));
      loadJobs(jobsPage);
    });
    trackJob(job, progressBoxFor(job));
  }
  function scheduleWatch(delay) {
    if (watchTimer) { window.clearTimeout(watchTimer); }
    watchTimer = window.setTimeout(watchJobs, delay);
  }
  function watchJobsSoon() { watchDelay = WATCH_MIN; scheduleWatch(0); }
  function watchJobs() {
    watchTimer = null;
    if (document.hidden || watchBusy) { return; }  // visibilitychange starts it again
    if (anyPolling()) { scheduleWatch(WATCH_MIN); return; }  // a job is followed already: nothing new can start
    watchBusy = true;
    var startsBefore = jobStarts;
    api("GET", "jobs?state=active&page_size=1").then(function (data) {
      var job = (data.results || [])[0];
      if (jobStarts !== startsBefore || startsOut > 0) {
        watchDelay = WATCH_MIN;  // this panel started a job meanwhile: its own tracking follows it; look again
      } else if (job && ACTIVE[job.state] && !polling[job.id] && tracked[job.id] === undefined) {
        watchDelay = WATCH_MIN;
        jobNoticed(job);
      } else if (job) {
        watchDelay = WATCH_MIN;
      } else {
        watchDelay = Math.min(WATCH_MAX, Math.round(watchDelay * 1.5));
      }
    }, function () {
      watchDelay = Math.min(WATCH_MAX, watchDelay * 2);
    }).then(function () {
      watchBusy = false;
      if (!document.hidden) { scheduleWatch(watchDelay); }
    });
  }
  document.addEventListener("visibilitychange", function () {
    if (document.hidden) {
      if (watchTimer) { window.clearTimeout(watchTimer); watchTimer = null; }
    } else {
      watchJobsSoon();
    }
  });
  scheduleWatch(WATCH_MIN);

  // --- generate ---------------------------------------------------------------------------------------------
  function selectedGroups() {
    return Array.prototype.map.call(root.querySelectorAll("#cm-groups input:checked"), function (input) {
      return input.value;
    });
  }
  onClick("cm-generate-all", function () {
    return runJob({ kind: "generate_all" }, gettext("Generate all certificates?"), gettext("Start the job"));
  });
  onClick("cm-regenerate", function () {
    var groups = selectedGroups();
    if (!groups.length) {
      say("cm-feedback-generate", "error", gettext("Choose at least one learner group."));
      var first = root.querySelector("#cm-groups input");
      if (first) { first.focus(); }
      return null;
    }
    return runJob({ kind: "regenerate", statuses: groups }, gettext("Regenerate these learner groups?"), gettext("Start the job"));
  });
  onClick("cm-generate-exceptions", function () {
    var checked = root.querySelector("input[name=cm-scope]:checked");
    return runJob({ kind: "generate_exceptions", scope: checked ? checked.value : "new" },
      gettext("Generate exception certificates?"), gettext("Start the job"));
  });

  // --- exceptions ----------------------------------------------------------------------------------------------
  function exceptionCertificateCell(entry, states) {
    if (entry.certificate_generated) { return [time(entry.certificate_generated)]; }
    var state = states[entry.username];
    if (!state || !state.message) { return [gettext("Not generated")]; }
    return [h("span", { className: state.state === "blocked" ? "cm-warning" : "cm-muted", text: state.message })];
  }
  /* Resolves with each listed learner's certificate state ({username: {state, reason, message}}). */
  function loadExceptions() {
    var states = api("GET", cfg.exceptionStatusUrl).then(function (data) { return data.learners || {}; }, function () { return {}; });
    listCsv("exceptions-list", "exceptions");
    return Promise.all([api("GET", "exceptions?page_size=500" + listSearch("exceptions-list")), states]).then(function (results) {
      var data = results[0];
      var learners = results[1];
      fillTable($("cm-exceptions-body"), data.results.map(function (entry) {
        var who = learnerName(entry);
        var remove = cfg.canManage ? h("button", {
          type: "button", className: "cm-button cm-secondary cm-remove-exception", "data-user": entry.username,
          "data-name": who, "aria-label": fmt(gettext("Remove %(learner)s from the exception list"), { learner: who })
        }, [gettext("Remove")]) : null;
        return h("tr", { "data-username": entry.username }, [
          h("td", {}, [who]),
          h("td", {}, [entry.email || ""]),
          h("td", {}, [time(entry.granted) || ""]),
          h("td", {}, exceptionCertificateCell(entry, learners)),
          h("td", { className: "cm-notes" }, sourced(entry)),
          h("td", { className: "cm-row-actions" }, [remove])
        ]);
      }), gettext("Nobody is on the exception list."), 6);
      return learners;
    }).catch(failed("cm-feedback-exceptions", gettext("The exception list could not be loaded.")));
  }
  /* What adding a learner did, with the real reason at once when no certificate can be issued (as their row says). */
  function exceptionAdded(entry, state) {
    var values = { learner: learnerName(entry), reason: state.message || "" };
    if (state.state === "issued") {
      return fmt(gettext("%(learner)s is on the exception list; their certificate is valid."), values);
    }
    if (state.state === "blocked") {
      return fmt(gettext("%(learner)s is on the exception list, but no certificate can be issued to them: %(reason)s"), values);
    }
    if (state.state === "pending") {
      return fmt(gettext("%(learner)s is on the exception list. Generate exception certificates to issue theirs."), values);
    }
    return fmt(gettext("%(learner)s is on the exception list."), values);
  }
  if ($("cm-exception-form")) {
    $("cm-exception-form").addEventListener("submit", function (event) {
      event.preventDefault();
      var user = $("cm-exception-user").value.trim();
      if (!user) {
        say("cm-feedback-exceptions", "error", gettext("Type a username or an email address."));
        $("cm-exception-user").focus();
        return;
      }
      busy($("cm-exception-add"), function () {
        return api("POST", "exceptions", { user: user, notes: $("cm-exception-notes").value }).then(function (entry) {
          $("cm-exception-form").reset();
          return loadExceptions().then(function (learners) {
            var state = (learners || {})[entry.username] || {};
            say("cm-feedback-exceptions", state.state === "blocked" ? "info" : "success", exceptionAdded(entry, state));
          });
        }).catch(failed("cm-feedback-exceptions", fmt(gettext("%(user)s was not added."), { user: user })));
      });
    });
    $("cm-exception-bulk-form").addEventListener("submit", function (event) {
      event.preventDefault();
      var file = $("cm-exception-file").files[0];
      var list = $("cm-bulk-result");
      clear(list);
      list.hidden = true;
      if (!file) {
        say("cm-feedback-exceptions", "error", gettext("Choose a CSV file first."));
        $("cm-exception-file").focus();
        return;
      }
      busy($("cm-exception-upload"), function () {
        var form = new FormData();
        form.append("file", file);
        return api("POST", "exceptions/bulk", form).then(function (data) {
          bulkReport(data, list, "cm-feedback-exceptions", function (count) {
            return fmt(ngettext("%(count)s learner added.", "%(count)s learners added.", count), { count: number(count) });
          });
          $("cm-exception-bulk-form").reset();
          return loadExceptions();
        }).catch(failed("cm-feedback-exceptions", gettext("The CSV file was not read.")));
      });
    });
  }
  $("cm-exceptions-body").addEventListener("click", function (event) {
    var button = event.target.closest(".cm-remove-exception");
    if (!button || unavailable(button)) { return; }
    var user = button.getAttribute("data-user");
    var who = button.getAttribute("data-name");
    busy(button, function () {
      return confirmAction({
        title: fmt(gettext("Remove %(learner)s from the exception list?"), { learner: who }),
        body: [gettext("Their certificate is checked again at once: if their grade does not earn one, a certificate they held only by this exception is revoked.")],
        confirm: gettext("Remove"),
        danger: true
      }).then(function (yes) {
        if (!yes) { return null; }
        return api("DELETE", "exceptions/" + encodeURIComponent(user)).then(function () {
          say("cm-feedback-exceptions", "success", fmt(gettext("%(learner)s was removed from the exception list."), { learner: who }));
          loadExceptions();
          loadCertificates();
        });
      }).catch(failed("cm-feedback-exceptions", fmt(gettext("%(learner)s was not removed."), { learner: who })));
    });
  });

  // The notes of a list entry, with where it came from when that is the LMS (its own list, or its own invalidation).
  function sourced(entry) {
    var notes = [entry.notes || ""];
    if (entry.source && entry.source !== "course_team") {
      notes.unshift(h("span", { className: "cm-source" }, [entry.source_label]), " ");
    }
    return notes;
  }

  // --- list searches and CSV downloads (exception list, invalidations, history) ---------------------------
  function listSearch(prefix) {
    var input = $("cm-" + prefix + "-search");
    var text = input ? input.value.trim() : "";
    return text ? "&search=" + encodeURIComponent(text) : "";
  }
  function listCsv(prefix, path) {
    var link = $("cm-" + prefix + "-csv");
    if (link) { link.setAttribute("href", cfg.api + path + "?format=csv" + listSearch(prefix)); }
  }
  [["exceptions-list", function () { return loadExceptions(); }],
   ["invalidations-list", function () { return loadInvalidations(); }],
   ["jobs", function () { return loadJobs(1); }]].forEach(function (pair) {
    var form = $("cm-" + pair[0] + "-filter");
    if (form) { form.addEventListener("submit", function (event) { event.preventDefault(); pair[1](); }); }
  });
  /* The sample files beside the CSV uploads: the header the uploads read, then two example rows. */
  function sampleCsv(id, rows) {
    var link = $(id);
    if (link) { link.setAttribute("href", "data:text/csv;charset=utf-8," + encodeURIComponent(rows.join("\r\n") + "\r\n")); }
  }
  sampleCsv("cm-exception-sample", ["username_or_email,notes", "learner1,Medical leave", "learner2@example.com,"]);
  sampleCsv("cm-invalidation-sample", ["username_or_email,notes", "learner1,Academic dishonesty", "learner2@example.com,"]);

  // --- invalidations ---------------------------------------------------------------------------------------
  function loadInvalidations() {
    listCsv("invalidations-list", "invalidations");
    return api("GET", "invalidations?page_size=500" + listSearch("invalidations-list")).then(function (data) {
      fillTable($("cm-invalidations-body"), data.results.map(function (entry) {
        var who = learnerName(entry);
        var action = cfg.canManage ? h("button", {
          type: "button", className: "cm-button cm-secondary cm-revalidate", "data-id": String(entry.id),
          "data-name": who, "aria-label": fmt(gettext("Re-validate the certificate of %(learner)s"), { learner: who })
        }, [gettext("Re-validate")]) : null;
        return h("tr", { "data-username": entry.username }, [
          h("td", {}, [who]),
          h("td", {}, [entry.invalidated_by || (entry.source !== "course_team" ? entry.source_label : "")]),
          h("td", {}, [time(entry.created) || ""]),
          h("td", { className: "cm-notes" }, sourced(entry)),
          h("td", { className: "cm-row-actions" }, [action])
        ]);
      }), gettext("No certificate is invalidated."), 5);
    }).catch(failed("cm-feedback-invalidations", gettext("The invalidations could not be loaded.")));
  }
  if ($("cm-invalidation-form")) {
    $("cm-invalidation-form").addEventListener("submit", function (event) {
      event.preventDefault();
      var user = $("cm-invalidation-user").value.trim();
      var button = $("cm-invalidation-add");
      if (!user) {
        say("cm-feedback-invalidations", "error", gettext("Type a username or an email address."));
        $("cm-invalidation-user").focus();
        return;
      }
      busy(button, function () {
        return confirmAction({
          title: fmt(gettext("Invalidate the certificate of %(user)s?"), { user: user }),
          body: [
            gettext("1 learner: the certificate is revoked at once. Its public page says it was invalidated, and its PDF is no longer available."),
            gettext("It stays revoked, whatever the grade, until you re-validate it.")
          ],
          confirm: gettext("Invalidate"),
          danger: true
        }).then(function (yes) {
          if (!yes) { return null; }
          return api("POST", "invalidations", { user: user, notes: $("cm-invalidation-notes").value }).then(function (entry) {
            say("cm-feedback-invalidations", "success", fmt(gettext("The certificate of %(learner)s is invalidated."), { learner: learnerName(entry) }));
            $("cm-invalidation-form").reset();
            loadInvalidations();
            loadCertificates();
          });
        }).catch(failed("cm-feedback-invalidations", fmt(gettext("The certificate of %(user)s was not invalidated."), { user: user })));
      });
    });
  }
  /* Data rows of a CSV file as the server reads them: non-blank lines, less a header line (for the dialog's count). */
  function csvRows(text) {
    var lines = text.replace(/^\ufeff/, "").split(/\r\n|\n|\r/).filter(function (line) { return line.replace(/[\s,]/g, ""); });
    if (lines.length && /^\s*"?(username_or_email|username|email|user|username or email|identifier)"?\s*(,|$)/i.test(lines[0])) {
      lines.shift();
    }
    return lines.length;
  }
  if ($("cm-invalidation-bulk-form")) {
    $("cm-invalidation-bulk-form").addEventListener("submit", function (event) {
      event.preventDefault();
      var file = $("cm-invalidation-file").files[0];
      var list = $("cm-invalidation-bulk-result");
      clear(list);
      list.hidden = true;
      if (!file) {
        say("cm-feedback-invalidations", "error", gettext("Choose a CSV file first."));
        $("cm-invalidation-file").focus();
        return;
      }
      busy($("cm-invalidation-upload"), function () {
        return file.text().then(function (text) {
          var rows = csvRows(text);
          return confirmAction({
            title: gettext("Invalidate the certificates of the learners in this file?"),
            body: [
              fmt(ngettext("The file names %(count)s learner: each certificate is revoked at once.",
                "The file names %(count)s learners: each certificate is revoked at once.", rows), { count: number(rows) }),
              gettext("Lines that cannot be applied (no certificate, on the exception list, already invalidated…) are listed after the upload; the others are all applied together. Each stays revoked, whatever the grade, until you re-validate it.")
            ],
            confirm: gettext("Invalidate"),
            danger: true
          });
        }).then(function (yes) {
          if (!yes) { say("cm-feedback-invalidations", "info", gettext("Nothing was changed.")); return null; }
          var form = new FormData();
          form.append("file", file);
          return api("POST", "invalidations/bulk", form).then(function (data) {
            bulkReport(data, list, "cm-feedback-invalidations", function (count) {
              return fmt(ngettext("%(count)s certificate invalidated.", "%(count)s certificates invalidated.", count), {
                count: number(count)
              });
            });
            $("cm-invalidation-bulk-form").reset();
            loadCertificates();
            return loadInvalidations();
          });
        }).catch(failed("cm-feedback-invalidations", gettext("The CSV file was not read.")));
      });
    });
  }
  $("cm-invalidations-body").addEventListener("click", function (event) {
    var button = event.target.closest(".cm-revalidate");
    if (!button || unavailable(button)) { return; }
    var who = button.getAttribute("data-name");
    busy(button, function () {
      return confirmAction({
        title: fmt(gettext("Re-validate the certificate of %(learner)s?"), { learner: who }),
        body: [gettext("1 learner: the invalidation is lifted and the certificate follows the learner's grade again. If they pass, it is valid again at once; otherwise it stays without a valid certificate.")],
        confirm: gettext("Re-validate")
      }).then(function (yes) {
        if (!yes) { return null; }
        return api("DELETE", "invalidations/" + button.getAttribute("data-id")).then(function () {
          say("cm-feedback-invalidations", "success", fmt(gettext("The certificate of %(learner)s is re-validated."), { learner: who }));
          loadInvalidations();
          loadCertificates();
          loadExceptions();
        });
      }).catch(failed("cm-feedback-invalidations", fmt(gettext("The certificate of %(learner)s was not re-validated."), { learner: who })));
    });
  });

  // --- certificates ---------------------------------------------------------------------------------------
  var certPage = 1;
  function certificatePath(template, uuid) { return template.replace("00000000-0000-0000-0000-000000000000", uuid); }
  function filterQuery() {
    return "search=" + encodeURIComponent($("cm-search").value.trim()) +
      "&status=" + encodeURIComponent($("cm-status-filter").value) + "&ordering=" + encodeURIComponent($("cm-sort").value);
  }
  /* The certificate's verifiable credential in words (labels.CREDENTIAL_STATE_LABELS); empty when it never had one. */
  function credentialCell(cert) {
    var state = cert.credential_status;
    return h("td", { className: "cm-cert-credential", "data-credential": state || "" }, [
      state ? h("span", { className: "cm-state-chip cm-credential-" + state, text: word("credentialStates", state) }) : ""
    ]);
  }
  function loadCertificates(page) {
    certPage = page || certPage;
    var query = filterQuery();
    $("cm-certificates-csv").setAttribute("href", cfg.api + "certificates?format=csv&" + query);
    return api("GET", "certificates?page_size=" + CERTS_PAGE_SIZE + "&page=" + certPage + "&" + query).then(function (data) {
      fillTable($("cm-certificates-body"), data.results.map(function (cert) {
        var who = learnerName(cert);
        var actions = [h("a", {
          className: "cm-link", href: certificatePath(cfg.certificateUrl, cert.verify_uuid), target: "_blank", rel: "noopener",
          "aria-label": fmt(gettext("View the certificate of %(learner)s (opens in a new tab)"), { learner: who })
        }, [gettext("View")])];
        if (cert.status === "downloadable") {
          actions.push(" ");
          actions.push(h("a", {
            className: "cm-link", href: certificatePath(cfg.pdfUrl, cert.verify_uuid), target: "_blank", rel: "noopener",
            "aria-label": fmt(gettext("PDF of the certificate of %(learner)s (opens in a new tab)"), { learner: who })
          }, [gettext("PDF")]));
        }
        actions.push(" ");
        actions.push(historyButton(cert.username, who));
        if (cfg.canManage && cert.status !== "deleted") {
          actions.push(" ");
          actions.push(h("button", {
            type: "button", className: "cm-button cm-secondary cm-regenerate-cert", "data-user": cert.username, "data-name": who,
            "aria-label": fmt(gettext("Regenerate the certificate of %(learner)s"), { learner: who })
          }, [gettext("Regenerate")]));
        }
        if (cfg.canManage && cert.status !== "deleted") {
          actions.push(" ");
          actions.push(h("button", {
            type: "button", className: "cm-button cm-secondary cm-delete-cert", "data-user": cert.username, "data-name": who,
            "aria-label": fmt(gettext("Delete the certificate of %(learner)s"), { learner: who })
          }, [gettext("Delete")]));
        }
        return h("tr", { "data-username": cert.username, "data-status": cert.status }, [
          h("td", {}, [who]),
          h("td", { className: "cm-cert-status" }, [h("span", { className: "cm-state-chip cm-status-" + cert.status, text: word("statuses", cert.status) })]),
          h("td", {}, [word("modes", cert.mode)]),
          h("td", {}, [percent(cert.grade)]),
          h("td", {}, [cert.status === "downloadable" ? time(cert.issued_date) : ""]),
          cfg.credentialsOn ? credentialCell(cert) : null,
          h("td", { className: "cm-row-actions" }, actions)
        ]);
      }), gettext("No certificate matches."), cfg.credentialsOn ? 7 : 6);
      $("cm-certificates-summary").textContent = fmt(ngettext("%(count)s learner", "%(count)s learners", data.count), {
        count: number(data.count)
      });
      $("cm-page-info").textContent = fmt(gettext("Page %(page)s of %(pages)s"), {
        page: number(data.current_page), pages: number(data.num_pages)
      });
      $("cm-prev").disabled = !data.previous;
      $("cm-next").disabled = !data.next;
    }).catch(failed("cm-feedback-certificates", gettext("The certificates could not be loaded.")));
  }
  $("cm-certificate-filter").addEventListener("submit", function (event) {
    event.preventDefault();
    loadCertificates(1);
  });
  $("cm-prev").addEventListener("click", function () { loadCertificates(Math.max(1, certPage - 1)); });
  /*
   * Sorting: the "Sort by" list (every width) and the sortable headers (wide screens) say the same order. A header
   * sorts by its column (clicked again: the other way); aria-sort marks the sorted column only.
   */
  function showSort() {
    var ordering = $("cm-sort").value;
    var key = ordering.replace(/^-/, "");
    Array.prototype.forEach.call(root.querySelectorAll("#cm-certificates .cm-sort"), function (button) {
      var th = button.closest("th");
      if (button.getAttribute("data-sort") === key) {
        th.setAttribute("aria-sort", ordering.charAt(0) === "-" ? "descending" : "ascending");
      } else {
        th.removeAttribute("aria-sort");
      }
    });
  }
  Array.prototype.forEach.call(root.querySelectorAll("#cm-certificates .cm-sort"), function (button) {
    button.addEventListener("click", function () {
      var key = button.getAttribute("data-sort");
      $("cm-sort").value = $("cm-sort").value === key ? "-" + key : key;
      showSort();
      loadCertificates(1);
    });
  });
  $("cm-sort").addEventListener("change", function () { showSort(); loadCertificates(1); });
  $("cm-next").addEventListener("click", function () { loadCertificates(certPage + 1); });
  $("cm-certificates-body").addEventListener("click", function (event) {
    var button = event.target.closest(".cm-delete-cert");
    if (!button || unavailable(button)) { return; }
    var user = button.getAttribute("data-user");
    var who = button.getAttribute("data-name");
    busy(button, function () {
      return confirmAction({
        title: fmt(gettext("Delete the certificate of %(learner)s?"), { learner: who }),
        body: [
          gettext("1 learner. This cannot be undone: the certificate stops being valid at once, and its public link no longer shows it as valid."),
          gettext("The record stays, marked Deleted, with its history and any invalidation; the deletion is recorded in the generation history."),
          deleteChoices(who)
        ],
        confirm: gettext("Delete"),
        danger: true
      }).then(function (yes) {
        if (!yes) { return null; }
        var body = $("cm-confirm-body");
        var block = body.querySelector("input[name=cm-delete-choice]:checked").value === "block";
        var request = block ? { invalidate: true, notes: body.querySelector("#cm-delete-notes").value } : undefined;
        return api("DELETE", "certificates/" + encodeURIComponent(user), request).then(function () {
          say("cm-feedback-certificates", "success", block ?
            fmt(gettext("The certificate of %(learner)s was deleted and invalidated: nothing issues it again until it is re-validated."), { learner: who }) :
            fmt(gettext("The certificate of %(learner)s was deleted."), { learner: who }));
          loadCertificates();
          loadExceptions();
          loadInvalidations();
          loadJobs(1);
        });
      }).catch(failed("cm-feedback-certificates", fmt(gettext("The certificate of %(learner)s was not deleted."), { learner: who })));
    });
  });
  /* The delete dialog's two choices: what may bring the certificate back, and how to keep it from coming back. */
  function deleteChoices(who) {
    function choice(value, label, help) {
      var id = "cm-delete-choice-" + value;
      return [
        h("div", { className: "cm-check" }, [
          h("input", { type: "radio", name: "cm-delete-choice", id: id, value: value, checked: value === "delete", "aria-describedby": id + "-help" }),
          h("label", { "for": id, text: label })
        ]),
        h("p", { className: "cm-help", id: id + "-help", text: help })
      ];
    }
    var notes = h("div", { className: "cm-field", id: "cm-delete-notes-field", hidden: true }, [
      h("label", { "for": "cm-delete-notes", text: gettext("Notes for the invalidation list (optional)") }),
      h("input", { id: "cm-delete-notes", autocomplete: "off" })
    ]);
    var fieldset = h("fieldset", { className: "cm-fieldset cm-delete-choices" }, [h("legend", { text: gettext("Afterwards") })]
      .concat(choice("delete", gettext("Delete"), fmt(gettext("If the grade of %(learner)s still earns a certificate, it is issued again, with the same link, by their next grade change, by Generate all certificates or exception certificates, or when they request it themselves (if learner requests are on)."), { learner: who })))
      .concat(choice("block", gettext("Delete and keep it from coming back"), gettext("Also invalidates it: nothing issues it again until someone re-validates it in the invalidation list (the LMS's list shows it too). Not possible for a learner on the exception list.")))
      .concat([notes]));
    fieldset.addEventListener("change", function () {
      notes.hidden = !fieldset.querySelector("input[value=block]").checked;
    });
    return fieldset;
  }

  /* Regenerate one learner from their row: what would change (grade, status, revision) first, then the engine. */
  function regenerationParts(data, who) {
    if (!data.changed) {
      return [fmt(gettext("Nothing would change for %(learner)s: their certificate already matches their grade, their lists and the course's policies."), { learner: who })];
    }
    var before = data.before;
    var after = data.after;
    var items = [];
    if (before.grade !== after.grade) {
      items.push(fmt(gettext("Grade: %(before)s → %(after)s"), {
        before: percent(before.grade) || gettext("none"), after: percent(after.grade) || gettext("none")
      }));
    }
    items.push(before.status === after.status ?
      fmt(gettext("Status: stays %(status)s"), { status: word("statuses", after.status) }) :
      fmt(gettext("Status: %(change)s"), { change: transitionWords(before.status + "->" + after.status) }));
    items.push(fmt(gettext("A new revision (%(revision)s) is recorded; the verify link stays the same."), {
      revision: number(after.revision)
    }));
    return [
      paragraph(fmt(gettext("The certificate of %(learner)s would change:"), { learner: who }), "cm-strong"),
      h("ul", { className: "cm-transitions" }, items.map(function (text) { return h("li", { text: text }); }))
    ];
  }
  $("cm-certificates-body").addEventListener("click", function (event) {
    var button = event.target.closest(".cm-regenerate-cert");
    if (!button || unavailable(button)) { return; }
    var path = "certificates/" + encodeURIComponent(button.getAttribute("data-user")) + "/regenerate";
    var who = button.getAttribute("data-name");
    var lead = fmt(gettext("The certificate of %(learner)s was not regenerated."), { learner: who });
    busy(button, function () {
      return api("POST", path, { dry_run: true }).then(function (preview) {
        var title = fmt(gettext("Regenerate the certificate of %(learner)s?"), { learner: who });
        if (!preview.changed) {  // nothing to confirm: the answer is said beside the table (aria-live)
          say("cm-feedback-certificates", "info", regenerationParts(preview, who)[0]);
          return null;
        }
        var revokes = preview.before.status === "downloadable" && preview.after.status !== "downloadable";
        return confirmAction({
          title: title, body: regenerationParts(preview, who), confirm: gettext("Regenerate"), danger: revokes
        }).then(function (yes) {
          if (!yes) { say("cm-feedback-certificates", "info", gettext("Nothing was changed.")); return null; }
          return api("POST", path, { dry_run: false }).then(function (done) {
            say("cm-feedback-certificates", "success", done.changed ?
              fmt(gettext("The certificate of %(learner)s was regenerated: revision %(revision)s, %(status)s."), {
                learner: who, revision: number(done.after.revision), status: word("statuses", done.after.status)
              }) :
              fmt(gettext("Nothing changed for %(learner)s: their certificate already matched."), { learner: who }));
            return loadCertificates().then(function () {  // the row was redrawn: focus its button again
              var again = Array.prototype.filter.call(root.querySelectorAll(".cm-regenerate-cert"), function (node) {
                return node.getAttribute("data-user") === button.getAttribute("data-user");
              })[0];
              if (again) { again.focus(); }
            });
          });
        });
      }).catch(failed("cm-feedback-certificates", lead));
    });
  });

  // --- a learner's story (GET learners/<username>/history): every state newest first, in a dialog ----------
  var historyDialog = $("cm-history");
  var historyOpener = null;
  var historyRequest = 0;
  function historyButton(username, who) {
    return h("button", {
      type: "button", className: "cm-button cm-secondary cm-history-open", "data-user": username, "data-name": who,
      "aria-haspopup": "dialog", "aria-label": fmt(gettext("History of the certificate of %(learner)s"), { learner: who })
    }, [gettext("History")]);
  }
  function historyFacts(pairs) {
    var list = h("dl", { className: "cm-timeline-facts" });
    pairs.forEach(function (pair) {
      if (pair[1] === null || pair[1] === undefined || pair[1] === "") { return; }
      list.appendChild(h("dt", { text: pair[0] }));
      list.appendChild(h("dd", {}, [pair[1]]));
    });
    return list;
  }
  function historyState(state) {
    var heading = fmt(gettext("Revision %(number)s"), { number: number(state.number) });
    return h("li", { className: "cm-timeline-item", "data-number": String(state.number), "data-status": state.status }, [
      h("h3", { className: "cm-timeline-title" }, [
        heading + (state.current ? " — " + gettext("current") : "") + " ",
        h("span", { className: "cm-state-chip cm-status-" + state.status, text: word("statuses", state.status) })
      ]),
      historyFacts([
        [gettext("Grade"), percent(state.grade) || gettext("none")],
        [gettext("From"), time(state.valid_from)],
        [gettext("To"), state.valid_to ? time(state.valid_to) : gettext("now (the current state)")],
        [gettext("Cause"), state.cause]
      ])
    ]);
  }
  function historyEvent(event) {
    var who = event.actor ? learnerName(event.actor) : "";
    return h("li", { className: "cm-timeline-item", "data-kind": event.kind }, [
      h("h3", { className: "cm-timeline-title", text: event.label }),
      historyFacts([[gettext("When"), time(event.at)], [gettext("By"), who]])
    ]);
  }
  function showHistory(data) {
    var body = $("cm-history-body");
    clear(body);
    if (!data.states.length) {
      body.appendChild(paragraph(gettext("This learner has no certificate record in this course yet.")));
    } else {
      body.appendChild(h("ol", { className: "cm-timeline", id: "cm-history-states", "aria-label": gettext("Certificate states, newest first") },
        data.states.map(historyState)));
    }
    if (data.events.length) {
      body.appendChild(h("h3", { className: "cm-timeline-heading", text: gettext("Exception and invalidation lists") }));
      body.appendChild(h("ul", { className: "cm-timeline", id: "cm-history-events" }, data.events.map(historyEvent)));
    }
  }
  function closeHistory() {
    if (typeof historyDialog.close === "function" && historyDialog.open) { historyDialog.close(); } else { historyDialog.removeAttribute("open"); historyClosed(); }
  }
  function historyClosed() {
    historyRequest += 1;  // an answer still on its way no longer fills the closed dialog
    if (historyOpener && root.contains(historyOpener)) { historyOpener.focus(); }
    historyOpener = null;
  }
  function openHistory(button) {
    var who = button.getAttribute("data-name");
    var request = ++historyRequest;
    historyOpener = button;
    $("cm-history-title").textContent = fmt(gettext("History of %(learner)s"), { learner: who });
    $("cm-history-status").textContent = gettext("Loading…");
    clear($("cm-history-body"));
    if (typeof historyDialog.showModal === "function") { historyDialog.showModal(); } else { historyDialog.setAttribute("open", ""); }
    $("cm-history-close").focus();
    return api("GET", "learners/" + encodeURIComponent(button.getAttribute("data-user")) + "/history").then(function (data) {
      if (request !== historyRequest) { return; }
      showHistory(data);
      $("cm-history-status").textContent = fmt(ngettext("%(count)s state, newest first.", "%(count)s states, newest first.", data.states.length), {
        count: number(data.states.length)
      });
    }).catch(function (error) {
      if (request !== historyRequest) { return; }
      $("cm-history-status").textContent = gettext("The history could not be loaded.") + " " + apiMessage(error);
    });
  }
  $("cm-history-close").addEventListener("click", closeHistory);
  historyDialog.addEventListener("close", historyClosed);
  historyDialog.addEventListener("keydown", function (event) {
    if (event.key === "Tab") { event.preventDefault(); $("cm-history-close").focus(); }  // its one control keeps focus
  });
  $("cm-certificates-body").addEventListener("click", function (event) {
    var button = event.target.closest(".cm-history-open");
    if (button) { openHistory(button); }
  });

  // --- export -------------------------------------------------------------------------------------------
  onClick("cm-export-pdf", function () {
    $("cm-export-link").hidden = true;
    $("cm-export-status").textContent = "";
    return api("POST", "export", { format: "pdf" }).then(function (job) {
      sayStarted("cm-feedback-export", job);
      var done = function (finished) {
        if (finished.state === "succeeded" && finished.download_url) {
          var count = (finished.result || {}).count || 0;
          $("cm-export-status").textContent = fmt(ngettext("%(count)s certificate exported.", "%(count)s certificates exported.", count), {
            count: number(count)
          });
          $("cm-export-link").href = finished.download_url;
          $("cm-export-link").hidden = false;
          say("cm-feedback-export", "success", gettext("The PDF is ready."));
        } else {
          say("cm-feedback-export", "error", fmt(gettext("The export ended: %(state)s."), { state: word("states", finished.state) }), finished.error);
        }
      };
      (whenDone[job.id] = whenDone[job.id] || []).push(done);
      trackJob(job, "cm-export-progress");
    }).catch(failed("cm-feedback-export", gettext("The export was not started.")));
  });

  // --- delete all -----------------------------------------------------------------------------------------
  /*
   * What "delete all" changes, from the list's status_counts (one GROUP BY): valid certificates are withdrawn;
   * every other record that is not deleted yet is deleted too, counted by status. Deleted records change nothing.
   */
  function deleteAllParts(counts) {
    var valid = counts.downloadable || 0;
    var others = Object.keys(counts).filter(function (status) {
      return status !== "downloadable" && status !== "deleted" && counts[status] > 0;
    });
    var rest = others.reduce(function (sum, status) { return sum + counts[status]; }, 0);
    var parts = [];
    if (valid) {
      parts.push(fmt(ngettext("%(count)s valid certificate is withdrawn.", "%(count)s valid certificates are withdrawn.", valid), {
        count: number(valid)
      }));
    }
    if (rest) {
      parts.push(fmt(ngettext(
        "%(count)s record without a valid certificate is deleted too:",
        "%(count)s records without a valid certificate are deleted too:", rest
      ), { count: number(rest) }));
      parts.push(h("ul", {}, others.map(function (status) {
        return h("li", { text: fmt(gettext("%(count)s — %(status)s"), { count: number(counts[status]), status: word("statuses", status) }) });
      })));
    }
    return { total: valid + rest, parts: parts };
  }
  onClick("cm-delete-all-open", function () {
    return api("GET", "certificates?page_size=1").then(function (data) {
      var change = deleteAllParts(data.status_counts || {});
      if (!change.total) {
        say("cm-feedback-delete-all", "success", gettext("There is no certificate to delete."));
        return null;
      }
      return confirmAction({
        title: gettext("Delete all certificates of this course?"),
        body: change.parts.concat([
          gettext("This cannot be undone: their public links no longer show them as valid. Histories and invalidations are kept; the deletion is recorded in the generation history.")
        ]),
        confirm: gettext("Delete all certificates"),
        danger: true,
        typed: {
          expected: cfg.courseId,
          label: fmt(gettext("Type the course id, %(course_id)s, to confirm"), { course_id: cfg.courseId })
        }
      }).then(function (yes) {
        if (!yes) { return null; }
        return api("DELETE", "certificates", { confirm: cfg.courseId }).then(function (result) {
          say("cm-feedback-delete-all", "success", fmt(ngettext("%(count)s certificate deleted.", "%(count)s certificates deleted.", result.deleted), {
            count: number(result.deleted)
          }));
          loadCertificates(1);
          loadExceptions();
          loadInvalidations();
          loadJobs(1);
        });
      });
    }).catch(failed("cm-feedback-delete-all", gettext("Nothing was deleted.")));
  });

  // --- section links and "Back to top" ---------------------------------------------------------------------
  /*
   * The section links (and each section's "Back to top") scroll to their target and move the keyboard focus to
   * its heading, so a screen reader reads where it landed. The page's address is left alone (the LMS's
   * instructor dashboard keeps its own section in it); without this script the links still jump.
   */
  function goTo(target) {
    var heading = target.matches("h1, h2") ? target : target.querySelector("h1, h2");
    if (!heading) { return; }
    if (!heading.hasAttribute("tabindex")) { heading.setAttribute("tabindex", "-1"); }
    target.scrollIntoView({ block: "start" });
    heading.focus({ preventScroll: true });
  }
  var title = root.querySelector(".cm-title");
  if (title && !title.id) { title.id = "cm-panel-title"; }
  Array.prototype.forEach.call(title ? root.querySelectorAll("section.cm-card[id]") : [], function (section) {
    var back = h("p", { className: "cm-back-to-top" }, [h("a", { href: "#" + title.id }, [gettext("Back to top")])]);
    section.appendChild(back);
  });
  root.addEventListener("click", function (event) {
    var link = event.target.closest(".cm-toc a, .cm-back-to-top a");
    if (!link || !root.contains(link)) { return; }
    var target = root.querySelector(link.getAttribute("href"));
    if (!target) { return; }
    event.preventDefault();
    goTo(target);
  });

  loadSettings();
  loadJobs(1);
  loadExceptions();
  loadInvalidations();
  loadCertificates(1);
}());
