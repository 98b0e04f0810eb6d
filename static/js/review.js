/* 安置登记审核: keyboard shortcuts of the month table and focus management. Everything works without this
   script (the radios decide each month); it adds the selection column, two shortcuts and focus moves. */
(function () {
  "use strict";

  function announce(text) {
    var status = document.getElementById("shortcut-status");
    if (status) { status.textContent = ""; window.setTimeout(function () { status.textContent = text; }, 50); }
  }

  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("#months-form tr[data-pending]"));
  }

  function markRow(box) {
    var row = box.closest("tr");
    if (row) { row.classList.toggle("review-row-selected", box.checked); }
  }

  function selectPassed() {
    var count = 0;
    rows().forEach(function (row) {
      var box = row.querySelector(".review-select");
      if (!box) { return; }
      box.checked = row.hasAttribute("data-all-passed");
      if (box.checked) { count += 1; }
      markRow(box);
    });
    announce(count ? "已选中 " + count + " 个各项核验均通过的月份" : "没有各项核验均通过的待审核月份");
  }

  function markValid() {
    var count = 0;
    rows().forEach(function (row) {
      var box = row.querySelector(".review-select");
      if (box && box.checked) {
        var valid = row.querySelector('input.review-valid[value="valid"]');
        if (valid) { valid.checked = true; count += 1; }
      }
    });
    announce(count ? "已将 " + count + " 个选中的月份设为有效" : "请先选中月份");
  }

  function openTarget(id) {
    var target = document.getElementById(id);
    if (target && target.tagName === "DETAILS") {
      target.open = true;
      var summary = target.querySelector("summary");
      if (summary) { summary.focus(); }
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("months-form");
    if (form) {
      Array.prototype.forEach.call(document.querySelectorAll("[data-js-only]"), function (el) { el.hidden = false; });
      var tools = document.getElementById("review-shortcuts");
      if (tools) { tools.hidden = false; }
      var passed = document.getElementById("select-passed");
      var valid = document.getElementById("mark-valid");
      if (passed) { passed.addEventListener("click", selectPassed); }
      if (valid) { valid.addEventListener("click", markValid); }
      form.addEventListener("change", function (event) {
        if (event.target.classList && event.target.classList.contains("review-select")) { markRow(event.target); }
      });
      document.addEventListener("keydown", function (event) {
        if (!event.altKey || !event.shiftKey || event.ctrlKey || event.metaKey) { return; }
        var key = (event.key || "").toLowerCase();
        if (event.code === "KeyA" || key === "a") { event.preventDefault(); selectPassed(); }
        else if (event.code === "KeyV" || key === "v") { event.preventDefault(); markValid(); }
      });
    }
    // A link to a document opens its preview (a <details>) and moves the focus there.
    Array.prototype.forEach.call(document.querySelectorAll("a.review-doc-link"), function (link) {
      link.addEventListener("click", function () { openTarget(link.getAttribute("data-doc")); });
    });
    if (window.location.hash) { openTarget(window.location.hash.slice(1)); }
    // A link of the error summary moves the focus to the control it names (not just scrolls there).
    Array.prototype.forEach.call(document.querySelectorAll("#error-summary a[href^='#']"), function (link) {
      link.addEventListener("click", function (event) {
        var target = document.getElementById(link.getAttribute("href").slice(1));
        if (target) { event.preventDefault(); target.focus(); target.scrollIntoView({ block: "center" }); }
      });
    });
    // After a refused or stale submit, the summary (or the changed notice) takes the focus.
    var first = document.getElementById("review-changed") || document.getElementById("error-summary");
    if (first) { first.focus(); }
  });
})();
