import { launch, newPage, serveSite } from '/work/main/web/tests/harness.mjs';
const [site, ...rest] = process.argv.slice(2);
const { server, at } = await serveSite(site, '/nimbus/');
const browser = await launch('/usr/bin/chromium');
for (const spec of rest) {
  const [url, w, h, out, scheme] = spec.split('|');
  const page = await newPage(browser, { viewport: { width: +w, height: +h }, colorScheme: scheme || 'light' });
  await page.goto(at(url));
  await page.waitForTimeout(2500);
  const el = page.locator(".stage").first(); if (await el.count()) await el.screenshot({ path: out }); else await page.screenshot({ path: out });
  console.log(out, page.errors.length ? page.errors.join(' | ') : 'no errors');
  await page.context().close();
}
await browser.close(); server.close();
