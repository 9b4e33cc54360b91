import { launch, newPage, serveSite } from '/work/main/web/tests/harness.mjs';
const { server, at } = await serveSite('/work/main/target/site', '/nimbus/');
const browser = await launch('/usr/bin/chromium');
const page = await newPage(browser, { viewport: { width: 1280, height: 900 }, reducedMotion: 'reduce' });
await page.goto(at(process.argv[2]));
await page.waitForSelector('svg.sqs-diagram');
await page.waitForTimeout(+process.argv[3] || 1500);
console.log(await page.evaluate(() => {
  const svg = document.querySelector('svg.sqs-diagram');
  const stage = document.querySelector('.stage');
  const toks = [...svg.querySelectorAll('g.sqs-token')].map(g => g.getAttribute('style')).slice(-3);
  return { vb: svg.getAttribute('viewBox'), w: svg.getAttribute('width'), stage: stage.clientWidth, rect: svg.getBoundingClientRect().width, toks };
}));
await page.locator('.stage').first().screenshot({ path: '/tmp/dbg.png' });
await browser.close(); server.close();
