/* The draft editor (templates/documents/drafting/edit.html): Trix for the body, recipient rows added and
   removed by keyboard or mouse. Without scripts the page still works: the body is a plain textarea (one
   paragraph per blank line) and a few blank recipient rows are already there.
   CSP: no inline script or style; Trix's own stylesheet is vendored (static/vendor/trix/). */
(function () {
  "use strict";

  var TH = {
    attachFiles: "แนบไฟล์", bold: "ตัวหนา", bullets: "รายการแบบจุด", byte: "ไบต์", bytes: "ไบต์",
    captionPlaceholder: "เพิ่มคำอธิบาย…", code: "โค้ด", heading1: "หัวเรื่อง", indent: "เพิ่มระดับ",
    italic: "ตัวเอียง", link: "ลิงก์", numbers: "รายการแบบตัวเลข", outdent: "ลดระดับ", quote: "ข้อความอ้างอิง",
    redo: "ทำซ้ำ", remove: "ลบ", strike: "ขีดฆ่า", undo: "ย้อนกลับ", unlink: "ยกเลิกลิงก์", url: "URL",
    urlPlaceholder: "ใส่ URL…", GB: "GB", KB: "KB", MB: "MB", PB: "PB", TB: "TB"
  };

  function setUpTrix(form) {
    var area = form.querySelector("textarea[data-eo-trix]");
    var tpl = document.getElementById("eo-trix-toolbar");
    if (!area || !tpl || !window.Trix || !window.customElements) {
      return;  // the plain textarea stays
    }
    if (window.Trix.config && window.Trix.config.lang) {
      Object.assign(window.Trix.config.lang, TH);
    }
    // Trix defines its elements one tick after it loads
    customElements.whenDefined("trix-editor").then(function () { replaceArea(area, tpl); });
  }

  function replaceArea(area, tpl) {
    var input = document.createElement("input");
    input.type = "hidden";
    input.name = area.name;
    input.id = "id_body_html_input";
    input.value = area.value;
    var toolbar = document.createElement("trix-toolbar");
    toolbar.id = "eo-body-toolbar";
    toolbar.appendChild(tpl.content.cloneNode(true));
    var editor = document.createElement("trix-editor");
    editor.setAttribute("input", input.id);
    editor.setAttribute("toolbar", toolbar.id);
    editor.setAttribute("aria-labelledby", "body-label");
    editor.setAttribute("aria-describedby", area.getAttribute("aria-describedby") || "");
    editor.className = "trix-content eo-trix";
    var label = document.getElementById("body-label");
    if (label) {
      label.removeAttribute("for");
    }
    area.parentNode.insertBefore(input, area);
    area.parentNode.insertBefore(toolbar, area);
    area.parentNode.insertBefore(editor, area);
    area.parentNode.removeChild(area);
    if (label) {
      label.addEventListener("click", function () { editor.focus(); });
    }
  }

  // No files or images inside the letter's text (the sanitiser drops them; enclosures are listed instead).
  document.addEventListener("trix-file-accept", function (event) { event.preventDefault(); });
  document.addEventListener("trix-attachment-add", function (event) {
    if (event.attachment && event.attachment.remove) {
      event.attachment.remove();
    }
  });

  function renumber(box) {
    var rows = box.querySelectorAll("[data-eo-row]");
    rows.forEach(function (row, i) {
      row.querySelectorAll("[data-eo-row-number]").forEach(function (n) { n.textContent = String(i + 1); });
    });
    return rows;
  }

  function nextIndex(box) {
    var max = -1;
    box.querySelectorAll("[data-eo-row] [name$='-name']").forEach(function (el) {
      var m = /^r(\d+)-/.exec(el.name);
      if (m) {
        max = Math.max(max, parseInt(m[1], 10));
      }
    });
    return max + 1;
  }

  function setUpRows(form) {
    var box = form.querySelector("[data-eo-rows]");
    var tpl = document.getElementById("eo-recipient-template");
    var add = form.querySelector("[data-eo-add-row]");
    var status = form.querySelector("[data-eo-rows-status]");
    if (!box || !tpl || !add) {
      return;
    }
    function say(text) {
      if (status) {
        status.textContent = text;
      }
    }
    function wire(row) {
      var remove = row.querySelector("[data-eo-remove-row]");
      if (!remove) {
        return;
      }
      remove.hidden = false;
      remove.addEventListener("click", function () {
        var rows = Array.prototype.slice.call(box.querySelectorAll("[data-eo-row]"));
        var at = rows.indexOf(row);
        row.parentNode.removeChild(row);
        var left = renumber(box);
        say("ลบผู้รับแล้ว เหลือ " + left.length + " ราย");
        var target = left[Math.min(at, left.length - 1)];
        (target ? target.querySelector("input, select, textarea") : add).focus();
        form.dispatchEvent(new Event("change", { bubbles: true }));
      });
    }
    box.querySelectorAll("[data-eo-row]").forEach(wire);
    add.hidden = false;
    add.addEventListener("click", function () {
      var n = nextIndex(box);
      var html = tpl.innerHTML.replace(/__N__/g, String(n));
      var holder = document.createElement("div");
      holder.innerHTML = html;
      var row = holder.querySelector("[data-eo-row]");
      box.appendChild(row);
      wire(row);
      var rows = renumber(box);
      say("เพิ่มผู้รับรายที่ " + rows.length + " แล้ว");
      var first = row.querySelector("input, select, textarea");
      if (first) {
        first.focus();
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-eo-draft]").forEach(function (form) {
      setUpTrix(form);
      setUpRows(form);
    });
  });
})();
