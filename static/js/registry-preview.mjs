/* In-page preview of a letter's PDF with pdf.js (pdfjs-dist from npm, served as our own static files).
   The container carries everything as data- attributes (no inline script, CSP script-src 'self'):
     data-eo-pdf    the file's download URL with ?inline=1 (same origin; the session cookie goes along)
     data-pdfjs     the URL of pdf.min.mjs; data-worker: pdf.worker.min.mjs
     data-fonts     standard fonts folder; data-wasm: the no-wasm decoders folder (CSP forbids wasm eval)
     data-name, data-label-*  the file name and the Thai/English texts for the canvases
   Each page is drawn on a <canvas role="img"> with a label; the links above the preview (open / download)
   stay the text fallback when anything fails. */

const MAX_PAGES = 5;

function say(container, text) {
  const status = container.querySelector("[data-eo-pdf-status]");
  if (status) {
    status.textContent = text;
  }
}

async function render(container) {
  const d = container.dataset;
  const lib = await import(d.pdfjs);
  lib.GlobalWorkerOptions.workerSrc = d.worker;
  const pdf = await lib.getDocument({
    url: d.eoPdf,
    withCredentials: true,
    standardFontDataUrl: d.fonts,
    wasmUrl: d.wasm,
    useWasm: false,
    enableXfa: false,
    stopAtErrors: false,
  }).promise;
  const total = pdf.numPages;
  const shown = Math.min(total, MAX_PAGES);
  const width = Math.max(320, container.clientWidth || 800);
  const ratio = window.devicePixelRatio || 1;
  for (let n = 1; n <= shown; n += 1) {
    const page = await pdf.getPage(n);
    const base = page.getViewport({ scale: 1 });
    const viewport = page.getViewport({ scale: (width / base.width) * ratio });
    const canvas = document.createElement("canvas");
    canvas.className = "eo-preview__page";
    canvas.width = Math.floor(viewport.width);
    canvas.height = Math.floor(viewport.height);
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", `${d.labelPage} ${n} ${d.labelOf} ${total}: ${d.name}`);
    canvas.setAttribute("data-eo-pdf-page", String(n));
    container.appendChild(canvas);
    await page.render({ canvas, viewport }).promise;
  }
  say(container, `${d.labelPage} 1–${shown} ${d.labelOf} ${total}${shown < total ? ` · ${d.labelMore}` : ""}`);
  container.setAttribute("data-eo-pdf-ready", String(shown));
}

for (const container of document.querySelectorAll("[data-eo-pdf]")) {
  render(container).catch((err) => {
    say(container, container.dataset.labelFailed || "");
    container.setAttribute("data-eo-pdf-failed", "1");
    if (window.console) {
      console.warn("pdf preview failed", err);
    }
  });
}
