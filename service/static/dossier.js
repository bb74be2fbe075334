// The dossier page. While documents are analysed or jobs run, the page reloads itself now and then (without
// this script a <noscript> meta refresh does that), but not while someone is filling in one of its forms:
// a reload would throw away the chosen file. A package over the size limit is refused before it is sent.
(function () {
  "use strict";

  // --- reloading while there is work in progress -------------------------------------------------------
  const notice = document.getElementById("auto-refresh");
  if (notice) {
    const seconds = Math.max(2, Number(notice.dataset.refresh) || 3);
    const paused = notice.querySelector(".paused");
    let edited = false;
    document.querySelectorAll("main form").forEach((form) => {
      if (form.classList.contains("inline")) return; // one-button forms hold nothing to lose
      form.addEventListener("input", () => { edited = true; });
      form.addEventListener("change", () => { edited = true; });
    });
    const filling = () => {
      const active = document.activeElement;
      return edited || Boolean(active && active.closest("main form:not(.inline)") &&
                               active.matches("input, select, textarea"));
    };
    const tick = () => {
      if (filling()) {
        if (paused) paused.hidden = false;
      } else if (!document.hidden) {
        window.location.reload();
        return;
      }
      window.setTimeout(tick, seconds * 1000);
    };
    window.setTimeout(tick, seconds * 1000);
  }

  // --- the package size limit ----------------------------------------------------------------------------
  document.querySelectorAll("form[data-max-bytes]").forEach((form) => {
    const limit = Number(form.dataset.maxBytes);
    const input = form.querySelector("input[type=file]");
    const warning = form.querySelector(".too-large");
    if (!limit || !input || !warning) return;
    const tooLarge = () => Array.from(input.files || []).some((file) => file.size > limit);
    input.addEventListener("change", () => { warning.hidden = !tooLarge(); });
    form.addEventListener("submit", (event) => {
      if (tooLarge()) {
        event.preventDefault();
        warning.hidden = false;
        input.focus();
      }
    });
  });
})();
