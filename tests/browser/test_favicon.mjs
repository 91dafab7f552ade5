/* The site's icon in a real browser (issue 13): on every page kind of every
 * test site, from a server and from file://, Chromium finds the icon the
 * layout links (a 200 for it) and never asks for a missing /favicon.ico. */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { launch, results, serve, sites } from './lib.mjs';

const T = results();
const all = sites();
const b = await launch();
for (const site of all) {
	if (site.error) { T.ok(false, site.name + ' builds', site.error); continue; }
	const server = await serve(site.dir);
	const pages = ['index.html', 'studies/index.html', 'overview/index.html', 'data/index.html', '404.html'];
	const study = fs.readdirSync(path.join(site.dir, 'studies')).find((d) => fs.existsSync(path.join(site.dir, 'studies', d, 'index.html')));
	if (study) pages.push('studies/' + study + '/index.html');
	for (const p of pages) {
		for (const [how, url] of [['http', server.url + p], ['file', pathToFileURL(path.join(site.dir, p)).href]]) {
			await T.test(site.name + ' ' + how + ' ' + p, async () => {
				const page = await b.context.newPage();
				const icons = [];
				const bad = [];
				page.on('response', (r) => {
					if (/favicon/.test(r.url())) (r.status() < 400 ? icons : bad).push(r.status() + ' ' + r.url());
				});
				page.on('requestfailed', (r) => { if (/favicon/.test(r.url())) bad.push('failed ' + r.url()); });
				await page.goto(url);
				const hrefs = await page.$$eval('link[rel="icon"]', (ls) => ls.map((l) => l.getAttribute('href')));
				T.ok(hrefs.length === 2 && hrefs.every((h) => !h.startsWith('/') && /assets\/images\/favicon\.(ico|svg)$/.test(h)),
					site.name + ' ' + how + ' ' + p + ': two relative icon links', hrefs);
				/* Chromium asks for the icon after load: wait for it to settle. */
				if (how === 'http') await page.waitForResponse((r) => /favicon/.test(r.url()), { timeout: 5000 }).catch(() => {});
				T.ok(bad.length === 0, site.name + ' ' + how + ' ' + p + ': no failed icon request', bad);
				if (how === 'http') T.ok(icons.length > 0, site.name + ' ' + how + ' ' + p + ': the icon is fetched', icons);
				await page.close();
			});
		}
	}
	await server.close();
}
await b.close();
T.done();
