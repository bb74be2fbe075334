// The review page: draw a rectangle to redact an area, decide findings without a reload, keyboard shortcuts.
// Everything here has a plain form behind it; without this script the page still works.
(function () {
  "use strict";
  const review = document.querySelector(".review");
  if (!review) return;
  const csrf = review.dataset.csrf;
  const findings = () => Array.from(document.querySelectorAll("li.finding"));
  const STATE_LABELS = { suggested: "voorstel", accepted: "lakken", rejected: "openbaar", kept: "behouden" };

  // --- focus: one finding at a time, its boxes highlighted ---------------------------------------------
  let current = null;
  function focusFinding(item) {
    if (!item) return;
    if (current) current.classList.remove("current");
    document.querySelectorAll(".box.current").forEach((b) => b.classList.remove("current"));
    current = item;
    item.classList.add("current");
    item.focus({ preventScroll: true });
    item.scrollIntoView({ block: "nearest" });
    const boxes = document.querySelectorAll(`.box[data-finding-id="${item.dataset.findingId}"]`);
    boxes.forEach((b) => b.classList.add("current"));
    if (boxes.length) boxes[0].scrollIntoView({ block: "center", behavior: "auto" });
  }
  function step(delta, onlyOpen) {
    const all = findings();
    if (!all.length) return;
    let index = current ? all.indexOf(current) : -1;
    for (let i = 0; i < all.length; i++) {
      index = (index + delta + all.length) % all.length;
      if (!onlyOpen || all[index].dataset.state === "suggested") return focusFinding(all[index]);
    }
  }
  document.querySelectorAll(".box").forEach((box) => {
    box.addEventListener("click", (event) => {
      event.preventDefault();
      focusFinding(document.getElementById("f" + box.dataset.findingId));
    });
  });
  findings().forEach((item) => item.addEventListener("click", (event) => {
    if (!event.target.closest("form")) focusFinding(item);
  }));

  // --- decisions through the API, in place -------------------------------------------------------------
  function setState(item, state) {
    item.dataset.state = state;
    const label = item.querySelector(".state");
    if (label) label.textContent = STATE_LABELS[state] || state;
    document.querySelectorAll(`.box[data-finding-id="${item.dataset.findingId}"]`)
      .forEach((b) => { b.dataset.state = state; });
  }
  async function decide(item, decision) {
    const form = item.querySelector("form.decide");
    if (!form) return;
    const ground = form.querySelector("select[name=ground]");
    const response = await fetch(form.dataset.api, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify({ decision: decision, ground: ground ? ground.value : undefined }),
    });
    if (!response.ok) {  // send the form the plain way: the server-rendered page shows what went wrong
      form.dataset.plain = "1";
      form.requestSubmit(form.querySelector(`button[value=${decision}]`));
      return;
    }
    const body = await response.json();
    if (body.added) {  // the same text stood elsewhere without a decision: show those new suggestions
      window.location.reload();
      return;
    }
    setState(item, body.state);
    step(1, true);
  }
  document.querySelectorAll("form.decide").forEach((form) => {
    form.addEventListener("submit", (event) => {
      const decision = event.submitter ? event.submitter.value : null;
      if (!decision || form.dataset.plain === "1") return;
      event.preventDefault();
      decide(form.closest("li.finding"), decision);
    });
  });

  // --- keyboard ------------------------------------------------------------------------------------------
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.target.closest("input, select, textarea")) return;
    const keys = { j: () => step(1, false), ArrowDown: () => step(1, false), k: () => step(-1, false),
                   ArrowUp: () => step(-1, false), n: () => step(1, true),
                   a: () => current && decide(current, "accept"), r: () => current && decide(current, "reject") };
    const action = keys[event.key];
    if (action) { event.preventDefault(); action(); }
  });

  // --- drawing a rectangle -------------------------------------------------------------------------------
  const form = document.getElementById("manual-rect");
  const snap = document.getElementById("snap-words");
  if (form) {
    document.querySelectorAll(".page").forEach((page) => {
      let start = null;
      let frame = null;
      const point = (event) => {
        const r = page.getBoundingClientRect();
        return { x: Math.min(Math.max(event.clientX - r.left, 0), r.width),
                 y: Math.min(Math.max(event.clientY - r.top, 0), r.height) };
      };
      page.addEventListener("mousedown", (event) => {
        if (event.button !== 0) return;
        event.preventDefault();
        start = point(event);
        frame = document.createElement("div");
        frame.className = "drawing";
        page.appendChild(frame);
      });
      window.addEventListener("mousemove", (event) => {
        if (!start) return;
        const p = point(event);
        Object.assign(frame.style, { left: Math.min(start.x, p.x) + "px", top: Math.min(start.y, p.y) + "px",
                                     width: Math.abs(p.x - start.x) + "px", height: Math.abs(p.y - start.y) + "px" });
      });
      window.addEventListener("mouseup", (event) => {
        if (!start) return;
        const end = point(event);
        const begin = start;
        start = null;
        if (Math.abs(end.x - begin.x) < 5 || Math.abs(end.y - begin.y) < 5) {
          frame.remove();
          const box = event.target.closest && event.target.closest(".box");
          if (box) focusFinding(document.getElementById("f" + box.dataset.findingId));
          return;
        }
        const r = page.getBoundingClientRect();
        const scale = parseFloat(page.dataset.width) / r.width;
        const m = page.dataset.inverse.split(",").map(parseFloat);  // shown page -> unrotated PDF points
        const unrotate = (x, y) => [m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]];
        const [ax, ay] = unrotate(begin.x * scale, begin.y * scale);
        const [bx, by] = unrotate(end.x * scale, end.y * scale);
        form.page.value = page.dataset.page;
        form.x0.value = Math.min(ax, bx).toFixed(2);
        form.y0.value = Math.min(ay, by).toFixed(2);
        form.x1.value = Math.max(ax, bx).toFixed(2);
        form.y1.value = Math.max(ay, by).toFixed(2);
        form.words.value = snap && snap.checked ? "1" : "0";
        form.submit();
      });
    });
  }

  // --- where to start ----------------------------------------------------------------------------------
  const focus = review.dataset.focus && document.getElementById("f" + review.dataset.focus);
  if (focus) focusFinding(focus);
})();
