// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // The 特别提示 is rendered open in the page; with script it becomes a modal alertdialog that only its
  // 确认 button ends: Esc, the browser's close requests (a second Esc is not cancelable in Chromium) and
  // backdrop clicks leave it open, and Tab stays inside it.
  var notice = document.getElementById("special-notice");
  if (notice && typeof notice.showModal === "function") {
    var confirmed = false;
    var focusable = function () {
      return Array.prototype.filter.call(
        notice.querySelectorAll("button, [href], input, select, textarea, [tabindex]:not([tabindex='-1'])"),
        function (el) { return !el.disabled && el.offsetParent !== null; }
      );
    };
    notice.close();
    notice.showModal();
    notice.addEventListener("cancel", function (event) { event.preventDefault(); });
    notice.addEventListener("close", function () {
      if (!confirmed) { notice.showModal(); }
    });
    notice.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        event.preventDefault();
      } else if (event.key === "Tab") {
        var items = focusable();
        if (!items.length) { event.preventDefault(); return; }
        var index = items.indexOf(document.activeElement);
        var next = event.shiftKey ? index - 1 : index + 1;
        if (index === -1 || next < 0 || next >= items.length) {
          event.preventDefault();
          items[event.shiftKey ? items.length - 1 : 0].focus();
        }
      }
    });
    var form = notice.querySelector("form");
    if (form) { form.addEventListener("submit", function () { confirmed = true; }); }
  }
})();
