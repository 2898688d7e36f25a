/* The number box on a PDF draft (templates/documents/drafting/box.html): page 1 drawn with pdf.js and a
   box the clerk drags with the mouse or moves with the keyboard (arrows 1 mm, Shift+arrows 5 mm, + / -
   resize). The numeric inputs below are the truth: the box mirrors them and writes them back, so the
   form works the same without this script. The position is announced in the status line. */

const stage = document.querySelector("[data-eo-box-stage]");
const form = document.querySelector("[data-eo-box-form]");

function num(name) {
  const el = form.querySelector(`[name="${name}"]`);
  const v = parseFloat(el && el.value);
  return Number.isFinite(v) ? v : 0;
}

function setNum(name, value) {
  const el = form.querySelector(`[name="${name}"]`);
  if (el) {
    el.value = (Math.round(value * 10) / 10).toFixed(1);
  }
}

function setUp() {
  const d = stage.dataset;
  const pageW = parseFloat(d.pageW) || 210;
  const pageH = parseFloat(d.pageH) || 297;
  const page = stage.querySelector("[data-eo-box-page]");
  const box = stage.querySelector("[data-eo-box]");
  const status = stage.querySelector("[data-eo-box-status]");
  page.style.aspectRatio = `${pageW} / ${pageH}`;
  box.hidden = false;

  function clamp() {
    let w = Math.min(Math.max(num("w_mm"), 5), pageW);
    let h = Math.min(Math.max(num("h_mm"), 5), pageH);
    let x = Math.min(Math.max(num("x_mm"), 0), pageW - w);
    let y = Math.min(Math.max(num("y_mm"), 0), pageH - h);
    setNum("w_mm", w); setNum("h_mm", h); setNum("x_mm", x); setNum("y_mm", y);
    return { x, y, w, h };
  }

  function draw(announce) {
    const b = clamp();
    box.style.left = `${(b.x / pageW) * 100}%`;
    box.style.top = `${(b.y / pageH) * 100}%`;
    box.style.width = `${(b.w / pageW) * 100}%`;
    box.style.height = `${(b.h / pageH) * 100}%`;
    if (announce && status) {
      status.textContent = d.labelPos.replace("{x}", b.x.toFixed(1)).replace("{y}", b.y.toFixed(1))
        .replace("{w}", b.w.toFixed(1)).replace("{h}", b.h.toFixed(1));
    }
  }

  box.addEventListener("keydown", (event) => {
    const step = event.shiftKey ? 5 : 1;
    const moves = { ArrowLeft: ["x_mm", -step], ArrowRight: ["x_mm", step], ArrowUp: ["y_mm", -step], ArrowDown: ["y_mm", step] };
    if (moves[event.key]) {
      const [name, delta] = moves[event.key];
      setNum(name, num(name) + delta);
    } else if (event.key === "+" || event.key === "=") {
      setNum("w_mm", num("w_mm") + step); setNum("h_mm", num("h_mm") + step / 2);
    } else if (event.key === "-" || event.key === "_") {
      setNum("w_mm", num("w_mm") - step); setNum("h_mm", num("h_mm") - step / 2);
    } else {
      return;
    }
    event.preventDefault();
    draw(true);
  });

  let drag = null;
  box.addEventListener("pointerdown", (event) => {
    const rect = page.getBoundingClientRect();
    drag = { startX: event.clientX, startY: event.clientY, x: num("x_mm"), y: num("y_mm"), rect };
    box.setPointerCapture(event.pointerId);
    box.focus();
  });
  box.addEventListener("pointermove", (event) => {
    if (!drag) {
      return;
    }
    setNum("x_mm", drag.x + ((event.clientX - drag.startX) / drag.rect.width) * pageW);
    setNum("y_mm", drag.y + ((event.clientY - drag.startY) / drag.rect.height) * pageH);
    draw(false);
  });
  box.addEventListener("pointerup", () => { drag = null; draw(true); });

  for (const name of ["x_mm", "y_mm", "w_mm", "h_mm"]) {
    const el = form.querySelector(`[name="${name}"]`);
    if (el) {
      el.addEventListener("change", () => draw(true));
    }
  }
  draw(false);
  return page;
}

async function renderPdf(page) {
  const d = stage.dataset;
  if (!d.eoPdfSrc) {
    return;
  }
  const lib = await import(d.pdfjs);
  lib.GlobalWorkerOptions.workerSrc = d.worker;
  const pdf = await lib.getDocument({ url: d.eoPdfSrc, withCredentials: true, standardFontDataUrl: d.fonts,
    wasmUrl: d.wasm, useWasm: false, enableXfa: false, stopAtErrors: false }).promise;
  const first = await pdf.getPage(1);
  const base = first.getViewport({ scale: 1 });
  const ratio = window.devicePixelRatio || 1;
  const viewport = first.getViewport({ scale: ((page.clientWidth || 600) / base.width) * ratio });
  const canvas = document.createElement("canvas");
  canvas.className = "eo-box-canvas";
  canvas.width = Math.floor(viewport.width);
  canvas.height = Math.floor(viewport.height);
  canvas.setAttribute("role", "img");
  canvas.setAttribute("aria-label", "หน้า 1 ของร่างหนังสือ");
  page.insertBefore(canvas, page.firstChild);
  await first.render({ canvas, viewport }).promise;
  page.setAttribute("data-eo-pdf-ready", "1");
}

if (stage && form) {
  const page = setUp();
  renderPdf(page).catch((err) => {
    page.setAttribute("data-eo-pdf-failed", "1");
    if (window.console) {
      console.warn("number box: page 1 could not be drawn", err);
    }
  });
}
