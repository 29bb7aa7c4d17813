/*
 * The instructor panel's "Certificate design" card (templates/cert_manager_plugin/_design_editor.html): drives the
 * REST API's design resources (courses/<course_id>/design, design/versions, design/assets, design/preview,
 * design/apply). No build step; loaded after panel_kit.js (words, Intl, DOM helpers shared with instructor_panel.js)
 * and instructor_panel.js (same patterns: text nodes only, CSRF header on every write). It
 * touches nothing outside #cm-panel; of the panel it uses only what a person would: the history's search form
 * (submitted after an apply job starts, so the history lists and follows the job) and the job-lock note (whether
 * a job runs: the panel then marks every .cm-job-button, this card's "Apply" included, unavailable).
 *
 * - The document being edited is kept whole (every mode and language); the "Certificates these settings are for"
 *   choice shows the base design or one override ("mode:verified", "lang:es", "verified|es") in the same fields.
 * - Every change refreshes the preview (debounced POST design/preview, HTML into a sandboxed iframe, scaled to fit
 *   at 390 or 1366 pixels); an error of the API shows beside the field its path names.
 * - Course staff get the same card with its editing fieldsets disabled by the server; the preview still works.
 */
(function () {
  "use strict";

  var root = document.getElementById("cm-panel");
  var card = root ? root.querySelector("#cm-design") : null;
  var configNode = root ? root.querySelector("#cm-config") : null;
  if (!card || !configNode) { return; }
  var cfg = JSON.parse(configNode.textContent);
  var canManage = card.getAttribute("data-can-manage") === "true";
  var BLOCKS = ["title", "intro", "completion", "footer"];
  var COLOURS = ["primary", "accent", "text", "background"];
  var IMAGES = ["logo", "background"];
  var SIGNATORY_LINES = ["name", "title", "organization"];
  var MAX_SIGNATORIES = 4;
  var HEX = /^#[0-9a-fA-F]{6}$/;
  var PREVIEW_DELAY = 400;
  var VERSIONS_PAGE_SIZE = 10;
  var ACTIVE = { queued: true, running: true };

  // --- words, numbers, dates, DOM (panel_kit.js, shared with instructor_panel.js) ---------------------------
  var kit = window.cmPanelKit;
  var gettext = kit.gettext;
  var ngettext = kit.ngettext;
  var fmt = kit.fmt;
  var h = kit.h;
  var clear = kit.clear;
  var labels = cfg.labels || {};
  function word(group, code) {
    var words = labels[group] || {};
    return Object.prototype.hasOwnProperty.call(words, code) ? words[code] : code;
  }
  var formats = kit.formats(cfg.language || root.getAttribute("lang") || undefined);
  var intl = formats.intl;
  var number = formats.number;
  var time = formats.time;

  // --- DOM --------------------------------------------------------------------------------------------------
  function $(id) { return root.querySelector("#" + id); }
  function all(selector) { return Array.prototype.slice.call(card.querySelectorAll(selector)); }
  function say(areaId, kind, text, detail) {
    var area = $(areaId);
    if (!area) { return; }
    clear(area);
    area.className = "cm-feedback" + (text ? " cm-feedback-" + kind : "");
    if (!text) { return; }
    area.appendChild(h("span", { className: "cm-feedback-text", text: text }));
    if (detail) {
      area.appendChild(document.createTextNode(" "));
      area.appendChild(h("span", { className: "cm-api-message", text: detail }));
    }
  }

  // --- requests ---------------------------------------------------------------------------------------------
  function csrfToken() {
    var input = root.querySelector("input[name=csrfmiddlewaretoken]");
    if (input && input.value) { return input.value; }
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }
  /* One request; resolves with the response (ok), rejects with an Error carrying the API's JSON error body. */
  function send(method, path, body, accept, signal) {
    var options = {
      method: method,
      credentials: "same-origin",
      headers: { "Accept": accept || "application/json", "X-CSRFToken": csrfToken() },
      signal: signal
    };
    if (body instanceof FormData) {
      options.body = body;
    } else if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    return fetch(cfg.api + path, options).then(function (response) {
      if (response.ok) { return response; }
      return response.text().then(function (raw) {
        var data = null;
        try { data = raw ? JSON.parse(raw) : null; } catch (e) { data = null; }
        var error = new Error((data && (data.message || data.detail)) || String(response.status));
        error.status = response.status;
        error.data = data || {};
        throw error;
      });
    }, function (reason) {
      var error = new Error("network");
      error.aborted = reason && reason.name === "AbortError";
      error.network = !error.aborted;
      error.data = {};
      throw error;
    });
  }
  function api(method, path, body) {
    return send(method, path, body).then(function (response) {
      return response.text().then(function (raw) { return raw ? JSON.parse(raw) : null; });
    });
  }
  function apiMessage(error) {
    if (error.network) { return gettext("The server could not be reached. Check the connection and try again."); }
    var data = error.data || {};
    var parts = [];
    if (data.message || data.detail) { parts.push(String(data.message || data.detail)); }
    fieldErrors(error).forEach(function (item) {
      if (parts.indexOf(item.message) < 0) { parts.push(item.message); }
    });
    if (!parts.length) { parts.push(fmt(gettext("The server answered with status %(status)s."), { status: error.status })); }
    return parts.join(" ");
  }

  // --- errors beside their fields -----------------------------------------------------------------------------
  /* The API's field errors as [{path, message}]: "blocks.title", nested dicts flattened, "document." dropped. */
  function fieldErrors(error) {
    var found = [];
    function walk(value, path) {
      if (value === null || value === undefined) { return; }
      if (typeof value === "string") { found.push({ path: path, message: value }); return; }
      if (Array.isArray(value)) { value.forEach(function (item) { walk(item, path); }); return; }
      if (typeof value === "object") {
        Object.keys(value).forEach(function (key) { walk(value[key], path ? path + "." + key : key); });
      }
    }
    walk((error.data || {}).field_errors || {}, "");
    return found.map(function (item) {
      return { path: item.path.replace(/^document\./, ""), message: item.message };
    });
  }
  /* The path as the fields of the current scope name it ("overrides.lang:es.blocks.title" -> "blocks.title"). */
  function localPath(path) {
    var key = scopeKey();
    if (!key) { return path.indexOf("overrides.") === 0 ? null : path; }
    var prefix = "overrides." + key + ".";
    if (path.indexOf(prefix) === 0) { return path.slice(prefix.length); }
    return ["username", "note"].indexOf(path) >= 0 ? path : null;
  }
  function clearErrors(paths) {
    all("[data-error-for]").forEach(function (box) {
      var path = box.getAttribute("data-error-for");
      if (paths && paths.indexOf(path) < 0) { return; }
      box.textContent = "";
      all("[data-path='" + path + "']").forEach(function (field) { field.removeAttribute("aria-invalid"); });
    });
  }
  /* Shows each field error beside its field; returns the messages no visible field could take. */
  function showErrors(error, only) {
    clearErrors(only);
    var rest = [];
    fieldErrors(error).forEach(function (item) {
      var path = localPath(item.path);
      var box = path ? card.querySelector("[data-error-for='" + path + "']") : null;
      if (!box || (only && only.indexOf(path) < 0)) { rest.push(describeError(item)); return; }
      box.textContent = box.textContent ? box.textContent + " " + item.message : item.message;
      all("[data-path='" + path + "']").forEach(function (field) { field.setAttribute("aria-invalid", "true"); });
    });
    return rest;
  }
  /* An error no visible field can show, with where it is: "Verified, Español: Title: …" (the fields' own labels). */
  function describeError(item) {
    var parts = item.path.split(".");
    var where = [];
    if (parts[0] === "overrides" && parts.length > 1) {
      where.push(scopeWords(parts[1]));
      parts = parts.slice(2);
    }
    var field = card.querySelector("[data-path='" + parts.join(".") + "']");
    var label = field && field.id ? card.querySelector("label[for='" + field.id + "']") : null;
    if (label) { where.push(label.textContent.trim()); }
    return where.length ? fmt(gettext("%(where)s: %(message)s"), { where: where.join(": "), message: item.message }) : item.message;
  }
  /* "mode:verified", "lang:es", "verified|es" in words (the selects' own). */
  function scopeWords(key) {
    var mode = key.indexOf("mode:") === 0 ? key.slice(5) : (key.indexOf("|") > 0 ? key.split("|")[0] : "");
    var lang = key.indexOf("lang:") === 0 ? key.slice(5) : (key.indexOf("|") > 0 ? key.split("|")[1] : "");
    var words = [];
    [["cm-design-scope-mode", mode], ["cm-design-scope-language", lang]].forEach(function (pair) {
      if (!pair[1]) { return; }
      var option = $(pair[0]).querySelector("option[value='" + pair[1].replace(/'/g, "") + "']");
      words.push(option ? option.textContent : pair[1]);
    });
    return words.join(", ") || key;
  }
  function firstInvalid() {
    var field = card.querySelector("[aria-invalid=true]:not([disabled])");
    if (field) { field.focus(); }
  }

  // --- the document -----------------------------------------------------------------------------------------
  var library = {};  // id -> {id, name, description, defaults}
  var libraryOrder = [];
  var doc = null;
  var saved = "";
  var current = null;  // the current version (or null)
  function emptyBlocks() { return { title: "", intro: "", completion: "", footer: "" }; }
  function defaults(base) { return (library[base] || {}).defaults || {}; }
  function libraryColours(base) {
    var colours = defaults(base).colours || {};
    var out = {};
    COLOURS.forEach(function (name) { out[name] = HEX.test(colours[name] || "") ? colours[name] : "#000000"; });
    if (!colours.background) { out.background = "#ffffff"; }
    return out;
  }
  function newDocument(base) {
    return {
      base: base, colours: libraryColours(base), font: defaults(base).font || "sans", logo: "", background: "",
      show_qr: true, blocks: emptyBlocks(), course_title: "", signatories: [], overrides: {}
    };
  }
  /* A saved document with every key the editor shows (an older version may lack some). */
  function complete(data) {
    var base = data && library[data.base] ? data.base : libraryOrder[0];
    var out = newDocument(base);
    if (!data) { return out; }
    ["font", "logo", "background", "course_title"].forEach(function (key) { if (typeof data[key] === "string") { out[key] = data[key]; } });
    if (typeof data.show_qr === "boolean") { out.show_qr = data.show_qr; }
    COLOURS.forEach(function (name) { if (data.colours && HEX.test(data.colours[name] || "")) { out.colours[name] = data.colours[name]; } });
    BLOCKS.forEach(function (name) { if (data.blocks && typeof data.blocks[name] === "string") { out.blocks[name] = data.blocks[name]; } });
    out.signatories = (Array.isArray(data.signatories) ? data.signatories : []).slice(0, MAX_SIGNATORIES).map(function (one) {
      var copy = { name: "", title: "", organization: "", signature: "" };
      Object.keys(copy).forEach(function (key) { if (one && typeof one[key] === "string") { copy[key] = one[key]; } });
      return copy;
    });
    out.overrides = JSON.parse(JSON.stringify(data.overrides || {}));
    return out;
  }
  function dirty() { return JSON.stringify(doc) !== saved; }
  function showDirty() {
    $("cm-design-dirty").textContent = doc && dirty() ? gettext("Unsaved changes: the preview shows them; certificates do not until you save and apply.") : "";
  }

  // --- scope: the base design or one override ----------------------------------------------------------------
  function scopeMode() { return $("cm-design-scope-mode").value; }
  function scopeLanguage() { return $("cm-design-scope-language").value; }
  function scopeKey() {
    var mode = scopeMode();
    var lang = scopeLanguage();
    if (mode && lang) { return mode + "|" + lang; }
    if (mode) { return "mode:" + mode; }
    return lang ? "lang:" + lang : "";
  }
  function override(create) {
    var key = scopeKey();
    if (!key) { return null; }
    if (!doc.overrides[key] && create) { doc.overrides[key] = {}; }
    return doc.overrides[key] || null;
  }
  /* Drops what an override leaves empty (a block of "" or a colour equal to the base's), and the override itself. */
  function prune() {
    var key = scopeKey();
    var own = key ? doc.overrides[key] : null;
    if (!own) { return; }
    ["blocks", "colours"].forEach(function (part) {
      var values = own[part] || {};
      Object.keys(values).forEach(function (name) {
        if (values[name] === "" || (part === "colours" && values[name] === doc.colours[name])) { delete values[name]; }
      });
      if (!Object.keys(values).length) { delete own[part]; }
    });
    if (!Object.keys(own).length) { delete doc.overrides[key]; }
  }
  function optionText(select) {
    var option = select.options[select.selectedIndex];
    return option ? option.textContent : "";
  }
  function showScope() {
    var key = scopeKey();
    var mode = scopeMode();
    var lang = scopeLanguage();
    var text;
    if (!key) {
      text = gettext("Editing the design of every certificate.");
    } else if (mode && lang) {
      text = fmt(gettext("Editing the own wording and colours of %(mode)s certificates in %(language)s."), {
        mode: optionText($("cm-design-scope-mode")), language: optionText($("cm-design-scope-language"))
      });
    } else if (mode) {
      text = fmt(gettext("Editing the own wording and colours of %(mode)s certificates."), { mode: optionText($("cm-design-scope-mode")) });
    } else {
      text = fmt(gettext("Editing the own wording and colours of certificates in %(language)s."), {
        language: optionText($("cm-design-scope-language"))
      });
    }
    $("cm-design-scope-state").textContent = text;
    var remove = $("cm-design-scope-clear");
    if (remove) { remove.hidden = !key || !doc.overrides[key]; }
    $("cm-design-global-note").hidden = !key;
    all(".cm-design-global").forEach(function (set) { set.disabled = !canManage || !!key; });
  }

  // --- the form <-> the document -----------------------------------------------------------------------------
  function buildLibrary() {
    var list = $("cm-design-library-list");
    clear(list);
    libraryOrder.forEach(function (id) {
      var item = library[id];
      var helpId = "cm-design-base-" + id + "-help";
      list.appendChild(h("div", { className: "cm-check" }, [
        h("input", { type: "radio", name: "cm-design-base", id: "cm-design-base-" + id, value: id, "data-path": "base", "aria-describedby": item.description ? helpId : null }),
        h("label", { "for": "cm-design-base-" + id, text: item.name || id })
      ]));
      if (item.description) { list.appendChild(h("p", { className: "cm-help", id: helpId, text: item.description })); }
    });
  }
  function fillFonts(fonts) {
    var select = $("cm-design-font");
    (fonts || []).forEach(function (font) {
      var id = typeof font === "string" ? font : font.id;
      if (!id || select.querySelector("option[value='" + id + "']")) { return; }
      select.appendChild(h("option", { value: id, text: (typeof font === "object" && (font.name || font.label)) || id }));
    });
  }
  function imageName(name) { return String(name || "").split("/").pop(); }
  function showImages() {
    IMAGES.forEach(function (kind) {
      var name = doc[kind];
      var state = $("cm-design-" + kind + "-state");
      if (state.getAttribute("data-name") !== name) {
        state.textContent = name ? fmt(gettext("In use: %(name)s"), { name: imageName(name) }) : gettext("None.");
        state.removeAttribute("data-name");
      }
      var remove = $("cm-design-" + kind + "-remove");
      if (remove) { remove.hidden = !name; }
    });
  }
  /* Every field from the document, for the current scope (an override shows the base beneath, in grey). */
  function showForm() {
    var own = override(false) || {};
    all("input[name=cm-design-base]").forEach(function (input) { input.checked = input.value === doc.base; });
    $("cm-design-font").value = doc.font;
    $("cm-design-qr").checked = !!doc.show_qr;
    $("cm-design-course-title").value = doc.course_title;
    COLOURS.forEach(function (name) {
      var value = (own.colours || {})[name] || doc.colours[name];
      $("cm-design-colour-" + name).value = value;
      $("cm-design-colour-" + name + "-code").value = value;
    });
    BLOCKS.forEach(function (name) {
      var key = scopeKey();
      $("cm-design-block-" + name).value = key ? ((own.blocks || {})[name] || "") : doc.blocks[name];
      showDefault(name);
    });
    showImages();
    showSignatories();
    showScope();
    showContrast();
    showDirty();
  }
  /* Under each wording field: what an empty field prints (the base design's wording, or the design's own). */
  function showDefault(name) {
    var fallback = (defaults(doc.base).blocks || {})[name] || "";
    if (scopeKey() && doc.blocks[name]) { fallback = doc.blocks[name]; }
    var box = $("cm-design-block-" + name + "-default");
    clear(box);
    if (fallback) { withVariables(fmt(gettext("When empty: %(text)s"), { text: fallback })).forEach(function (node) { box.appendChild(node); }); }
  }
  /* Text with its {variables} as code (names, not words: read left to right in every language). */
  function withVariables(text) {
    return text.split(/(\{\w+\})/).filter(Boolean).map(function (part) {
      return /^\{\w+\}$/.test(part) ? h("code", { dir: "ltr", text: part }) : document.createTextNode(part);
    });
  }
  function changed() {
    prune();
    showScope();
    showDirty();
    schedulePreview();
  }
  function setColour(name, value) {
    var own = override(true);
    if (own) { (own.colours = own.colours || {})[name] = value; } else { doc.colours[name] = value; }
    changed();
    showContrast();
  }
  function setBlock(name, value) {
    var own = override(true);
    if (own) { (own.blocks = own.blocks || {})[name] = value; } else { doc.blocks[name] = value; }
    changed();
  }

  // --- contrast of the text on the background (WCAG 2 relative luminance) ------------------------------------
  function luminance(hex) {
    var channels = [1, 3, 5].map(function (at) {
      var c = parseInt(hex.substr(at, 2), 16) / 255;
      return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2];
  }
  function showContrast() {
    var text = $("cm-design-colour-text-code").value;
    var back = $("cm-design-colour-background-code").value;
    var box = $("cm-design-contrast");
    if (!HEX.test(text) || !HEX.test(back)) { box.textContent = ""; return; }
    var a = luminance(text);
    var b = luminance(back);
    var ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    box.textContent = ratio < 4.5 ? fmt(gettext("The text colour on the background colour has a contrast of %(ratio)s to 1; at least 4.5 to 1 keeps the certificate readable."), {
      ratio: intl(function (lang) { return new Intl.NumberFormat(lang, { maximumFractionDigits: 1 }); }).format(ratio)
    }) : "";
  }

  // --- field events ------------------------------------------------------------------------------------------
  var lastBlock = null;
  function wireFields() {
    $("cm-design-library-list").addEventListener("change", function (event) {
      var input = event.target;
      if (input.name !== "cm-design-base" || !library[input.value]) { return; }
      doc.base = input.value;
      doc.colours = libraryColours(input.value);
      doc.font = defaults(input.value).font || doc.font;
      clearErrors(["base"]);
      showForm();
      changed();
    });
    COLOURS.forEach(function (name) {
      var picker = $("cm-design-colour-" + name);
      var code = $("cm-design-colour-" + name + "-code");
      picker.addEventListener("input", function () {
        code.value = picker.value;
        clearErrors(["colours." + name]);
        setColour(name, picker.value.toLowerCase());
      });
      code.addEventListener("input", function () {
        var value = code.value.trim();
        if (!HEX.test(value)) { return; }
        picker.value = value.toLowerCase();
        clearErrors(["colours." + name]);
        setColour(name, value.toLowerCase());
      });
      code.addEventListener("change", function () {
        if (HEX.test(code.value.trim())) { return; }
        var box = $("cm-design-colour-" + name + "-error");
        box.textContent = gettext("Type # and six hexadecimal digits (0 to 9, a to f).");
        code.setAttribute("aria-invalid", "true");
      });
    });
    $("cm-design-font").addEventListener("change", function () { doc.font = this.value; clearErrors(["font"]); changed(); });
    $("cm-design-qr").addEventListener("change", function () { doc.show_qr = this.checked; changed(); });
    $("cm-design-course-title").addEventListener("input", function () { doc.course_title = this.value; clearErrors(["course_title"]); changed(); });
    BLOCKS.forEach(function (name) {
      var input = $("cm-design-block-" + name);
      input.addEventListener("focus", function () { lastBlock = input; });
      input.addEventListener("input", function () {
        clearErrors(["blocks." + name]);
        setBlock(name, input.value);
      });
    });
    all(".cm-design-variable").forEach(function (button) {
      button.addEventListener("click", function () { insertVariable(button.getAttribute("data-variable")); });
    });
    ["cm-design-scope-mode", "cm-design-scope-language"].forEach(function (id) {
      $(id).addEventListener("change", function () { clearErrors(); showForm(); refreshPreview(); });
    });
    var remove = $("cm-design-scope-clear");
    if (remove) {
      remove.addEventListener("click", function () {
        delete doc.overrides[scopeKey()];
        showForm();
        changed();
        $("cm-design-scope-state").focus();
      });
    }
  }
  function insertVariable(name) {
    var input = lastBlock || $("cm-design-block-title");
    var text = "{" + name + "}";
    var start = typeof input.selectionStart === "number" ? input.selectionStart : input.value.length;
    var end = typeof input.selectionEnd === "number" ? input.selectionEnd : start;
    input.value = input.value.slice(0, start) + text + input.value.slice(end);
    input.focus();
    input.setSelectionRange(start + text.length, start + text.length);
    input.dispatchEvent(new Event("input", { bubbles: true }));
    var label = card.querySelector("label[for='" + input.id + "']");
    $("cm-design-variable-status").textContent = fmt(gettext("Inserted into %(field)s."), { field: label ? label.textContent : "" });
  }

  // --- logo and background upload -----------------------------------------------------------------------------
  function wireImages() {
    IMAGES.forEach(function (kind) {
      var input = $("cm-design-" + kind);
      input.addEventListener("change", function () {
        var file = input.files && input.files[0];
        if (!file) { return; }
        var form = new FormData();
        form.append("file", file);
        form.append("kind", kind);
        clearErrors([kind]);
        var state = $("cm-design-" + kind + "-state");
        state.textContent = gettext("Uploading…");
        input.setAttribute("aria-busy", "true");
        api("POST", "design/assets", form).then(function (asset) {
          doc[kind] = asset.name;
          state.setAttribute("data-name", asset.name);
          state.textContent = fmt(gettext("In use: %(name)s (%(width)s × %(height)s pixels)."), {
            name: file.name, width: number(asset.width), height: number(asset.height)
          });
          changed();
        }).catch(function (error) {
          var box = $("cm-design-" + kind + "-error");
          box.textContent = apiMessage(error);  // the file's own error ("file", "kind" or the message)
          input.setAttribute("aria-invalid", "true");
          showImages();
        }).then(function () {
          input.removeAttribute("aria-busy");
          input.value = "";
        });
      });
      var remove = $("cm-design-" + kind + "-remove");
      if (remove) {
        remove.addEventListener("click", function () {
          doc[kind] = "";
          showImages();
          changed();
          input.focus();
        });
      }
    });
  }

  // --- signatories (printed when the course has none in Studio) -------------------------------------------------
  /* One signatory's row: its three lines, its signature image (upload, remove) and a button that removes it. */
  function signatoryRow(one, index) {
    var prefix = "cm-design-signatory-" + index;
    var path = "signatories." + index;
    var words = { name: gettext("Name"), title: gettext("Title"), organization: gettext("Organization") };
    var legend = fmt(gettext("Signatory %(number)s"), { number: number(index + 1) });
    var fields = SIGNATORY_LINES.map(function (line) {
      var id = prefix + "-" + line;
      var input = h("input", {
        type: "text", id: id, maxlength: "100", autocomplete: "off", "data-signatory": String(index), "data-line": line,
        "data-path": path + "." + line, "aria-describedby": id + "-error", required: line === "name"
      });
      input.value = one[line] || "";
      return h("div", { className: "cm-field" }, [
        h("label", { "for": id, text: words[line] }), input,
        h("p", { className: "cm-field-error", id: id + "-error", "data-error-for": path + "." + line })
      ]);
    });
    var imageId = prefix + "-signature";
    var image = h("div", { className: "cm-design-image" }, [
      h("div", { className: "cm-field" }, [
        h("label", { "for": imageId, text: gettext("Signature image") }),
        h("input", {
          type: "file", id: imageId, accept: "image/png,image/jpeg", "data-signatory": String(index), "data-path": path + ".signature",
          "aria-describedby": "cm-design-image-help " + imageId + "-state " + imageId + "-error"
        })
      ]),
      h("p", { className: "cm-muted", id: imageId + "-state", text: one.signature ? fmt(gettext("In use: %(name)s"), { name: imageName(one.signature) }) : gettext("None.") }),
      h("button", {
        type: "button", className: "cm-button cm-secondary cm-design-signature-remove", "data-signatory": String(index),
        hidden: !one.signature, text: gettext("Remove the signature image")
      }),
      h("p", { className: "cm-field-error", id: imageId + "-error", "data-error-for": path + ".signature" })
    ]);
    var remove = h("button", {
      type: "button", className: "cm-button cm-secondary cm-design-signatory-remove", "data-signatory": String(index),
      text: fmt(gettext("Remove signatory %(number)s"), { number: number(index + 1) })
    });
    return h("fieldset", { className: "cm-fieldset cm-design-signatory", id: prefix }, [h("legend", { text: legend })].concat(fields, [image, remove]));
  }
  function showSignatories() {
    var list = $("cm-design-signatory-list");
    clear(list);
    doc.signatories.forEach(function (one, index) { list.appendChild(signatoryRow(one, index)); });
    $("cm-design-signatory-add").disabled = doc.signatories.length >= MAX_SIGNATORIES;
  }
  function uploadSignature(input) {
    var index = Number(input.getAttribute("data-signatory"));
    var file = input.files && input.files[0];
    if (!file || !doc.signatories[index]) { return; }
    var form = new FormData();
    form.append("file", file);
    form.append("kind", "signature");
    var path = "signatories." + index + ".signature";
    clearErrors([path]);
    var state = $(input.id + "-state");
    state.textContent = gettext("Uploading…");
    input.setAttribute("aria-busy", "true");
    api("POST", "design/assets", form).then(function (asset) {
      doc.signatories[index].signature = asset.name;
      state.textContent = fmt(gettext("In use: %(name)s (%(width)s × %(height)s pixels)."), {
        name: file.name, width: number(asset.width), height: number(asset.height)
      });
      card.querySelector(".cm-design-signature-remove[data-signatory='" + index + "']").hidden = false;
      changed();
    }).catch(function (error) {
      $(input.id + "-error").textContent = apiMessage(error);
      input.setAttribute("aria-invalid", "true");
    }).then(function () {
      input.removeAttribute("aria-busy");
      input.value = "";
    });
  }
  function wireSignatories() {
    var list = $("cm-design-signatory-list");
    list.addEventListener("input", function (event) {
      var input = event.target;
      var one = doc.signatories[Number(input.getAttribute("data-signatory"))];
      var line = input.getAttribute("data-line");
      if (!one || !line) { return; }
      one[line] = input.value;
      clearErrors([input.getAttribute("data-path")]);
      changed();
    });
    list.addEventListener("change", function (event) {
      if (event.target.type === "file") { uploadSignature(event.target); }
    });
    list.addEventListener("click", function (event) {
      var button = event.target.closest("button");
      if (!button) { return; }
      var index = Number(button.getAttribute("data-signatory"));
      if (button.classList.contains("cm-design-signature-remove")) {
        doc.signatories[index].signature = "";
        showSignatories();
        $("cm-design-signatory-" + index + "-signature").focus();
      } else if (button.classList.contains("cm-design-signatory-remove")) {
        doc.signatories.splice(index, 1);
        clearErrors();
        showSignatories();
        var next = $("cm-design-signatory-" + Math.min(index, doc.signatories.length - 1) + "-name");
        (next || $("cm-design-signatory-add")).focus();
      } else { return; }
      changed();
    });
    $("cm-design-signatory-add").addEventListener("click", function () {
      if (doc.signatories.length >= MAX_SIGNATORIES) { return; }
      doc.signatories.push({ name: "", title: "", organization: "", signature: "" });
      showSignatories();
      $("cm-design-signatory-" + (doc.signatories.length - 1) + "-name").focus();
      changed();
    });
  }

  // --- the preview -----------------------------------------------------------------------------------------------
  var previewTimer = null;
  var previewSeq = 0;
  var previewAbort = null;
  var frame = $("cm-design-frame");
  var frameBox = $("cm-design-frame-box");
  function previewWidth() {
    var checked = card.querySelector("input[name=cm-design-width]:checked");
    return checked ? parseInt(checked.value, 10) : 1366;
  }
  function previewBody(format) {
    var body = { document: doc, format: format };
    var who = $("cm-design-preview-as").value.trim();
    if (who) { body.username = who; }
    if (scopeMode()) { body.mode = scopeMode(); }
    if (scopeLanguage()) { body.language = scopeLanguage(); }
    return body;
  }
  function schedulePreview() {
    if (previewTimer) { window.clearTimeout(previewTimer); }
    previewTimer = window.setTimeout(refreshPreview, PREVIEW_DELAY);
  }
  /* The preview's HTML, whatever the API's renderer: text/html, or JSON holding the HTML (a string or {html}). */
  function previewHtml(response) {
    var type = response.headers.get("Content-Type") || "";
    return response.text().then(function (raw) {
      if (type.indexOf("json") < 0) { return raw; }
      var data = JSON.parse(raw);
      return typeof data === "string" ? data : data.html || "";
    });
  }
  function refreshPreview() {
    if (previewTimer) { window.clearTimeout(previewTimer); previewTimer = null; }
    if (!doc) { return Promise.resolve(); }
    if (previewAbort) { previewAbort.abort(); }
    previewAbort = typeof AbortController === "function" ? new AbortController() : null;
    var seq = previewSeq += 1;
    card.setAttribute("data-preview", "loading");
    $("cm-design-preview-status").textContent = gettext("Updating the preview…");
    var accept = "text/html, application/json;q=0.9";
    return send("POST", "design/preview", previewBody("html"), accept, previewAbort && previewAbort.signal)
      .then(previewHtml).then(function (html) {
        if (seq !== previewSeq) { return; }
        clearErrors(previewPaths());
        frame.setAttribute("data-seq", String(seq));
        frame.srcdoc = html;
        $("cm-design-preview-status").textContent = previewWho();
        say("cm-feedback-design-preview", "info", "");
      }).catch(function (error) {
        if (seq !== previewSeq || error.aborted) { return; }
        card.setAttribute("data-preview", "error");
        var rest = showErrors(error, previewPaths());
        if (error.status === 404 && $("cm-design-preview-as").value.trim()) {  // not a learner of the course
          $("cm-design-preview-as-error").textContent = apiMessage(error);
          $("cm-design-preview-as").setAttribute("aria-invalid", "true");
          rest = [apiMessage(error)];
        }
        $("cm-design-preview-status").textContent = gettext("The preview still shows the last design it could draw.");
        say("cm-feedback-design-preview", "error", gettext("The preview could not be drawn."), rest.length ? rest.join(" ") : apiMessage(error));
      });
  }
  function previewPaths() {
    var paths = all("[data-error-for]").map(function (box) { return box.getAttribute("data-error-for"); });
    return paths.filter(function (path) { return path !== "note"; });
  }
  function previewWho() {
    var who = $("cm-design-preview-as").value.trim();
    return who ? fmt(gettext("The preview shows the certificate of %(user)s."), { user: who }) : gettext("The preview shows a sample learner.");
  }
  /*
   * The frame is laid out at the chosen width, as tall as its page (measured from a short frame, so a page that
   * fills its window does not only grow), and scaled down to fit the card: nothing scrolls sideways.
   */
  var fittedRoom = -1;
  function fitFrame() {
    var width = previewWidth();
    var height = 900;
    frame.style.width = width + "px";
    try {
      var inner = frame.contentDocument && frame.contentDocument.documentElement;
      if (inner && frame.getAttribute("data-seq")) {
        frame.style.height = "300px";
        height = Math.max(300, Math.min(inner.scrollHeight, 4000));
      }
    } catch (e) { height = 900; }
    var room = frameBox.clientWidth || width;
    var scale = Math.min(1, room / width);
    fittedRoom = frameBox.clientWidth;
    frame.style.height = height + "px";
    frame.style.transform = scale < 1 ? "scale(" + scale + ")" : "";
    frameBox.style.height = Math.ceil(height * scale) + "px";
    card.setAttribute("data-preview-width", String(width));
  }
  /* The card's width changed (a window resized, a hidden dashboard section shown): fit again; its height is ours. */
  function roomChanged() {
    if (frameBox.clientWidth !== fittedRoom) { fitFrame(); }
  }
  function wirePreview() {
    frame.addEventListener("load", function () {
      fitFrame();
      if (frame.getAttribute("data-seq") === String(previewSeq)) { card.setAttribute("data-preview", "ready"); }
    });
    all("input[name=cm-design-width]").forEach(function (input) { input.addEventListener("change", fitFrame); });
    if (typeof ResizeObserver === "function") { new ResizeObserver(roomChanged).observe(frameBox); }
    $("cm-design-preview-form").addEventListener("submit", function (event) {
      event.preventDefault();
      clearErrors(["username"]);
      refreshPreview();
    });
    $("cm-design-pdf").addEventListener("click", pdfPreview);
    fitFrame();
  }
  var pdfUrl = null;
  function pdfPreview() {
    var button = $("cm-design-pdf");
    if (button.getAttribute("aria-busy") === "true") { return; }
    button.setAttribute("aria-busy", "true");
    var link = $("cm-design-pdf-link");
    link.hidden = true;
    say("cm-feedback-design-preview", "info", gettext("Making the PDF preview…"));
    send("POST", "design/preview", previewBody("pdf"), "application/pdf, application/json;q=0.9").then(function (response) {
      return response.blob();
    }).then(function (blob) {
      if (pdfUrl) { URL.revokeObjectURL(pdfUrl); }
      pdfUrl = URL.createObjectURL(blob.type ? blob : new Blob([blob], { type: "application/pdf" }));
      link.href = pdfUrl;
      link.hidden = false;
      say("cm-feedback-design-preview", "success", gettext("The PDF preview is ready: open it with the link beside the button."));
      link.focus();
    }).catch(function (error) {
      var rest = showErrors(error, previewPaths());
      say("cm-feedback-design-preview", "error", gettext("The PDF preview could not be made."), rest.length ? rest.join(" ") : apiMessage(error));
    }).then(function () { button.removeAttribute("aria-busy"); });
  }

  // --- save and versions ---------------------------------------------------------------------------------------
  function describeVersion(version) {
    if (!version) { return gettext("No design saved yet: certificates use the built-in look. Save a design to make it version 1."); }
    return fmt(gettext("Current design: version %(number)s."), { number: number(version.number) });
  }
  function showCurrent() {
    var box = $("cm-design-current");
    box.removeAttribute("data-loading");
    box.textContent = describeVersion(current);
  }
  function wireSave() {
    var form = $("cm-design-save-form");
    if (!form) { return; }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var button = $("cm-design-save");
      if (button.getAttribute("aria-busy") === "true" || !doc) { return; }
      button.setAttribute("aria-busy", "true");
      clearErrors();
      var note = $("cm-design-note").value.trim();
      api("POST", "design/versions", { document: doc, note: note }).then(function (version) {
        current = version;
        doc = complete(version.document || doc);
        saved = JSON.stringify(doc);
        $("cm-design-note").value = "";
        showCurrent();
        showForm();
        say("cm-feedback-design", "success", fmt(gettext("Version %(number)s saved. New certificates get it; certificates already issued keep their look until you apply it to them."), {
          number: number(version.number)
        }));
        return loadVersions(1);
      }).catch(function (error) {
        var rest = showErrors(error);
        say("cm-feedback-design", "error", gettext("The design was not saved."), rest.length ? rest.join(" ") : apiMessage(error));
        firstInvalid();
      }).then(function () { button.removeAttribute("aria-busy"); });
    });
  }
  var versionsPage = 1;
  function versionRow(version) {
    var isCurrent = current && current.number === version.number;
    var open = h("button", {
      type: "button", className: "cm-button cm-secondary cm-design-open", "data-number": String(version.number),
      text: canManage ? fmt(gettext("Edit from version %(number)s"), { number: number(version.number) })
        : fmt(gettext("Preview version %(number)s"), { number: number(version.number) })
    });
    var cells = [
      [gettext("Version"), [number(version.number), isCurrent ? " " : "", isCurrent ? h("span", { className: "cm-state-chip cm-state-succeeded", text: gettext("current") }) : null]],
      [gettext("Saved"), [time(version.created)]],
      [gettext("Saved by"), [version.created_by || gettext("the system")]],
      [gettext("What changed"), [version.note ? h("span", { className: "cm-notes", text: version.note }) : h("span", { className: "cm-muted", text: gettext("No note") })]]
    ];
    var row = h("tr", { id: "cm-design-version-" + version.number });
    cells.forEach(function (cell) {
      row.appendChild(h("td", { "data-label": cell[0] }, [h("div", { className: "cm-cell" }, cell[1])]));
    });
    row.appendChild(h("td", { className: "cm-row-actions" }, [open]));
    return row;
  }
  function loadVersions(page) {
    versionsPage = page || versionsPage;
    return api("GET", "design/versions?page_size=" + VERSIONS_PAGE_SIZE + "&page=" + versionsPage).then(function (data) {
      var body = $("cm-design-versions-body");
      var rows = (data && data.results) || [];
      clear(body);
      if (!rows.length) {
        body.appendChild(h("tr", { className: "cm-empty" }, [h("td", { colspan: "5", text: gettext("No version yet.") })]));
      }
      rows.forEach(function (version) { body.appendChild(versionRow(version)); });
      $("cm-design-versions-info").textContent = data.count ? fmt(gettext("Page %(page)s of %(pages)s (%(count)s versions)"), {
        page: number(data.current_page || versionsPage), pages: number(data.num_pages || 1), count: number(data.count)
      }) : "";
      $("cm-design-versions-prev").disabled = !data.previous;
      $("cm-design-versions-next").disabled = !data.next;
    }).catch(function (error) {
      var body = $("cm-design-versions-body");
      clear(body);
      body.appendChild(h("tr", { className: "cm-empty" }, [h("td", { colspan: "5", text: gettext("The versions could not be loaded.") })]));
      say("cm-feedback-design", "error", gettext("The versions could not be loaded."), apiMessage(error));
    });
  }
  function openVersion(button) {
    var numberText = button.getAttribute("data-number");
    var ask = dirty() ? confirmDialog({
      title: gettext("Leave your unsaved changes?"),
      body: [gettext("The editor then shows the chosen version; what you changed since the last save is lost.")],
      confirm: gettext("Show the version")
    }) : Promise.resolve(true);
    return ask.then(function (yes) {
      if (!yes) { return null; }
      return api("GET", "design/versions/" + encodeURIComponent(numberText)).then(function (version) {
        doc = complete(version.document);
        if (!canManage) { saved = JSON.stringify(doc); }
        clearErrors();
        showForm();
        refreshPreview();
        say("cm-feedback-design", "info", canManage ? fmt(gettext("The editor shows version %(number)s. Save to make it the current design."), { number: number(version.number) })
          : fmt(gettext("The preview shows version %(number)s."), { number: number(version.number) }));
      });
    }).catch(function (error) {
      say("cm-feedback-design", "error", gettext("The version could not be opened."), apiMessage(error));
    });
  }
  function wireVersions() {
    $("cm-design-versions-prev").addEventListener("click", function () { loadVersions(Math.max(1, versionsPage - 1)); });
    $("cm-design-versions-next").addEventListener("click", function () { loadVersions(versionsPage + 1); });
    $("cm-design-versions-body").addEventListener("click", function (event) {
      var button = event.target.closest(".cm-design-open");
      if (button && button.getAttribute("aria-busy") !== "true") {
        button.setAttribute("aria-busy", "true");
        openVersion(button).then(function () { button.removeAttribute("aria-busy"); });
      }
    });
  }

  // --- a confirmation dialog of the card's own (the panel's is the panel's) --------------------------------------
  var dialog = $("cm-design-confirm");
  var dialogResolve = null;
  var dialogOpener = null;
  function confirmDialog(options) {
    var body = $("cm-design-confirm-body");
    clear(body);
    (options.body || []).forEach(function (part) { body.appendChild(typeof part === "string" ? h("p", { text: part }) : part); });
    $("cm-design-confirm-title").textContent = options.title;
    $("cm-design-confirm-ok").textContent = options.confirm;
    dialogOpener = document.activeElement;
    dialog.returnValue = "";
    return new Promise(function (resolve) {
      dialogResolve = resolve;
      if (typeof dialog.showModal === "function") { dialog.showModal(); } else { dialog.setAttribute("open", ""); }
      $("cm-design-confirm-cancel").focus();
    });
  }
  function dialogClosed() {
    var resolve = dialogResolve;
    dialogResolve = null;
    if (dialogOpener && typeof dialogOpener.focus === "function" && root.contains(dialogOpener)) { dialogOpener.focus(); }
    if (resolve) { resolve(dialog.returnValue === "confirm"); }
  }
  function closeDialog(value) {
    if (typeof dialog.close === "function" && dialog.open) { dialog.close(value); } else { dialog.removeAttribute("open"); dialog.returnValue = value; dialogClosed(); }
  }
  function wireDialog() {
    $("cm-design-confirm-cancel").addEventListener("click", function () { closeDialog("cancel"); });
    $("cm-design-confirm-form").addEventListener("submit", function (event) { event.preventDefault(); closeDialog("confirm"); });
    dialog.addEventListener("close", dialogClosed);
    dialog.addEventListener("cancel", function () { dialog.returnValue = "cancel"; });
    dialog.addEventListener("keydown", function (event) {  // Tab stays in the dialog
      if (event.key !== "Tab") { return; }
      var first = $("cm-design-confirm-cancel");
      var last = $("cm-design-confirm-ok");
      if (event.shiftKey && document.activeElement === first) { event.preventDefault(); last.focus(); } else if (!event.shiftKey && document.activeElement === last) { event.preventDefault(); first.focus(); }
    });
  }

  // --- apply to issued certificates: the dry run, then the job -----------------------------------------------------
  /* The panel locks job buttons (aria-disabled) while a job runs; its lock note says whether one does. */
  function jobLocked() {
    var note = $("cm-job-lock");
    return !!note && !note.hidden;
  }
  function dryRunParts(data) {
    var total = data.total || 0;
    var byMode = data.by_mode || {};
    var modes = Object.keys(byMode).sort();
    var parts = [h("p", { className: "cm-strong", text: fmt(ngettext(
      "%(count)s certificate would get a new revision in version %(version)s.",
      "%(count)s certificates would get a new revision in version %(version)s.", total
    ), { count: number(total), version: number(data.version) }) })];
    if (modes.length) {
      parts.push(h("ul", { className: "cm-transitions" }, modes.map(function (mode) {
        return h("li", { "data-mode": mode, text: fmt(gettext("%(mode)s: %(count)s"), { mode: word("modes", mode), count: number(byMode[mode]) }) });
      })));
    }
    parts.push(h("p", { text: gettext("Each keeps its old revision in its history; learners' links stay the same. The job runs in the background; its progress shows here and in the history.") }));
    if (dirty()) {
      parts.push(h("p", { className: "cm-warning", text: gettext("Your unsaved changes are not part of it: save them as a new version first to apply them.") }));
    }
    return parts;
  }
  function applyDesign() {
    var button = $("cm-design-apply");
    if (!button || button.getAttribute("aria-disabled") === "true" || button.getAttribute("aria-busy") === "true") { return; }
    button.setAttribute("aria-busy", "true");
    button.setAttribute("data-busy", "true");
    say("cm-feedback-design-apply", "info", "");
    api("GET", "design/apply").then(function (preview) {
      if (!preview || !preview.total) {
        say("cm-feedback-design-apply", "info", preview && preview.version ? gettext("Every valid certificate already has the current design: nothing to apply.")
          : gettext("Save a design first: there is no version to apply."));
        return null;
      }
      return confirmDialog({
        title: gettext("Apply the design to issued certificates?"),
        body: dryRunParts(preview),
        confirm: fmt(ngettext("Apply to %(count)s certificate", "Apply to %(count)s certificates", preview.total), { count: number(preview.total) })
      }).then(function (yes) {
        if (!yes) { return null; }
        return api("POST", "design/apply", { version: preview.version }).then(jobStarted);
      });
    }).catch(function (error) {
      say("cm-feedback-design-apply", "error", gettext("The design was not applied."), apiMessage(error));
    }).then(function () {
      button.removeAttribute("aria-busy");
      button.removeAttribute("data-busy");
      button.setAttribute("aria-disabled", jobLocked() ? "true" : "false");
    });
  }
  function jobStarted(job) {
    say("cm-feedback-design-apply", "success", fmt(gettext("Job %(id)s started: %(kind)s."), { id: job.id, kind: word("kinds", job.kind) }));
    refreshHistory();
    showJob(job);
    if (ACTIVE[job.state]) { pollJob(job.id); } else { jobDone(job); }
  }
  /* The panel's history reloads (its filter form, as a person would press "Search"): it then follows the job too. */
  function refreshHistory() {
    var form = $("cm-jobs-filter");
    if (!form) { return; }
    if (typeof form.requestSubmit === "function") { form.requestSubmit(); } else { form.dispatchEvent(new Event("submit", { cancelable: true })); }
  }
  function showJob(job) {
    var box = $("cm-design-progress");
    clear(box);
    box.hidden = false;
    var labelId = "cm-design-progress-label";
    var processed = job.processed || 0;
    var total = job.total || 0;
    box.appendChild(h("p", { id: labelId, text: fmt(gettext("%(kind)s (job %(id)s): %(state)s, %(processed)s of %(total)s certificates."), {
      kind: word("kinds", job.kind), id: job.id, state: word("states", job.state), processed: number(processed), total: number(total)
    }) }));
    var bar = h("progress", { max: String(Math.max(total, 1)), "aria-labelledby": labelId });
    bar.value = ACTIVE[job.state] ? processed : Math.max(total, 1);
    box.appendChild(bar);
    card.setAttribute("data-job-state", job.state);
  }
  function pollJob(id) {
    window.setTimeout(function () {
      api("GET", "jobs/" + id).then(function (job) {
        showJob(job);
        if (ACTIVE[job.state]) { pollJob(id); } else { jobDone(job); }
      }).catch(function (error) {
        say("cm-feedback-design-apply", "error", gettext("The job's progress could not be read."), apiMessage(error));
      });
    }, document.hidden ? 5000 : 1000);
  }
  function jobDone(job) {
    var ok = job.state === "succeeded";
    say("cm-feedback-design-apply", ok ? "success" : "error", ok ? fmt(ngettext(
      "Done: %(count)s certificate has a new revision in the current design.",
      "Done: %(count)s certificates have a new revision in the current design.", job.changed || 0
    ), { count: number(job.changed || 0) }) : fmt(gettext("Job %(id)s ended: %(state)s."), { id: job.id, state: word("states", job.state) }));
  }

  // --- start ----------------------------------------------------------------------------------------------------
  function load() {
    return api("GET", "design").then(function (data) {
      (data.library || []).forEach(function (item) {
        library[item.id] = item;
        libraryOrder.push(item.id);
      });
      fillFonts(data.fonts);
      buildLibrary();
      current = data.current || null;
      doc = complete(current ? current.document : null);
      saved = JSON.stringify(doc);
      showCurrent();
      showForm();
      card.setAttribute("data-ready", "true");
      return Promise.all([refreshPreview(), loadVersions(1)]);
    }).catch(function (error) {
      var box = $("cm-design-current");
      box.removeAttribute("data-loading");
      box.textContent = gettext("The design could not be loaded.");
      say("cm-feedback-design", "error", gettext("The design could not be loaded."), apiMessage(error));
    });
  }

  wireFields();
  wireImages();
  wireSignatories();
  wirePreview();
  wireSave();
  wireVersions();
  wireDialog();
  var applyButton = $("cm-design-apply");
  if (applyButton) { applyButton.addEventListener("click", function (event) { event.preventDefault(); applyDesign(); }); }
  load();
}());
