// FDT console: the little behaviour pages need (theme, copy buttons, local times, live-session end).
// Loaded from this server only (CSP script-src 'self'); no inline handlers anywhere.
(function () {
  "use strict";
  var root = document.documentElement;
  var stored = null;
  try { stored = localStorage.getItem("fdt-theme"); } catch (e) { /* storage blocked */ }
  if (stored === "light" || stored === "dark") { root.setAttribute("data-theme", stored); }

  function currentTheme() {
    var set = root.getAttribute("data-theme");
    if (set === "light" || set === "dark") { return set; }
    return window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
  }

  function labelThemeButtons() {
    document.querySelectorAll("[data-theme-toggle]").forEach(function (button) {
      var next = currentTheme() === "dark" ? "light" : "dark";
      button.textContent = next === "dark" ? "Dark theme" : "Light theme";
      button.setAttribute("aria-label", "Switch to the " + next + " theme");
    });
  }

  function relative(date) {
    var seconds = Math.round((Date.now() - date.getTime()) / 1000);
    if (seconds < 5) { return "just now"; }
    if (seconds < 60) { return seconds + "s ago"; }
    if (seconds < 3600) { return Math.floor(seconds / 60) + "m ago"; }
    if (seconds < 86400) { return Math.floor(seconds / 3600) + "h ago"; }
    return date.toLocaleDateString();
  }

  function localTimes(scope) {
    (scope || document).querySelectorAll("time[datetime][data-relative]").forEach(function (el) {
      var date = new Date(el.getAttribute("datetime"));
      if (!isNaN(date)) { el.textContent = relative(date); el.title = date.toLocaleString(); }
    });
  }

  document.addEventListener("click", function (event) {
    var toggle = event.target.closest("[data-theme-toggle]");
    if (toggle) {
      var next = currentTheme() === "dark" ? "light" : "dark";
      root.setAttribute("data-theme", next);
      try { localStorage.setItem("fdt-theme", next); } catch (e) { /* storage blocked */ }
      labelThemeButtons();
      return;
    }

    var copy = event.target.closest("[data-copy]");
    if (copy) {
      var source = document.getElementById(copy.getAttribute("data-copy"));
      if (!source) { return; }
      var text = source.value !== undefined && source.tagName === "INPUT" ? source.value : source.textContent;
      var done = function () { copy.textContent = "Copied"; copy.setAttribute("data-copied", "true"); };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(done, function () { selectText(source); });
      } else {
        selectText(source);
        try { if (document.execCommand("copy")) { done(); } } catch (e) { /* select stays for manual copy */ }
      }
    }
  });

  // Forms that ask first: data-confirm="Stop this tunnel?"
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) { event.preventDefault(); }
  }, true);

  function selectText(el) {
    if (el.select) { el.select(); return; }
    var range = document.createRange();
    range.selectNodeContents(el);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  document.addEventListener("DOMContentLoaded", function () { labelThemeButtons(); localTimes(); });
  document.addEventListener("htmx:afterSwap", function (event) { localTimes(event.target); });

  // The live stream says the session ended (signed out elsewhere, reset by an operator): go to login.
  document.addEventListener("htmx:sseMessage", function (event) {
    if (event.detail && event.detail.type === "session-ended") { window.location.assign("/login"); }
  });
  setInterval(function () { localTimes(); }, 15000);
})();
