/* Trix inserts <style> elements for its custom elements' default CSS when it loads; our CSP allows only
   stylesheets from 'self' (no inline style), so the browser would refuse them and log a violation. This
   shim, loaded just before Trix, keeps those two <style> elements out of the document (they stay
   detached, so nothing is refused); the same rules ship in static/css/drafting.css instead. */
(function () {
  "use strict";
  var head = document.head;
  var original = head.insertBefore;
  head.insertBefore = function (node, ref) {
    var tag = node && node.nodeName === "STYLE" && node.getAttribute && node.getAttribute("data-tag-name");
    if (tag && tag.indexOf("trix-") === 0) {
      return node;
    }
    return original.call(this, node, ref);
  };
  document.addEventListener("DOMContentLoaded", function () { head.insertBefore = original; });
})();
