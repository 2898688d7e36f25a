/* e-Office registry pages: keyboard shortcuts, the letter form (kind-specific fields, sealed secret
   items) and drag-and-drop over the ordinary file input. Progressive enhancement only: every page works
   without this file. No inline scripts (CSP); settings come from data- attributes.

   Shortcuts (documented on each page under "แป้นพิมพ์ลัด"):
   - Alt + a letter: follows the link marked data-eo-shortcut="Key<letter>" (physical key, so it works
     with the Thai keyboard layout too). Never while a modifier other than Alt is held.
   - "/": focus the search field (data-eo-search), unless the user is typing in a field.
   Focus is never trapped: nothing here intercepts Tab or Escape. */
(function () {
  "use strict";

  function isTyping(el) {
    if (!el) { return false; }
    var tag = el.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || el.isContentEditable;
  }

  // --- shortcuts -----------------------------------------------------------------------------------------
  document.addEventListener("keydown", function (evt) {
    if (evt.defaultPrevented || evt.isComposing) { return; }
    if (evt.altKey && !evt.ctrlKey && !evt.metaKey && !evt.shiftKey) {
      var link = document.querySelector('[data-eo-shortcut="' + evt.code + '"]');
      if (link) {
        evt.preventDefault();
        link.click();
      }
      return;
    }
    if ((evt.key === "/" || evt.code === "Slash") && !evt.altKey && !evt.ctrlKey && !evt.metaKey &&
        !isTyping(document.activeElement)) {
      var search = document.querySelector("[data-eo-search]");
      if (search) {
        evt.preventDefault();
        search.focus();
        if (search.select) { search.select(); }
      }
    }
  });

  // --- the letter form -------------------------------------------------------------------------------------
  function groupOf(el) {
    return el ? (el.closest(".usa-form-group") || el.parentElement) : null;
  }

  function setShown(el, shown) {
    if (!el) { return; }
    el.hidden = !shown;
    el.querySelectorAll("input, select, textarea").forEach(function (input) { input.disabled = !shown; });
  }

  function letterForm(form) {
    var kind = form.querySelector("select[name='kind']");
    var sub = form.querySelector("select[name='sub_kind']");
    var subKinds = {};
    (form.getAttribute("data-sub-kinds") || "").split(";").forEach(function (part) {
      var bits = part.split(":");
      if (bits.length === 2) { subKinds[bits[0]] = bits[1].split(","); }
    });

    function onKind() {
      if (!kind) { return; }
      var chosen = kind.value;
      form.querySelectorAll("[data-eo-kind]").forEach(function (group) {
        setShown(group, group.getAttribute("data-eo-kind") === chosen);
      });
      if (sub && subKinds[chosen]) {
        var allowed = subKinds[chosen];
        Array.prototype.forEach.call(sub.options, function (opt) {
          var ok = allowed.indexOf(opt.value) !== -1;
          opt.hidden = !ok;
          opt.disabled = !ok;
        });
        if (allowed.indexOf(sub.value) === -1) { sub.value = allowed[0]; }
        setShown(groupOf(sub), !(allowed.length === 1 && allowed[0] === ""));
      }
    }

    // A secret letter arriving at the central desk is registered sealed: no subject, no files.
    var secrecy = form.querySelector("select[name='secrecy']");
    var book = form.querySelector("select[name='book']");
    var secretBooks = (form.getAttribute("data-secret-books") || "").split(",").filter(Boolean);
    var notice = form.querySelector("[data-eo-sealed-notice]");
    var unsealed = form.querySelectorAll("[data-eo-unsealed], [data-eo-dropzone]");

    function onSecrecy() {
      if (!secrecy || !notice) { return; }
      var sealed = secrecy.value !== "001" && !(book && secretBooks.indexOf(book.value) !== -1);
      notice.hidden = !sealed;
      unsealed.forEach(function (el) { setShown(el, !sealed); });
    }

    if (kind) { kind.addEventListener("change", onKind); onKind(); }
    if (secrecy) { secrecy.addEventListener("change", onSecrecy); }
    if (book) { book.addEventListener("change", onSecrecy); }
    onSecrecy();
  }

  // --- drag and drop over <input type=file multiple> ---------------------------------------------------------
  function dropzone(zone) {
    var input = zone.querySelector("input[type=file]");
    var list = zone.querySelector("[data-eo-filelist]");
    var hint = zone.querySelector("[data-eo-drop-hint]");
    if (!input || typeof DataTransfer === "undefined") { return; }
    if (hint) { hint.hidden = false; }
    zone.classList.add("eo-dropzone--ready");

    function showFiles() {
      if (!list) { return; }
      list.textContent = "";
      Array.prototype.forEach.call(input.files, function (f, i) {
        var li = document.createElement("li");
        li.textContent = (i + 1) + ". " + f.name + " (" + Math.max(1, Math.round(f.size / 1024)) + " KB)";
        list.appendChild(li);
      });
    }

    function addFiles(files) {
      var dt = new DataTransfer();
      Array.prototype.forEach.call(input.files, function (f) { dt.items.add(f); });
      Array.prototype.forEach.call(files, function (f) { dt.items.add(f); });
      input.files = dt.files;
      showFiles();
    }

    ["dragenter", "dragover"].forEach(function (name) {
      zone.addEventListener(name, function (evt) {
        if (input.disabled) { return; }
        evt.preventDefault();
        zone.classList.add("eo-dropzone--over");
      });
    });
    ["dragleave", "drop"].forEach(function (name) {
      zone.addEventListener(name, function () { zone.classList.remove("eo-dropzone--over"); });
    });
    zone.addEventListener("drop", function (evt) {
      if (input.disabled) { return; }
      evt.preventDefault();
      if (evt.dataTransfer && evt.dataTransfer.files.length) { addFiles(evt.dataTransfer.files); }
    });
    input.addEventListener("change", showFiles);
  }

  function init() {
    document.querySelectorAll("[data-eo-letter-form]").forEach(letterForm);
    document.querySelectorAll("[data-eo-dropzone]").forEach(dropzone);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
