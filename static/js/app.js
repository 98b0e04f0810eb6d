// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // The 特别提示 is rendered open in the page; with script it becomes a modal that must be confirmed.
  var notice = document.getElementById("special-notice");
  if (notice && typeof notice.showModal === "function") {
    notice.close();
    notice.showModal();
    notice.addEventListener("cancel", function (event) { event.preventDefault(); });
  }
})();
