/*
 * Instructor panel: drives REST API v1 (/api/cert_manager/v1/courses/<course_id>/...). No build step.
 * Every write sends the CSRF token (X-CSRFToken) with the session cookie.
 */
(function () {
  "use strict";

  var cfg = JSON.parse(document.getElementById("cm-config").textContent);
  var ACTIVE = { queued: true, running: true };
  var polling = {};
  var whenDone = {};
  var certPage = 1;

  function $(id) { return document.getElementById(id); }

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (input && input.value) { return input.value; }
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function text(value) { return value === null || value === undefined ? "" : String(value); }

  function esc(value) {
    return text(value).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function date(value) {
    if (!value) { return ""; }
    var d = new Date(value);
    return isNaN(d.getTime()) ? text(value) : d.toLocaleString();
  }

  function percent(grade) {
    return grade === null || grade === undefined ? "" : (Math.round(grade * 1000) / 10) + "%";
  }

  function message(textValue, kind) {
    var box = $("cm-message");
    box.textContent = textValue;
    box.className = "cm-message cm-message-" + (kind || "info");
    box.hidden = false;
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
    return fetch(cfg.api + path, options).then(function (response) {
      return response.text().then(function (raw) {
        var data = null;
        try { data = raw ? JSON.parse(raw) : null; } catch (e) { data = { message: raw }; }
        if (!response.ok) {
          var error = new Error((data && (data.message || data.detail)) || ("HTTP " + response.status));
          error.status = response.status;
          error.data = data;
          throw error;
        }
        return data;
      });
    });
  }

  function fail(error) { message(error.message, "error"); }

  // --- settings ------------------------------------------------------------------------------------
  function loadSettings() {
    return api("GET", "settings").then(function (data) {
      $("cm-self-generation").checked = !!data.self_generation_enabled;
      $("cm-self-generation-state").textContent = data.self_generation_enabled ? "enabled" : "disabled";
    }).catch(fail);
  }

  $("cm-self-generation").addEventListener("change", function (event) {
    var enabled = event.target.checked;
    api("PATCH", "settings", { self_generation_enabled: enabled }).then(function (data) {
      $("cm-self-generation-state").textContent = data.self_generation_enabled ? "enabled" : "disabled";
      message("Student-generated certificates " + (data.self_generation_enabled ? "enabled." : "disabled."), "success");
    }).catch(function (error) { event.target.checked = !enabled; fail(error); });
  });

  // --- jobs ----------------------------------------------------------------------------------------
  function jobDetails(job) {
    var parts = [];
    if (job.kind === "export") {
      var result = job.result || {};
      if (result.count !== undefined) { parts.push(result.count + " certificates, " + (result.format || "pdf")); }
      if (job.error) { parts.push(job.error); }
      return parts.join(" · ");
    }
    if (job.params && job.params.statuses) { parts.push("groups: " + job.params.statuses.join(", ")); }
    if (job.params && job.params.scope) { parts.push("scope: " + job.params.scope); }
    parts.push("changed " + job.changed + ", skipped " + job.skipped + ", failed " + job.failed);
    if (job.error) { parts.push(job.error); }
    return parts.join(" · ");
  }

  function jobRow(job) {
    var pct = Math.round((job.progress || 0) * 100);
    var action = "";
    if (ACTIVE[job.state] && cfg.canManage) {
      action = '<button type="button" class="cm-button cm-secondary cm-cancel" data-job="' + job.id + '">Cancel</button>';
    } else if (job.download_url) {
      action = '<a class="cm-download" href="' + esc(job.download_url) + '">Download</a>';
    }
    return '<tr id="cm-job-' + job.id + '" data-state="' + esc(job.state) + '">' +
      "<td>" + job.id + "</td><td>" + esc(job.kind) + "</td><td>" + esc(job.requested_by) + "</td>" +
      "<td>" + esc(date(job.created)) + '</td><td class="cm-job-state">' + esc(job.state) + "</td>" +
      '<td><progress max="100" value="' + pct + '"></progress> ' + job.processed + "/" + job.total + "</td>" +
      "<td>" + esc(jobDetails(job)) + "</td><td>" + action + "</td></tr>";
  }

  function renderJob(job) {
    var existing = $("cm-job-" + job.id);
    var body = $("cm-jobs-body");
    if (existing) {
      existing.outerHTML = jobRow(job);
    } else {
      var empty = body.querySelector(".cm-empty");
      if (empty) { body.innerHTML = ""; }
      body.insertAdjacentHTML("afterbegin", jobRow(job));
    }
    if (ACTIVE[job.state]) { poll(job.id); }
  }

  function poll(id, onDone) {
    if (onDone) { (whenDone[id] = whenDone[id] || []).push(onDone); }
    if (polling[id]) { return; }
    polling[id] = true;
    var tick = function () {
      api("GET", "jobs/" + id).then(function (job) {
        renderJob(job);
        if (ACTIVE[job.state]) {
          setTimeout(tick, 1000);
          return;
        }
        polling[id] = false;
        (whenDone[id] || []).forEach(function (callback) { callback(job); });
        delete whenDone[id];
        loadCertificates();
        loadExceptions();
      }).catch(function (error) { polling[id] = false; fail(error); });
    };
    setTimeout(tick, 500);
  }

  function loadJobs() {
    return api("GET", "jobs?page_size=20").then(function (data) {
      var body = $("cm-jobs-body");
      if (!data.results.length) {
        body.innerHTML = '<tr class="cm-empty"><td colspan="8" class="cm-muted">No jobs yet.</td></tr>';
        return;
      }
      body.innerHTML = data.results.map(jobRow).join("");
      data.results.forEach(function (job) { if (ACTIVE[job.state]) { poll(job.id); } });
    }).catch(fail);
  }

  $("cm-jobs-body").addEventListener("click", function (event) {
    var button = event.target.closest(".cm-cancel");
    if (!button) { return; }
    api("DELETE", "jobs/" + button.getAttribute("data-job")).then(function (job) {
      renderJob(job);
      message("Cancel requested for job " + job.id + ".", "info");
    }).catch(fail);
  });

  function showDryRun(data) {
    var box = $("cm-dry-run");
    var rows = Object.keys(data.transitions || {}).map(function (key) {
      return "<li>" + esc(key) + ": " + data.transitions[key] + "</li>";
    }).join("");
    box.innerHTML = "<strong>Dry run (" + esc(data.kind) + "):</strong> " + data.would_change + " of " + data.total +
      " certificates would change." + (rows ? "<ul>" + rows + "</ul>" : "");
    box.hidden = false;
  }

  function submitJob(body) {
    return api("POST", "jobs", body).then(function (data) {
      if (body.dry_run) { showDryRun(data); return; }
      message("Started job " + data.id + " (" + data.kind + ").", "success");
      renderJob(data);
      if (!ACTIVE[data.state]) { loadCertificates(); loadExceptions(); }
    }).catch(fail);
  }

  function selectedGroups() {
    return Array.prototype.map.call(document.querySelectorAll("#cm-groups input:checked"), function (input) {
      return input.value;
    });
  }

  function scope() {
    var checked = document.querySelector("input[name=cm-scope]:checked");
    return checked ? checked.value : "new";
  }

  function bind(id, handler) { var node = $(id); if (node) { node.addEventListener("click", handler); } }

  bind("cm-generate-all", function () { submitJob({ kind: "generate_all" }); });
  bind("cm-generate-all-dry", function () { submitJob({ kind: "generate_all", dry_run: true }); });
  bind("cm-regenerate", function () {
    var groups = selectedGroups();
    if (!groups.length) { message("Choose at least one learner group.", "error"); return; }
    submitJob({ kind: "regenerate", statuses: groups });
  });
  bind("cm-regenerate-dry", function () {
    var groups = selectedGroups();
    if (!groups.length) { message("Choose at least one learner group.", "error"); return; }
    submitJob({ kind: "regenerate", statuses: groups, dry_run: true });
  });
  bind("cm-generate-exceptions", function () { submitJob({ kind: "generate_exceptions", scope: scope() }); });
  bind("cm-generate-exceptions-dry", function () {
    submitJob({ kind: "generate_exceptions", scope: scope(), dry_run: true });
  });

  // --- exceptions ----------------------------------------------------------------------------------
  function loadExceptions() {
    return api("GET", "exceptions?page_size=500").then(function (data) {
      $("cm-exceptions-body").innerHTML = data.results.length ? data.results.map(function (e) {
        var remove = cfg.canManage ? '<button type="button" class="cm-button cm-secondary cm-remove-exception" data-user="' +
          esc(e.username) + '">Remove</button>' : "";
        return '<tr data-username="' + esc(e.username) + '"><td>' + esc(e.name) + "</td><td>" + esc(e.username) +
          "</td><td>" + esc(e.email) + "</td><td>" + esc(date(e.granted)) + "</td><td>" +
          esc(date(e.certificate_generated)) + "</td><td>" + esc(e.notes) + "</td><td>" + remove + "</td></tr>";
      }).join("") : '<tr><td colspan="7" class="cm-muted">No exceptions.</td></tr>';
    }).catch(fail);
  }

  if ($("cm-exception-form")) {
    $("cm-exception-form").addEventListener("submit", function (event) {
      event.preventDefault();
      api("POST", "exceptions", { user: $("cm-exception-user").value, notes: $("cm-exception-notes").value })
        .then(function (e) {
          message((e.username || "Learner") + " added to the exception list.", "success");
          $("cm-exception-form").reset();
          loadExceptions();
        }).catch(fail);
    });
    $("cm-exception-bulk-form").addEventListener("submit", function (event) {
      event.preventDefault();
      var file = $("cm-exception-file").files[0];
      if (!file) { message("Choose a CSV file.", "error"); return; }
      var form = new FormData();
      form.append("file", file);
      api("POST", "exceptions/bulk", form).then(function (data) {
        var summary = data.summary || {};
        var errors = (data.errors || []).map(function (e) {
          return "line " + e.line + " (" + e.user + "): " + e.message;
        });
        $("cm-bulk-result").textContent = summary.added + " added, " + summary.failed + " failed." +
          (errors.length ? " " + errors.join("; ") : "");
        message("CSV processed: " + summary.added + " added.", summary.failed ? "error" : "success");
        loadExceptions();
      }).catch(fail);
    });
  }

  $("cm-exceptions-body").addEventListener("click", function (event) {
    var button = event.target.closest(".cm-remove-exception");
    if (!button) { return; }
    var user = button.getAttribute("data-user");
    api("DELETE", "exceptions/" + encodeURIComponent(user)).then(function () {
      message(user + " removed from the exception list.", "success");
      loadExceptions();
      loadCertificates();
    }).catch(fail);
  });

  // --- invalidations -------------------------------------------------------------------------------
  function loadInvalidations() {
    return api("GET", "invalidations?page_size=500").then(function (data) {
      $("cm-invalidations-body").innerHTML = data.results.length ? data.results.map(function (i) {
        var action = cfg.canManage ? '<button type="button" class="cm-button cm-secondary cm-revalidate" data-id="' + i.id +
          '">Re-validate</button>' : "";
        return '<tr data-username="' + esc(i.username) + '"><td>' + esc(i.name) + "</td><td>" + esc(i.username) +
          "</td><td>" + esc(i.invalidated_by) + "</td><td>" + esc(date(i.created)) + "</td><td>" + esc(i.notes) +
          "</td><td>" + action + "</td></tr>";
      }).join("") : '<tr><td colspan="6" class="cm-muted">No invalidations.</td></tr>';
    }).catch(fail);
  }

  if ($("cm-invalidation-form")) {
    $("cm-invalidation-form").addEventListener("submit", function (event) {
      event.preventDefault();
      api("POST", "invalidations", { user: $("cm-invalidation-user").value, notes: $("cm-invalidation-notes").value })
        .then(function (i) {
          message("Certificate of " + (i.username || "the learner") + " invalidated.", "success");
          $("cm-invalidation-form").reset();
          loadInvalidations();
          loadCertificates();
        }).catch(fail);
    });
  }

  $("cm-invalidations-body").addEventListener("click", function (event) {
    var button = event.target.closest(".cm-revalidate");
    if (!button) { return; }
    api("DELETE", "invalidations/" + button.getAttribute("data-id")).then(function () {
      message("Certificate re-validated.", "success");
      loadInvalidations();
      loadCertificates();
    }).catch(fail);
  });

  // --- certificates --------------------------------------------------------------------------------
  function loadCertificates(page) {
    certPage = page || certPage;
    var query = "certificates?page_size=25&page=" + certPage +
      "&search=" + encodeURIComponent($("cm-search").value) +
      "&status=" + encodeURIComponent($("cm-status-filter").value);
    return api("GET", query).then(function (data) {
      $("cm-certificates-body").innerHTML = data.results.length ? data.results.map(function (c) {
        var links = '<a href="/cert_manager/certificates/' + esc(c.verify_uuid) + '/" target="_blank" rel="noopener">View</a>';
        if (c.status === "downloadable") {
          links += ' · <a href="/cert_manager/certificates/' + esc(c.verify_uuid) + '.pdf" target="_blank" rel="noopener">PDF</a>';
        }
        if (cfg.canManage) {
          links += ' <button type="button" class="cm-button cm-secondary cm-delete-cert" data-user="' + esc(c.username) +
            '">Delete</button>';
        }
        return '<tr data-username="' + esc(c.username) + '"><td>' + esc(c.username) + "</td><td>" + esc(c.name) +
          '</td><td class="cm-cert-status">' + esc(c.status) + "</td><td>" + esc(c.mode) + "</td><td>" +
          percent(c.grade) + "</td><td>" + esc(date(c.issued_date)) + "</td><td>" + links + "</td></tr>";
      }).join("") : '<tr><td colspan="7" class="cm-muted">No certificates.</td></tr>';
      $("cm-page-info").textContent = "Page " + data.current_page + " of " + data.num_pages + " (" + data.count + ")";
      $("cm-prev").disabled = !data.previous;
      $("cm-next").disabled = !data.next;
    }).catch(fail);
  }

  $("cm-certificate-filter").addEventListener("submit", function (event) {
    event.preventDefault();
    loadCertificates(1);
  });
  $("cm-prev").addEventListener("click", function () { loadCertificates(Math.max(1, certPage - 1)); });
  $("cm-next").addEventListener("click", function () { loadCertificates(certPage + 1); });

  $("cm-certificates-body").addEventListener("click", function (event) {
    var button = event.target.closest(".cm-delete-cert");
    if (!button) { return; }
    var user = button.getAttribute("data-user");
    if (!window.confirm("Delete the certificate of " + user + "?")) { return; }
    api("DELETE", "certificates/" + encodeURIComponent(user)).then(function () {
      message("Certificate of " + user + " deleted.", "success");
      loadCertificates();
    }).catch(fail);
  });

  // --- export and delete all -----------------------------------------------------------------------
  bind("cm-export-pdf", function () {
    $("cm-export-link").hidden = true;
    $("cm-export-status").textContent = "Exporting…";
    api("POST", "export", { format: "pdf" }).then(function (job) {
      renderJob(job);
      var done = function (finished) {
        if (finished.state === "succeeded" && finished.download_url) {
          $("cm-export-status").textContent = (finished.result && finished.result.count) + " certificates exported.";
          $("cm-export-link").href = finished.download_url;
          $("cm-export-link").hidden = false;
        } else {
          $("cm-export-status").textContent = "Export " + finished.state + (finished.error ? ": " + finished.error : ".");
        }
      };
      if (!ACTIVE[job.state]) { done(job); } else { poll(job.id, done); }
    }).catch(function (error) { $("cm-export-status").textContent = ""; fail(error); });
  });

  if ($("cm-delete-all-form")) {
    $("cm-delete-all-form").addEventListener("submit", function (event) {
      event.preventDefault();
      var confirmText = $("cm-delete-all-confirm").value.trim();
      if (confirmText !== cfg.courseId) { message("Type the course id exactly to confirm.", "error"); return; }
      api("DELETE", "certificates", { confirm: confirmText }).then(function (data) {
        message(data.deleted + " certificates deleted.", "success");
        $("cm-delete-all-form").reset();
        loadCertificates(1);
      }).catch(fail);
    });
  }

  loadSettings();
  loadJobs();
  loadExceptions();
  loadInvalidations();
  loadCertificates(1);
}());
