// Render an APL document with apl-viewhost-web in headless Chromium and take a screenshot.
// Usage: node render.js JOB_JSON OUT_PNG
//   JOB_JSON: {"document", "datasources", "viewport": {"width", "height", "shape", "dpi", "mode"}}
// stdout: {"rendered", "texts", "inkRatio", "colors"} read from the page the viewhost produced.
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
      content, view: screen,
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

async function main() {
    const [jobFile, outPng] = process.argv.slice(2);
    const job = JSON.parse(fs.readFileSync(jobFile, "utf8"));
    const executablePath = process.env.CHROMIUM || "/usr/bin/chromium";
    const browser = await chromium.launch({ executablePath, args: CHROMIUM_FLAGS });
    try {
        const v = job.viewport;
        const page = await browser.newPage({ viewport: { width: v.width, height: v.height } });
        const htmlFile = outPng + ".html";
        fs.writeFileSync(htmlFile, pageHtml(job));
        await page.goto("file://" + path.resolve(htmlFile));
        await page.waitForFunction(() => document.body.dataset.rendered, null, { timeout: 30000 });
        const rendered = await page.evaluate(() => document.body.dataset.rendered);
        await page.waitForTimeout(300);
        const png = await page.screenshot({ path: outPng });
        const texts = await page.evaluate(() =>
            Array.from(document.querySelectorAll("#screen *"))
                .filter((el) => el.children.length === 0 && el.textContent.trim())
                .map((el) => el.textContent.trim()));
        fs.unlinkSync(htmlFile);
        const stats = await inkStats(browser, png);
        process.stdout.write(JSON.stringify({ rendered, texts, ...stats }));
    } finally {
        await browser.close();
    }
}

main().catch((error) => {
    process.stderr.write(String(error && error.stack ? error.stack : error) + "\n");
    process.exit(1);
});
