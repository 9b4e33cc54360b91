// Scratch probe (not committed): smallest diagram text and overflow per playground and width.
import { launch, newPage, serveSite, args } from './harness.mjs';
const { server, at } = await serveSite(args.site, '/nimbus/');
const browser = await launch('/usr/bin/chromium');
for (const pg of ['sqs', 'sns', 'kinesis', 'apigw', 'vpc']) {
  for (const [w, embed] of [[360, 0], [390, 0], [640, 0], [1280, 0], [360, 1], [640, 1]]) {
    const page = await newPage(browser, { viewport: { width: w, height: 800 } });
    await page.goto(at(`${pg}${embed ? '?embed=1' : ''}`));
    await page.waitForSelector('svg[data-testid$=diagram]', { timeout: 15000 });
    await page.waitForTimeout(800);
    const r = await page.evaluate(() => {
      const svg = document.querySelector('svg[data-testid$=diagram]');
      let min = 99, minText = '';
      for (const t of svg.querySelectorAll('text')) {
        if (!t.textContent.trim() || t.getBBox().width === 0) continue;
        const fs = parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a;
        if (fs < min) { min = fs; minText = t.textContent.slice(0, 30); }
      }
      const box = svg.getBoundingClientRect();
      return { min: min.toFixed(1), minText, svgW: Math.round(box.width), svgRight: Math.round(box.right), vw: document.documentElement.clientWidth, scroll: document.documentElement.scrollWidth };
    });
    console.log(pg, w, embed ? 'embed' : 'page', JSON.stringify(r));
    await page.context().close();
  }
}
await browser.close();
server.close();
