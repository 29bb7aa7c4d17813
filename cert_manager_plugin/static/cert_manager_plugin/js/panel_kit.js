/*
 * What the instructor panel's scripts share (instructor_panel.js, design_editor.js; loaded before both, no build
 * step): words from Django's JavaScript catalog (cert_manager:jsi18n), numbers and dates in the panel's language
 * (Intl), and DOM built from text nodes only (no data ever becomes markup). Exposed as window.cmPanelKit.
 */
(function () {
  "use strict";

  function catalog() { return window.django || {}; }
  function gettext(msgid) {
    var django = catalog();
    return typeof django.gettext === "function" ? django.gettext(msgid) : msgid;
  }
  function ngettext(singular, plural, count) {
    var django = catalog();
    if (typeof django.ngettext === "function") { return django.ngettext(singular, plural, count); }
    return count === 1 ? singular : plural;
  }
  /* "%(name)s" placeholders filled with values (a placeholder without a value stays as it is). */
  function fmt(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (whole, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : whole;
    });
  }
  /* An element: attributes ("text" its text, "className" its class, true an empty attribute), then children. */
  function h(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      var value = attrs[key];
      if (value === null || value === undefined || value === false) { return; }
      if (key === "text") { node.textContent = value; } else if (key === "className") { node.className = value; } else { node.setAttribute(key, value === true ? "" : value); }
    });
    (children || []).forEach(function (child) {
      if (child === null || child === undefined || child === "") { return; }
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }
  function clear(node) { while (node.firstChild) { node.removeChild(node.firstChild); } }
  /*
   * Formatters in ``language`` (the browser's when Intl does not know it): ``intl(make)`` any other,
   * ``number(value)``, ``time(iso)`` (a <time> element, or null for no or a bad date).
   */
  function formats(language) {
    function intl(make) {
      try { return make(language); } catch (e) { return make(undefined); }
    }
    var numberFormat = intl(function (lang) { return new Intl.NumberFormat(lang); });
    var dateTimeFormat = intl(function (lang) {
      return new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeStyle: "short" });
    });
    return {
      intl: intl,
      number: function (value) { return numberFormat.format(value || 0); },
      time: function (value) {
        var d = value ? new Date(value) : null;
        if (!d || isNaN(d.getTime())) { return null; }
        return h("time", { datetime: value, text: dateTimeFormat.format(d) });
      }
    };
  }

  window.cmPanelKit = { gettext: gettext, ngettext: ngettext, fmt: fmt, h: h, clear: clear, formats: formats };
}());
