import { launch, newPage, serveSite } from '/work/main/web/tests/harness.mjs';
const { server, at } = await serveSite('/work/main/target/site', '/nimbus/');
const browser = await launch('/usr/bin/chromium');
for (const slug of ['sqs', 'sns', 'kinesis', 'apigw', 'vpc']) {
  const row = [];
  for (const w of [360, 576]) {
    for (const controls of ['']) {
      const page = await newPage(browser, { viewport: { width: w, height: 600 }, reducedMotion: 'reduce' });
      await page.goto(at(`${slug}?embed=1${controls}`));
      await page.waitForSelector('svg.sqs-diagram');
      await page.waitForTimeout(1200);
      const h = await page.evaluate(() => Math.ceil(document.body.getBoundingClientRect().height));
      row.push(`${w}${controls ? ' none' : ''}: ${h}`);
      await page.context().close();
    }
  }
  console.log(slug, row.join(' | '));
}
await browser.close(); server.close();
