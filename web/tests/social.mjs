// Makes the social cards (web/social/*.png, 1200×630): a picture of each page that a link pasted
// into a chat or a blog unfurls with. Run on a release build, then commit the pictures:
//   node web/tests/social.mjs --site target/site --base /nimbus/ --chromium /usr/bin/chromium
// Each is a screenshot of the page at 800×420 CSS px, 1.5 device pixels each (a playground as an embed without controls,
// mid-run); each must stay under 120 KB (xtask's tidy tests check size and dimensions).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch, newPage, serveSite } from './harness.mjs';

const arg = (name, fallback) => { const i = process.argv.indexOf(name); return i > 0 ? process.argv[i + 1] : fallback; };
const site = path.resolve(arg('--site', 'target/site'));
const out = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'social');
const shots = {
  nimbus: '',
  sqs: 'sqs?embed=1&controls=none&t=25',
  sns: 'sns?embed=1&controls=none&t=12',
  kinesis: 'kinesis?embed=1&controls=none&p=hot-key&t=20',
  apigw: 'apigw?embed=1&controls=none&t=8',
  vpc: 'vpc?embed=1&controls=none',
};
const { server, at } = await serveSite(site, arg('--base', '/nimbus/'));
const browser = await launch(arg('--chromium', '/usr/bin/chromium'));
for (const [name, url] of Object.entries(shots)) {
  const page = await newPage(browser, { viewport: { width: 800, height: 420 }, deviceScaleFactor: 1.5 });
  await page.goto(at(url));
  await page.waitForTimeout(2500);
  const file = path.join(out, `${name}.png`);
  await page.screenshot({ path: file });
  console.log(name, fs.statSync(file).size, 'bytes', page.errors.join(' | '));
  await page.context().close();
}
await browser.close();
server.close();
