// Render an APL document with apl-viewhost-web in headless Chromium, take screenshots, and
// check that the text fits the visible area.
// Usage: node render.js JOBS_JSON
//   JOBS_JSON: a list of {"document", "datasources", "viewport": {"width", "height", "shape",
//   "dpi", "mode"}, "out": PNG path, "outEnd": PNG path or null (the view scrolled to the end)}
// stdout: a list of {"rendered", "texts", "inkRatio", "colors", "fit"}; fit: {"crossing": text
// lines whose visible part crosses the visible edge (the circle inscribed in a round screen, the
// 5% safe margin of a TV), "unreachable": lines never fully shown at any scroll position,
// "positions": scroll positions measured}.
const fs = require("fs");
const path = require("path");
const { chromium } = require("playwright-core");

const CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--allow-file-access-from-files",
];

function pageHtml(job) {
    const viewhost = path.join(__dirname, "node_modules", "apl-viewhost-web", "index.js");
    const json = JSON.stringify(job).replace(/</g, "\\u003c");
    return `<!doctype html><html><head><meta charset="utf-8">
<style>body{margin:0;background:#000}#screen{position:relative;overflow:hidden}#screen.round{border-radius:50%}</style>
<script src="file://${viewhost}"></script></head><body><div id="screen"></div>
<script>
const job = ${json};
(async () => {
  try {
    const screen = document.getElementById("screen");
    const v = job.viewport;
    screen.style.width = v.width + "px"; screen.style.height = v.height + "px";
    if (v.shape === "ROUND") screen.className = "round";
    // The engine starts on its own; initEngine only waits for a start still to come.
    while (!(typeof Module !== "undefined" && Module.calledRun)) await new Promise(r => setTimeout(r, 50));
    const content = AplRenderer.Content.create(JSON.stringify(job.document));
    content.addData("payload", JSON.stringify(job.datasources));
    const renderer = AplRenderer.default.create({
      content, view: screen, mode: v.mode,
      environment: {agentName: "trigger-point-guide-preview", agentVersion: "1.0", allowOpenUrl: false, disallowVideo: true},
      viewport: {width: v.width, height: v.height, dpi: v.dpi, shape: v.shape, mode: v.mode},
      theme: "dark", utcTime: Date.now(), localTimeAdjustment: 0,
      onSendEvent: () => {}, onLogCommand: () => {},
    });
    await renderer.init();
    document.body.dataset.rendered = "yes";
  } catch (error) {
    document.body.dataset.rendered = "error: " + error;
  }
})();
</script></body></html>`;
}

async function inkStats(browser, png) {
    // Share of pixels that differ from the most common one, read back through a canvas.
    const page = await browser.newPage();
    const dataUrl = "data:image/png;base64," + png.toString("base64");
    const stats = await page.evaluate(async (url) => {
        const image = new Image();
        image.src = url;
        await image.decode();
        const canvas = document.createElement("canvas");
        canvas.width = image.width; canvas.height = image.height;
        const context = canvas.getContext("2d");
        context.drawImage(image, 0, 0);
        const pixels = context.getImageData(0, 0, image.width, image.height).data;
        const counts = new Map();
        for (let i = 0; i < pixels.length; i += 4) {
            const key = (pixels[i] << 16) | (pixels[i + 1] << 8) | pixels[i + 2];
            counts.set(key, (counts.get(key) || 0) + 1);
        }
        const total = pixels.length / 4;
        const most = Math.max(...counts.values());
        return { inkRatio: 1 - most / total, colors: counts.size };
    }, dataUrl);
    await page.close();
    return stats;
}

// Runs in the page: every line of text (a client rect of its text, trailing spaces left out),
// the part of it its clipping ancestors let through, and whether that part is inside the
// visible area.
function measureLines(viewport) {
    const screen = document.getElementById("screen");
    const box = screen.getBoundingClientRect();
    const inset = viewport.mode === "TV" ? 0.05 : 0;
    const area = {
        left: box.left + box.width * inset, right: box.right - box.width * inset,
        top: box.top + box.height * inset, bottom: box.bottom - box.height * inset,
    };
    const tolerance = 1;
    const inside = (x, y) => {
        if (viewport.shape === "ROUND") {
            const r = box.width / 2, dx = x - (box.left + r), dy = y - (box.top + box.height / 2);
            return Math.hypot(dx, dy) <= r + tolerance;
        }
        return x >= area.left - tolerance && x <= area.right + tolerance
            && y >= area.top - tolerance && y <= area.bottom + tolerance;
    };
    const clipOf = (node) => {
        let clip = { left: box.left, right: box.right, top: box.top, bottom: box.bottom };
        for (let el = node.parentElement; el && el !== screen.parentElement; el = el.parentElement) {
            if (getComputedStyle(el).overflow === "visible") continue;
            const r = el.getBoundingClientRect();
            clip = {
                left: Math.max(clip.left, r.left), right: Math.min(clip.right, r.right),
                top: Math.max(clip.top, r.top), bottom: Math.min(clip.bottom, r.bottom),
            };
        }
        return clip;
    };
    const lines = [];
    const walker = document.createTreeWalker(screen, NodeFilter.SHOW_TEXT);
    let index = 0;
    for (let node = walker.nextNode(); node; node = walker.nextNode(), index++) {
        const text = node.textContent;
        const start = text.search(/\S/);
        if (start < 0) continue;
        const end = text.length - (text.length - text.trimEnd().length);
        const range = document.createRange();
        range.setStart(node, start);
        range.setEnd(node, end);
        const clip = clipOf(node);
        Array.from(range.getClientRects()).forEach((rect, part) => {
            if (rect.width < 1 || rect.height < 1) return;
            const shown = {
                left: Math.max(rect.left, clip.left), right: Math.min(rect.right, clip.right),
                top: Math.max(rect.top, clip.top), bottom: Math.min(rect.bottom, clip.bottom),
            };
            const visible = shown.right > shown.left && shown.bottom > shown.top;
            const corners = [[shown.left, shown.top], [shown.right, shown.top],
                             [shown.left, shown.bottom], [shown.right, shown.bottom]];
            lines.push({
                key: index + ":" + part,
                text: text.trim(),
                visible,
                crossing: visible && !corners.every(([x, y]) => inside(x, y)),
                whole: visible && shown.left - rect.left < tolerance && rect.right - shown.right < tolerance
                    && shown.top - rect.top < tolerance && rect.bottom - shown.bottom < tolerance,
                box: [rect.left - box.left, rect.top - box.top, rect.width, rect.height].map(Math.round),
            });
        });
    }
    return lines;
}

// Runs in the page: the scrolling elements, scrolled to a fraction of their range.
function scrollTo(fraction) {
    const scrollers = Array.from(document.querySelectorAll("#screen *"))
        .filter((el) => el.scrollHeight > el.clientHeight + 1 && getComputedStyle(el).overflow !== "visible");
    for (const el of scrollers) el.scrollTop = Math.round((el.scrollHeight - el.clientHeight) * fraction);
    return scrollers.map((el) => [el.scrollHeight, el.clientHeight]);
}

async function renderJob(browser, job) {
    const v = job.viewport;
    const page = await browser.newPage({ viewport: { width: v.width, height: v.height } });
    const htmlFile = job.out + ".html";
    try {
        fs.writeFileSync(htmlFile, pageHtml(job));
        await page.goto("file://" + path.resolve(htmlFile));
        await page.waitForFunction(() => document.body.dataset.rendered, null, { timeout: 30000 });
        const rendered = await page.evaluate(() => document.body.dataset.rendered);
        await page.waitForTimeout(300);
        const png = await page.screenshot({ path: job.out });
        const texts = await page.evaluate(() =>
            Array.from(document.querySelectorAll("#screen *"))
                .filter((el) => el.children.length === 0 && el.textContent.trim())
                .map((el) => el.textContent.trim()));
        // Step through the scroll range in half-screens: every line must be whole at some step.
        const [[scrollHeight, clientHeight] = [0, 1]] = await page.evaluate(scrollTo, 0);
        const steps = Math.max(1, Math.ceil((2 * (scrollHeight - clientHeight)) / clientHeight));
        const crossing = new Map(), whole = new Set(), seen = new Map();
        for (let step = 0; step <= steps; step++) {
            await page.evaluate(scrollTo, step / steps);
            for (const line of await page.evaluate(measureLines, v)) {
                seen.set(line.key, line.text);
                if (line.whole) whole.add(line.key);
                if (line.crossing && !crossing.has(line.key)) crossing.set(line.key, { text: line.text, box: line.box });
            }
        }
        if (job.outEnd) await page.screenshot({ path: job.outEnd });
        const unreachable = Array.from(seen).filter(([key]) => !whole.has(key)).map(([, text]) => text);
        const stats = await inkStats(browser, png);
        return { rendered, texts, ...stats,
                 fit: { crossing: Array.from(crossing.values()), unreachable, positions: steps + 1 } };
    } finally {
        fs.rmSync(htmlFile, { force: true });
        await page.close();
    }
}

async function main() {
    const [jobsFile] = process.argv.slice(2);
    const jobs = JSON.parse(fs.readFileSync(jobsFile, "utf8"));
    const executablePath = process.env.CHROMIUM || "/usr/bin/chromium";
    const browser = await chromium.launch({ executablePath, args: CHROMIUM_FLAGS });
    try {
        const results = [];
        for (const job of jobs) results.push(await renderJob(browser, job));
        process.stdout.write(JSON.stringify(results));
    } finally {
        await browser.close();
    }
}

main().catch((error) => {
    process.stderr.write(String(error && error.stack ? error.stack : error) + "\n");
    process.exit(1);
});
