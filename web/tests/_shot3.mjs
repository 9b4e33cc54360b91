import { serveSite, launch, newPage } from './harness.mjs';
const { server, at } = await serveSite('/work/main/target/site', '/nimbus/');
const browser = await launch('/usr/bin/chromium');
for (const [name, q, w, scheme] of [['emb-min', 'sqs?embed=1&p=poison', 480, 'light'], ['emb-full', 'sqs?embed=1&controls=full&theme=dark', 720, 'light'], ['emb-none', 'sqs?embed=1&controls=none&p=fifo-blocking', 320, 'dark']]) {
  const page = await newPage(browser, { viewport: { width: w, height: 700 }, colorScheme: scheme });
  await page.goto(at(q));
  await page.waitForTimeout(3000);
  await page.screenshot({ path: `/tmp/${name}.png`, fullPage: true });
  console.log(name, page.url(), 'errors:', page.errors, 'header:', await page.locator('header.site-header').count());
}
await browser.close(); server.close();
