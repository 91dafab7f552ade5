/* The copy-citation button of study pages in headless chromium: shown only
 * when its script runs, it copies the formatted citation with its DOI link
 * and says so in a live region, over http (the clipboard API) and from
 * file:// (a selection); no script errors or CSP violations either way. */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { launch, openPage, results, serve, sites } from './lib.mjs';

const T = results();
const fixture = sites().find((s) => s.name === 'fixture');
const server = await serve(fixture.dir);
const browser = await launch();
const ctx = browser.context;
await ctx.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url.replace(/\/$/, '') });

await T.test('http: button shown, copies, announces', async () => {
	const page = await openPage(ctx, server.url + 'studies/a1/index.html');
	const button = page.locator('button.copy-citation');
	await button.waitFor({ state: 'visible', timeout: 5000 });
	T.ok(await button.isVisible(), 'button visible with the script');
	await button.click();
	await page.waitForFunction(() => document.querySelector('.copy-status').textContent !== '', null, { timeout: 5000 });
	T.eq(await page.locator('.copy-status').textContent(), 'Citation copied.', 'status announced');
	const copied = await page.evaluate(() => navigator.clipboard.readText());
	T.ok(/\(2020\)\. A trial of link workers\..* https:\/\/doi\.org\/10\.1000\/abc\.1$/.test(copied), 'clipboard holds the citation', copied);
	T.eq(await page.locator('.copy-status').getAttribute('role'), 'status', 'live region');
	const meta = await page.evaluate(() => document.querySelector('meta[name="citation_title"]').content);
	T.eq(meta, 'A trial of link workers', 'citation_title in the head');
	T.eq(page.errors, [], 'no script errors or CSP violations');
	await page.close();
});

await T.test('file://: button works without the clipboard API', async () => {
	const url = pathToFileURL(path.join(fixture.dir, 'studies/a1/index.html')).href;
	const page = await openPage(ctx, url);
	const button = page.locator('button.copy-citation');
	await button.waitFor({ state: 'visible', timeout: 5000 });
	await button.click();
	await page.waitForFunction(() => document.querySelector('.copy-status').textContent !== '', null, { timeout: 5000 });
	const status = await page.locator('.copy-status').textContent();
	T.ok(status === 'Citation copied.' || /^Could not copy/.test(status), 'an answer either way', status);
	T.eq(page.errors, [], 'no script errors from file://');
	await page.close();
});

await browser.close();
await server.close();
T.done();
