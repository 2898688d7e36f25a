/* e-Office: htmx wiring. No inline scripts anywhere (CSP script-src 'self'); settings come from
   data- attributes on <body>:
   - data-csrf-cookie: the CSRF cookie's name (settings.CSRF_COOKIE_NAME) → header X-CSRFToken
   - data-agency:      the agency slug of this page → header X-Eoffice-Agency (tenants.middleware) */
(function () {
  "use strict";

  function readCookie(name) {
    if (!name) { return null; }
    var parts = document.cookie ? document.cookie.split(";") : [];
    for (var i = 0; i < parts.length; i++) {
      var item = parts[i].trim();
      if (item.indexOf(name + "=") === 0) {
        return decodeURIComponent(item.substring(name.length + 1));
      }
    }
    return null;
  }

  document.addEventListener("htmx:configRequest", function (evt) {
    var body = document.body;
    var token = readCookie(body.getAttribute("data-csrf-cookie"));
    if (token) { evt.detail.headers["X-CSRFToken"] = token; }
    var agency = body.getAttribute("data-agency");
    if (agency) { evt.detail.headers["X-Eoffice-Agency"] = agency; }
  });

  // After a swap the user asked for, move focus to the new region's heading so screen-reader and
  // keyboard users land on what changed. Polled regions (data-eo-nofocus) never steal focus.
  document.addEventListener("htmx:afterSwap", function (evt) {
    var region = evt.detail.target;
    if (!region || !region.isConnected) {
      region = evt.detail.elt;
    }
    if (!region || !region.isConnected || region.closest("[data-eo-nofocus]")) { return; }
    var heading = region.matches("h1, h2, h3, h4, [data-eo-focus]") ? region :
      region.querySelector("[data-eo-focus], h1, h2, h3, h4");
    if (!heading) { return; }
    if (!heading.hasAttribute("tabindex")) { heading.setAttribute("tabindex", "-1"); }
    heading.focus();
  });

  // A polled region that replaces itself must not drop the keyboard user's focus: remember what
  // was focused inside it and put focus back on the same element (by id) or the new region.
  var pending = null;
  document.addEventListener("htmx:beforeSwap", function (evt) {
    var target = evt.detail.target;
    var active = document.activeElement;
    pending = null;
    if (target && active && active !== document.body && target.contains(active)) {
      pending = { focusId: active.id || null, regionId: target.id || null };
    }
  });
  document.addEventListener("htmx:afterSettle", function () {
    if (!pending) { return; }
    var p = pending;
    pending = null;
    var el = (p.focusId && document.getElementById(p.focusId)) || null;
    if (!el && p.regionId) {
      var region = document.getElementById(p.regionId);
      el = region && (region.querySelector("[data-eo-focus], h1, h2, h3, h4") || region);
    }
    if (!el || el === document.activeElement) { return; }
    if (!el.hasAttribute("tabindex") && !el.matches("a, button, input, select, textarea")) {
      el.setAttribute("tabindex", "-1");
    }
    el.focus();
  });
})();
