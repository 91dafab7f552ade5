/* Accessibility and validity of every page kind: axe-core (WCAG 2.1 A and
 * AA rules plus best practices) reports zero violations in light and dark
 * modes, including the interactive map's views and open panel; and
 * html-validate (config: htmlvalidate.json here) reports zero errors on
 * every generated HTML page of every test site. */
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { HtmlValidate } from 'html-validate';
import os from 'node:os';
import { HERE, ROOT, buildSite, htmlFiles, launch, openPage, results, serve, sites } from './lib.mjs';

const T = results();
const require = createRequire(import.meta.url);
const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const all = sites();

/* ---- html-validate: every page ---------------------------------------------------- */
const hv = new HtmlValidate(JSON.parse(fs.readFileSync(path.join(HERE, 'htmlvalidate.json'), 'utf8')));
for (const site of all) {
	if (site.error) { T.ok(false, site.name + ' builds', site.error); continue; }
	for (const file of htmlFiles(site.dir)) {
		const report = await hv.validateFile(file);
		const msgs = report.results.flatMap((r) => r.messages.filter((m) => m.severity === 2).map((m) => m.line + ':' + m.column + ' ' + m.ruleId + ' ' + m.message));
		T.ok(msgs.length === 0, 'html-validate ' + site.name + '/' + path.relative(site.dir, file), msgs.slice(0, 5).join(' | '));
	}
}

/* ---- axe-core: every page kind ---------------------------------------------------- */
const browser = await launch({ bypassCSP: true });
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];
async function axe(page, name) {
	await page.evaluate(AXE);
	const r = await page.evaluate((tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }), TAGS);
	const v = r.violations.map((x) => x.id + ' (' + x.nodes.length + '): ' + x.nodes.slice(0, 2).map((n) => n.target.join(' ') + ' ' + (n.failureSummary || '').replace(/\s+/g, ' ').slice(0, 160)).join('; '));
	T.ok(v.length === 0, 'axe ' + name, v.join(' || '));
}
const ready = (page) => page.waitForFunction(() => window.gapmap && window.gapmap.ready, null, { timeout: 10000 });

for (const site of all) {
	if (site.error) continue;
	const server = await serve(site.dir);
	const firstHref = (pattern) => {
		const files = htmlFiles(site.dir).map((f) => path.relative(site.dir, f));
		return files.find((f) => pattern.test(f));
	};
	const data = JSON.parse(fs.readFileSync(path.join(site.dir, 'data/studies.json'), 'utf8'));
	const kinds = [
		['studies', 'studies/index.html'],
		['study', firstHref(/^studies\/[^/]+\/index\.html$/)],
		['cell', firstHref(/^cells\/[^/]+\/[^/]+\/index\.html$/)],
		['overview', 'overview/index.html'],
		['data', 'data/index.html'],
		['404', '404.html'],
	];
	if (fs.existsSync(path.join(site.dir, 'prisma/index.html'))) kinds.push(['prisma', 'prisma/index.html']);
	/* A row code's page, a further report's page, a content page. */
	const D = fs.readFileSync(path.join(site.dir, 'data/map.js'), 'utf8');
	const G = JSON.parse(D.slice(D.indexOf('{'), D.lastIndexOf('}') + 1));
	const rows = G.facets[G.rows];
	kinds.push(['facet', rows.path + '/index.html']);
	kinds.push(['code (row)', rows.path + '/' + rows.codes[0].id + '/index.html']);
	const other = G.facets.find((f, i) => i !== G.rows && i !== G.columns);
	if (other) kinds.push(['code (other facet)', other.path + '/' + other.codes[0].id + '/index.html']);
	const multi = data.studies.find((s) => s.reports.length > 1);
	if (multi) kinds.push(['further report', 'studies/' + multi.reports[1] + '/index.html']);
	const page1 = htmlFiles(site.dir).map((f) => path.relative(site.dir, f)).find((f) => fs.existsSync(path.join(site.dir, f)) && /^[a-z0-9-]+\/index\.html$/.test(f) && fs.readFileSync(path.join(site.dir, f), 'utf8').includes('class="page-page"'));
	if (page1) kinds.push(['page', page1]);
	for (const scheme of ['light', 'dark']) {
		const page = await openPage(browser.context, server.url + 'index.html');
		await page.emulateMedia({ colorScheme: scheme });
		await ready(page);
		await axe(page, site.name + ' map, bubbles, ' + scheme);
		await page.locator('.gm-switch label', { hasText: 'Heat map' }).click();
		await axe(page, site.name + ' map, heat, ' + scheme);
		await page.locator('button.gm-toggle').first().click();
		await axe(page, site.name + ' map, heat, collapsed group, ' + scheme);
		await page.locator('button.gm-toggle').first().click();
		await page.locator('.gm-switch label', { hasText: 'List' }).click();
		await axe(page, site.name + ' map, list, ' + scheme);
		await page.locator('.gm-switch label', { hasText: 'Bubbles' }).click();
		await page.locator('td.gm-cell button').first().click();
		await page.waitForFunction(() => !document.querySelector('.gm-panel[open]') || window.GAPMAP_TEXT);
		await axe(page, site.name + ' map, panel open, ' + scheme);
		await page.keyboard.press('Escape');
		await page.locator('.gm-search input').fill('zzqqxx');
		await axe(page, site.name + ' map, no study matches, ' + scheme);
		await page.locator('.gm-search input').fill('');
		await page.locator('.gm-filters .gm-facet li:not(.gm-group) > input').first().check();
		await page.locator('.gm-swap').click();
		await page.locator('th[scope="colgroup"] button.gm-toggle').first().click();
		await page.locator('td.gm-cell button').first().focus();
		await axe(page, site.name + ' map, swapped, column group collapsed, a chip, cell breakdown, ' + scheme);
		await page.close();
		const phone = await openPage(browser.context, server.url + 'index.html', { viewport: { width: 375, height: 740 } });
		await phone.emulateMedia({ colorScheme: scheme });
		await ready(phone);
		await axe(phone, site.name + ' map at 375 px, ' + scheme);
		await phone.locator('.gm-filters > summary').click();
		await axe(phone, site.name + ' map, filters sheet at 375 px, ' + scheme);
		await phone.locator('.gm-done').click();
		await phone.locator('.gm-switch label', { hasText: 'List' }).click();
		await axe(phone, site.name + ' map, list at 375 px, ' + scheme);
		await phone.locator('.gm-switch label', { hasText: 'Bubbles' }).click();
		await phone.locator('td.gm-cell button').first().click();
		await axe(phone, site.name + ' map, panel as a sheet at 375 px, ' + scheme);
		await phone.close();
		for (const [kind, href] of kinds) {
			if (!href) { T.ok(false, site.name + ': a page of kind ' + kind); continue; }
			const p = await openPage(browser.context, server.url + href);
			await p.emulateMedia({ colorScheme: scheme });
			await axe(p, site.name + ' ' + kind + ' (' + href + '), ' + scheme);
			await p.close();
		}
	}
	await server.close();
}
/* ---- a paginated list: the page links (default map, 5 studies a page) ----------- */
{
	const src = fs.mkdtempSync(path.join(os.tmpdir(), 'gapmap-paged-'));
	fs.cpSync(path.join(ROOT, 'content'), src, { recursive: true });
	fs.writeFileSync(path.join(src, 'site.yaml'), 'page_size: 5\n' + fs.readFileSync(path.join(src, 'site.yaml'), 'utf8'));
	const dir = buildSite(src, 'paged');
	fs.rmSync(src, { recursive: true, force: true });
	const pages = ['studies/index.html', 'studies/page/3/index.html', 'studies/page/5/index.html'];
	for (const href of pages) {
		const report = await hv.validateFile(path.join(dir, href));
		const msgs = report.results.flatMap((r) => r.messages.filter((m) => m.severity === 2).map((m) => m.line + ':' + m.column + ' ' + m.ruleId + ' ' + m.message));
		T.ok(msgs.length === 0, 'html-validate paged/' + href, msgs.slice(0, 5).join(' | '));
	}
	const server = await serve(dir);
	for (const scheme of ['light', 'dark'])
		for (const width of [1280, 375]) {
			const p = await openPage(browser.context, server.url + pages[1], { viewport: { width, height: 800 } });
			await p.emulateMedia({ colorScheme: scheme });
			await axe(p, 'paged studies/page/3 at ' + width + ' px, ' + scheme);
			if (width === 375) {
				const overflow = await p.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
				T.ok(!overflow, 'paged studies/page/3: no horizontal scrolling at 375 px');
			}
			await p.close();
		}
	await server.close();
}
await browser.close();
T.done();
