/* The interactive map in headless chromium: views, counts after filtering,
 * live filter counts, groups, any/all, year range, search (titles, authors,
 * notes), reset, the URL round trip, the cell panel and its keyboard path,
 * downloads' contents, phone and print layouts, over http and file://.
 * Screenshots go to tests/out/screenshots/. */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { launch, openPage, results, serve, sites, SHOTS } from './lib.mjs';

const T = results();
fs.mkdirSync(SHOTS, { recursive: true });
const all = sites();
const fixture = all.find((s) => s.name === 'fixture');
const content = all.find((s) => s.name === 'content');
if (content && content.error) T.ok(false, 'content builds', content.error);

const ready = (page) => page.waitForFunction(() => window.gapmap && window.gapmap.ready, null, { timeout: 10000 });
const statusText = (page) => page.locator('.gm-status').textContent();
/* The cell button of row code r and column code c (by id), or null. */
const cellInfo = (page, r, c) => page.evaluate(([r, c]) => {
	const D = window.GAPMAP_DATA;
	const ri = D.facets[D.rows].codes.findIndex((x) => x.id === r), ci = D.facets[D.columns].codes.findIndex((x) => x.id === c);
	const td = document.querySelector('td.gm-cell[data-r="' + ri + '"][data-c="' + ci + '"]');
	const b = td.querySelector('button');
	return { n: b ? +b.querySelector('.gm-count').textContent : 0, label: b ? b.getAttribute('aria-label') : null, gap: td.classList.contains('gm-gap'),
		thin: td.classList.contains('gm-thin'), paths: b ? [...b.querySelectorAll('svg path')].filter((p) => p.getAttribute('d')).length : 0, r: b ? +(b.querySelector('svg circle:not(.gm-thinring)') || { getAttribute: () => 0 }).getAttribute('r') : 0 };
}, [r, c]);
const codeItem = (page, facet, label) => page.locator('.gm-facet[data-facet="' + facet + '"] li:not(.gm-group)', { hasText: label }).first();
const checkbox = (page, facet, label) => codeItem(page, facet, label).locator('> input');
const liveCount = (page, facet, label) => codeItem(page, facet, label).locator('> label .gm-n').textContent();
/* The URL follows the view after a short delay. */
const urlHas = (page, re) => page.waitForFunction((src) => new RegExp(src).test(location.href), re.source, { timeout: 2000 }).then(() => true, () => false);
const grand = (page) => page.locator('.gm-imap .gm-grand').textContent();

const server = await serve(fixture.dir);
const browser = await launch();
const ctx = browser.context;

await T.test('first render', async () => {
	const page = await openPage(ctx, server.url + 'index.html');
	await ready(page);
	T.ok(await page.locator('#gapmap-app.gm-ready').count() === 1, 'map enhanced');
	T.ok(await page.locator('.map-scroll').isHidden(), 'static table hidden once enhanced');
	T.eq(await statusText(page), 'Showing 6 of 6 studies.', 'status line');
	const pg = await cellInfo(page, 'pain', 'gp');
	T.eq(pg.n, 3, 'pain × gp count');
	T.eq(pg.label, 'Pain × General practice: 3 studies (Randomised trial: 2, Qualitative: 1)', 'cell label names row, column, count and segments');
	T.eq(pg.paths, 2, 'bubble split into two segments');
	const pc = await cellInfo(page, 'pain', 'community');
	T.ok(pc.thin && /thin evidence/.test(pc.label), 'thin cell marked', pc);
	const ratio = pg.r / pc.r;
	T.ok(Math.abs(ratio * ratio - 3) < 0.05, 'bubble area proportional to count', ratio);
	const gap = await cellInfo(page, 'pain', 'library');
	T.ok(gap.gap && gap.label === null, 'gap cell marked, not a button', gap);
	T.eq(await page.locator('.gm-imap button.gm-cellbtn').count(), 6, 'one button per non-empty cell');
	T.eq(await grand(page), '6', 'grand total');
	T.eq(await page.locator('.gm-imap td[data-ct]').allTextContents(), ['4', '2', '0'], 'column totals');
	T.eq(await page.locator('.gm-imap td[data-rt]').allTextContents(), ['4', '2', '2'], 'row totals (each study once)');
	T.eq(await page.locator('.gm-imap th[scope="colgroup"], .gm-imap .gm-rowgroup th').allTextContents(), ['Health', 'Use of services'], 'row groups');
	const keys = await page.locator('.gm-legend .gm-keys li').allTextContents();
	T.ok(keys.includes('Randomised trial') && keys.includes('Qualitative') && keys.some((k) => /thin evidence/.test(k)) && keys.some((k) => /Gap/.test(k)), 'legend', keys);
	const patterns = await page.evaluate(() => [...document.querySelectorAll('.gm-defs pattern')].map((p) => p.children.length));
	T.ok(patterns.length >= 2 && patterns[1] > 1, 'segments have patterns, not colour alone', patterns);
	/* Definitions on hover or focus of a heading. */
	const tip = page.locator('#gm-tip-r0');
	T.ok(await tip.isHidden(), 'definition hidden at first');
	await page.locator('.gm-imap tbody th a', { hasText: 'Pain' }).focus();
	T.ok(await tip.isVisible(), 'definition shown on focus');
	T.eq(await tip.textContent(), 'Pain intensity.', 'definition text');
	await page.keyboard.press('Escape');
	T.ok(await tip.isHidden(), 'Escape dismisses the definition');
	await page.locator('.gm-imap thead th a', { hasText: 'General practice' }).hover();
	T.ok(await page.locator('#gm-tip-c0').isVisible(), 'column definition shown on hover');
	T.eq(page.errors, [], 'no script errors or CSP violations');
	await page.close();
});

await T.test('filters', async () => {
	const page = await openPage(ctx, server.url + 'index.html');
	await ready(page);
	await checkbox(page, 'design', 'Randomised trial').check();
	T.eq(await statusText(page), 'Showing 3 of 6 studies, 1 filter active.', 'status after design filter');
	T.eq((await cellInfo(page, 'pain', 'gp')).n, 2, 'cell count after filter');
	T.ok((await cellInfo(page, 'pain', 'community')).gap, 'filtered-out cell becomes a gap');
	T.eq(await grand(page), '3', 'total after filter');
	T.eq(await liveCount(page, 'design', 'Qualitative'), '(3)', 'own facet counts ignore its own selection');
	T.eq(await liveCount(page, 'country', 'United States'), '(1)', 'live count in another facet');
	T.eq(await liveCount(page, 'country', 'United Kingdom'), '(2)', 'live count in another facet (UK)');
	/* Any / all for a multi-valued facet. */
	await checkbox(page, 'design', 'Randomised trial').uncheck();
	await checkbox(page, 'country', 'United Kingdom').check();
	await checkbox(page, 'country', 'United States').check();
	T.eq(await statusText(page), 'Showing 3 of 6 studies, 1 filter active.', 'any of UK, US');
	await page.locator('.gm-facet[data-facet="country"] .gm-mode label', { hasText: 'All selected' }).click();
	T.eq(await statusText(page), 'Showing 1 of 6 studies, 1 filter active.', 'all of UK, US');
	await page.locator('.gm-reset').click();
	T.eq(await statusText(page), 'Showing 6 of 6 studies.', 'reset');
	T.ok(!(await checkbox(page, 'country', 'United Kingdom').isChecked()), 'reset clears checkboxes');
	T.ok(await page.locator('.gm-reset').isDisabled(), 'reset disabled when nothing is active');
	/* A group selects its codes. */
	const group = page.locator('.gm-facet[data-facet="outcome"] li.gm-group', { hasText: 'Use of services' }).first().locator('> input');
	await group.check();
	T.ok(await checkbox(page, 'outcome', 'Appointments').isChecked(), 'group checks its codes');
	T.eq(await statusText(page), 'Showing 2 of 6 studies, 1 filter active.', 'group filter');
	await group.uncheck();
	await checkbox(page, 'outcome', 'Pain').check();
	const health = page.locator('.gm-facet[data-facet="outcome"] li.gm-group', { hasText: 'Health' }).first().locator('> input');
	T.ok(await health.evaluate((i) => i.indeterminate), 'group partly selected is indeterminate');
	T.eq(await page.locator('.gm-facet[data-facet="outcome"] li.gm-group', { hasText: 'Health' }).first().locator('> label .gm-n').textContent(), '(5)', 'group live count');
	await checkbox(page, 'outcome', 'Pain').uncheck();
	/* Year range. */
	await page.locator('.gm-years input').first().fill('2020');
	T.eq(await statusText(page), 'Showing 4 of 6 studies, 1 filter active.', 'year from');
	await page.locator('.gm-years input').nth(1).fill('2021');
	T.eq(await statusText(page), 'Showing 2 of 6 studies, 1 filter active.', 'year range');
	await page.locator('.gm-reset').click();
	/* Search: title, author, then a word only in a note (long text, loaded on demand). */
	const q = page.locator('.gm-search input');
	await q.fill('after referral');
	T.eq(await statusText(page), 'Showing 1 of 6 studies, 1 filter active.', 'search title');
	await q.fill('brown');
	T.eq(await statusText(page), 'Showing 1 of 6 studies, 1 filter active.', 'search author');
	/* Typing on narrows the last matches; deleting widens them again. */
	await q.fill('brown views');
	T.eq(await statusText(page), 'Showing 1 of 6 studies, 1 filter active.', 'search narrowed, still matching');
	await q.fill('brown viewsx');
	T.eq(await statusText(page), 'Showing 0 of 6 studies, 1 filter active.', 'search narrowed to nothing');
	await q.fill('BROWN');
	T.eq(await statusText(page), 'Showing 1 of 6 studies, 1 filter active.', 'search widened again, case ignored');
	await q.fill('trial found less');
	await page.waitForFunction(() => document.querySelector('.gm-status').textContent.startsWith('Showing 1 '), null, { timeout: 5000 });
	T.ok(true, 'search in notes');
	T.ok((await cellInfo(page, 'pain', 'gp')).n === 1, 'search updates cells');
	T.eq(page.errors, [], 'no script errors');
	await page.close();
});

await T.test('views, counting unit, groups', async () => {
	const page = await openPage(ctx, server.url + 'index.html');
	await ready(page);
	await page.locator('.gm-switch label', { hasText: 'Heat map' }).click();
	T.ok(await page.locator('td.gm-cell.gm-heat').count() === 6, 'heat view shades cells');
	T.eq(await page.locator('td.gm-cell.gm-heat svg').count(), 0, 'heat view has no bubbles');
	T.ok(await urlHas(page, /view=heat/), 'view in the URL');
	await page.locator('.gm-switch label', { hasText: 'Reports' }).click();
	T.eq(await grand(page), '7', 'counting reports');
	T.eq((await cellInfo(page, 'appointments', 'community')).n, 1, 'a further report counts where it is coded');
	T.ok(/Showing 6 of 6 studies \(7 reports\)/.test(await statusText(page)), 'status names reports');
	/* The live counts follow the unit, and the facet's legend says which. */
	T.eq(await liveCount(page, 'design', 'Qualitative'), '(4)', 'live count in reports');
	T.eq(await page.locator('.gm-facet[data-facet="design"] legend').textContent(), 'Design (reports)', 'legend names the unit (reports)');
	await page.locator('.gm-switch label', { hasText: 'Studies' }).click();
	T.eq(await liveCount(page, 'design', 'Qualitative'), '(3)', 'live count in studies');
	T.eq(await page.locator('.gm-facet[data-facet="design"] legend').textContent(), 'Design (studies)', 'legend names the unit (studies)');
	await page.locator('.gm-switch label', { hasText: 'Bubbles' }).click();
	const toggle = page.locator('button.gm-toggle', { hasText: 'Health' });
	await toggle.click();
	T.eq(await toggle.getAttribute('aria-expanded'), 'false', 'group collapsed');
	T.ok(await page.locator('tr.gm-row[data-r="0"]').isHidden(), 'collapsed rows hidden');
	T.eq(await page.locator('td.gm-gcell[data-g="0"] .gm-count').allTextContents(), ['3', '2'], 'collapsed group shows its counts');
	T.ok(await urlHas(page, /collapsed=health/), 'collapsed groups in the URL');
	await toggle.press('Enter');
	T.ok(await page.locator('tr.gm-row[data-r="0"]').isVisible(), 'group expanded again by keyboard');
	/* List view, sortable. */
	await page.locator('.gm-switch label', { hasText: 'List' }).click();
	T.eq(await page.locator('.gm-list tbody tr').count(), 6, 'list view rows');
	T.eq(await page.locator('.gm-list tbody tr td:nth-child(3)').first().textContent(), '2023', 'newest first');
	await page.locator('.gm-list th button', { hasText: 'Title' }).click();
	T.eq(await page.locator('.gm-list th[aria-sort]').getAttribute('aria-sort'), 'ascending', 'aria-sort');
	T.eq(await page.locator('.gm-list tbody tr td:first-child').first().textContent(), '=SUM(1+1) a study whose title looks like a formula', 'sorted by title');
	await page.locator('.gm-list th button', { hasText: 'Title' }).press('Enter');
	T.eq(await page.locator('.gm-list tbody tr td:first-child').first().textContent(), 'Views of patients', 'sorted by title, descending');
	T.ok(await urlHas(page, /sort=title-desc/), 'sort in the URL');
	await checkbox(page, 'design', 'Qualitative').check();
	T.eq(await page.locator('.gm-list tbody tr').count(), 3, 'list follows the filters');
	T.eq(page.errors, [], 'no script errors');
	await page.close();
});

await T.test('URL round trip', async () => {
	const page = await openPage(ctx, server.url + 'index.html');
	await ready(page);
	await page.locator('.gm-switch label', { hasText: 'Heat map' }).click();
	await checkbox(page, 'country', 'United Kingdom').check();
	await page.locator('.gm-search input').fill('a');
	await page.locator('.gm-years input').first().fill('2019');
	await page.locator('button.gm-toggle', { hasText: 'Use of services' }).click();
	await page.locator('td.gm-cell[data-r="0"][data-c="0"] button').click();
	const url = page.url();
	const before = await page.evaluate(() => [document.querySelector('.gm-status').textContent, document.querySelector('.gm-panel h2').textContent]);
	T.ok(/cell=pain~gp/.test(url) && /country=uk/.test(url) && /q=a/.test(url) && /from=2019/.test(url), 'state in the URL', url);
	const again = await openPage(ctx, url);
	await ready(again);
	const after = await again.evaluate(() => [document.querySelector('.gm-status').textContent, document.querySelector('.gm-panel[open] h2') && document.querySelector('.gm-panel h2').textContent]);
	T.eq(after, before, 'a link reproduces the view, filters, search and open cell');
	T.ok(await again.locator('.gm-switch input[value="heat"]').isChecked(), 'view restored');
	T.eq(await again.locator('.gm-search input').inputValue(), 'a', 'search restored');
	T.ok(await checkbox(again, 'country', 'United Kingdom').isChecked(), 'checkbox restored');
	T.eq(await again.locator('button.gm-toggle', { hasText: 'Use of services' }).getAttribute('aria-expanded'), 'false', 'collapsed group restored');
	T.eq(again.url(), url, 'URL unchanged by loading it');
	await again.close();
	/* The skip link does not reset the view. */
	await page.keyboard.press('Escape');
	await page.evaluate(() => { location.hash = '#main'; });
	await page.waitForTimeout(100);
	T.ok(await checkbox(page, 'country', 'United Kingdom').isChecked(), 'a plain fragment keeps the state');
	await page.close();
});

async function readDownload(page, trigger) {
	const [dl] = await Promise.all([page.waitForEvent('download', { timeout: 5000 }), trigger()]);
	const file = await dl.path();
	return { name: dl.suggestedFilename(), body: fs.readFileSync(file, 'utf8') };
}

await T.test('panel, keyboard and downloads', async () => {
	const page = await openPage(ctx, server.url + 'index.html');
	await ready(page);
	/* Keyboard path: from the search box, Tab reaches a cell. */
	await page.locator('.gm-search input').focus();
	let reached = null;
	for (let i = 0; i < 80 && !reached; i++) {
		await page.keyboard.press('Tab');
		reached = await page.evaluate(() => (document.activeElement.classList.contains('gm-cellbtn') ? document.activeElement.getAttribute('aria-label') : null));
	}
	T.ok(reached && reached.startsWith('Pain × General practice'), 'Tab reaches the first cell', reached);
	const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
	T.eq(outline, 'solid', 'visible focus on a cell');
	await page.keyboard.press('Enter');
	const panel = page.locator('dialog.gm-panel');
	T.ok(await panel.isVisible(), 'Enter opens the panel');
	T.eq(await panel.locator('h2').textContent(), 'Pain × General practice', 'panel title');
	T.eq(await page.evaluate(() => document.activeElement.id), 'gm-panel-title', 'focus moves into the panel');
	T.eq(await panel.locator('.gm-panel-sum').textContent(), '3 studies.', 'panel count');
	await page.waitForFunction(() => document.querySelector('.gm-panel .gm-study-sum'));
	const items = await panel.locator('.gm-study-title a').allTextContents();
	T.eq(items, ['=SUM(1+1) a study whose title looks like a formula', 'Another pain trial', 'A trial of link workers'], 'panel studies');
	T.eq(await panel.locator('.gm-study-title a').first().getAttribute('href'), 'studies/e1/index.html', 'link to the study page');
	T.ok(await panel.locator('a[href="https://doi.org/10.1000/abc.1"]').count() === 1, 'DOI link');
	T.ok(/A summary that only the panel shows/.test(await panel.textContent()), 'summary fetched on demand');
	T.ok(/Randomised trial/.test(await panel.locator('.gm-study-meta').nth(1).textContent()), 'design shown');
	const cellCsv = await readDownload(page, () => panel.locator('button[data-dl="csv"]').click());
	T.eq(cellCsv.name, 'gapmap-pain-gp.csv', 'panel CSV file name');
	T.eq(cellCsv.body.trim().split('\r\n').length, 4, 'panel CSV rows');
	await page.keyboard.press('Escape');
	T.ok(await panel.isHidden(), 'Escape closes the panel');
	T.ok(/^Pain × General practice/.test(await page.evaluate(() => document.activeElement.getAttribute('aria-label'))), 'focus returns to the cell');
	await page.waitForFunction(() => !/cell=/.test(location.href), null, { timeout: 2000 }).catch(() => {});
	T.ok(!/cell=/.test(page.url()), 'closed cell leaves the URL');
	await page.keyboard.press('Space');
	T.ok(await panel.isVisible(), 'Space opens the panel');
	await panel.locator('.gm-close').click();
	T.ok(await panel.isHidden(), 'Close button closes the panel');
	await page.locator('td.gm-cell[data-r="2"][data-c="1"] button').click();
	T.eq(await panel.locator('h2').textContent(), 'Appointments × Community', 'click opens the panel');
	await page.keyboard.press('Escape');
	/* Downloads of the filtered studies. */
	await checkbox(page, 'outcome', 'Pain').check();
	const csv = await readDownload(page, () => page.locator('.gm-downloads button[data-dl="csv"]').click());
	const lines = csv.body.replace(/^\ufeff/, '').trim().split('\r\n');
	T.eq(lines.length, 6, 'CSV: header and the 5 reports of the 4 filtered studies');
	T.ok(lines[0].startsWith('id,study,title,authors,year'), 'CSV header', lines[0]);
	T.ok(lines.some((l) => l.startsWith('"e1","e1","\'=SUM(1+1)')), 'CSV formula guard', lines[1]);
	T.ok(lines.some((l) => l.includes('"10.1000/abc.1"')), 'CSV has DOIs');
	const ris = await readDownload(page, () => page.locator('.gm-downloads button[data-dl="ris"]').click());
	T.eq((ris.body.match(/^TY {2}- /gm) || []).length, 5, 'RIS records, one per report');
	T.eq((ris.body.match(/^ER {2}- /gm) || []).length, 5, 'RIS record ends');
	T.ok(/^DO {2}- 10\.1000\/abc\.1\r$/m.test(ris.body), 'RIS DOI');
	T.ok(/^KW {2}- Design: Randomised trial\r$/m.test(ris.body), 'RIS keywords');
	T.eq(page.errors, [], 'no script errors');
	await page.close();
});

/* Issue 12.6: a download of a filtered set has the columns and fields of
 * the full files the generator writes; with no filter, the same rows. */
await T.test('downloads match the full data files', async () => {
	const page = await openPage(ctx, server.url + 'index.html');
	await ready(page);
	const csv = await readDownload(page, () => page.locator('.gm-downloads button[data-dl="csv"]').click());
	const mine = csv.body.replace(/^\ufeff/, '').split('\r\n');
	const full = fs.readFileSync(path.join(fixture.dir, 'data/studies.csv'), 'utf8').split('\r\n');
	T.eq(mine[0], full[0], 'CSV header as in data/studies.csv');
	const row = (lines, id) => lines.find((l) => l.startsWith('"' + id + '",'));
	T.eq(row(mine, 'a1'), row(full, 'a1'), 'a study\'s row as in data/studies.csv');
	T.eq(row(mine, 'a2-followup'), row(full, 'a2-followup'), 'a further report\'s row as in data/studies.csv');
	T.eq(mine.slice(1).sort(), full.slice(1).sort(), 'every row as in data/studies.csv');
	const ris = await readDownload(page, () => page.locator('.gm-downloads button[data-dl="ris"]').click());
	const recs = (body) => body.split('ER  - \r\n\r\n').sort();
	const fullRis = fs.readFileSync(path.join(fixture.dir, 'data/studies.ris'), 'utf8');
	T.eq(recs(ris.body), recs(fullRis), 'RIS records as in data/studies.ris');
	T.eq(page.errors, [], 'no script errors');
	await page.close();
});

/* Issue 9.3: the downloads' rules come from data/map.js as the generator
 * writes them (formats/mapdata.c: the CSV formula guard's characters, the
 * RIS type and source tag per record type, the "et al." entries); the script
 * spells none of them. Served with other rules, the downloads follow those. */
await T.test('downloads take their rules from the map data', async () => {
	const other = async (route) => {
		const res = await route.fetch();
		const body = (await res.text())
			.replace(/"csvFormula":"[^"]*"/, '"csvFormula":"A"')
			.replace(/"ris":\{[^}]*\}/, '"ris":{"article":["XART","XJ"],"report":["XREP","XT"]}')
			.replace(/"etAl":\[[^\]]*\]/, '"etAl":["green, d."]');
		T.ok(/"csvFormula":"A".*"ris":\{"article":\["XART".*"etAl":\["green/.test(body), 'map data rewritten');
		await route.fulfill({ response: res, body });
	};
	await ctx.route('**/data/map.js', other);
	const page = await openPage(ctx, server.url + 'index.html');
	await ready(page);
	const csv = await readDownload(page, () => page.locator('.gm-downloads button[data-dl="csv"]').click());
	const lines = csv.body.replace(/^\ufeff/, '').split('\r\n');
	T.ok(lines.some((l) => l.startsWith('"d1","d1","\'Another pain trial"')), 'CSV guards what the data says starts a formula');
	T.ok(lines.some((l) => l.startsWith('"e1","e1","=SUM(1+1)')), 'CSV guards nothing the data does not name');
	const ris = await readDownload(page, () => page.locator('.gm-downloads button[data-dl="ris"]').click());
	T.eq((ris.body.match(/^TY {2}- XART\r$/gm) || []).length, 5, 'RIS type of an article from the data');
	T.eq((ris.body.match(/^TY {2}- XREP\r$/gm) || []).length, 2, 'RIS type of a report from the data');
	T.ok(!/JOUR|RPRT/.test(ris.body), 'no RIS type of the script\'s own');
	T.ok(/^XJ {2}- Journal of Tests\r$/m.test(ris.body) && /^XT {2}- Test Charity\r$/m.test(ris.body), 'RIS source tags from the data');
	T.ok(!/^AU {2}- Green, D\.\r$/m.test(ris.body) && /^AU {2}- White, E\.\r$/m.test(ris.body), '"et al." entries from the data');
	T.eq(page.errors, [], 'no script errors');
	await page.close();
	await ctx.unroute('**/data/map.js', other);
});

await T.test('file://', async () => {
	const page = await openPage(ctx, pathToFileURL(path.join(fixture.dir, 'index.html')).href);
	await ready(page);
	T.eq(await statusText(page), 'Showing 6 of 6 studies.', 'works from file://');
	await page.locator('.gm-search input').fill('less pain');
	await page.waitForFunction(() => document.querySelector('.gm-status').textContent.startsWith('Showing 1 '), null, { timeout: 5000 });
	T.ok(await urlHas(page, /q=less/), 'URL state from file://');
	await page.locator('td.gm-cell button').first().click();
	T.ok(await page.locator('dialog.gm-panel').isVisible(), 'panel from file://');
	T.eq(page.errors, [], 'no script errors from file://');
	await page.close();
});

await T.test('phone, print, dark, reduced motion', async () => {
	const page = await openPage(ctx, server.url + 'index.html', { viewport: { width: 375, height: 740 } });
	await ready(page);
	T.ok(!(await page.locator('details.gm-filters').evaluate((d) => d.open)), 'filters folded on a phone');
	const sw = await page.evaluate(() => document.documentElement.scrollWidth);
	T.ok(sw <= 375, 'page does not scroll sideways at 375 px', sw);
	const sticky = await page.evaluate(() => [getComputedStyle(document.querySelector('.gm-imap thead th')).position, getComputedStyle(document.querySelector('.gm-imap tbody th[scope="row"]')).position]);
	T.eq(sticky, ['sticky', 'sticky'], 'sticky headings');
	await page.screenshot({ path: path.join(SHOTS, 'fixture-map-375.png'), fullPage: true });
	await page.locator('td.gm-cell button').first().click();
	const box = await page.locator('dialog.gm-panel').boundingBox();
	T.ok(box && box.width === 375 && box.height >= 739, 'panel is a full-screen sheet on a phone', box);
	await page.screenshot({ path: path.join(SHOTS, 'fixture-panel-375.png') });
	await page.keyboard.press('Escape');
	await page.emulateMedia({ media: 'print' });
	T.ok(await page.locator('.gm-imap').isVisible() && await page.locator('.map-scroll').isHidden(), 'print shows the map as it is on screen');
	T.ok(await page.locator('.gm-filters').isHidden() && await page.locator('.gm-downloads').isHidden(), 'print hides the controls');
	await page.emulateMedia({ media: 'screen', reducedMotion: 'reduce' });
	T.eq(await page.evaluate(() => getComputedStyle(document.querySelector('.gm-cellbtn')).transitionDuration), '0s', 'reduced motion');
	await page.close();
	const dark = await openPage(ctx, server.url + 'index.html');
	await dark.emulateMedia({ colorScheme: 'dark' });
	await ready(dark);
	await dark.screenshot({ path: path.join(SHOTS, 'fixture-map-1280-dark.png'), fullPage: true });
	T.eq(await dark.evaluate(() => getComputedStyle(document.body).backgroundColor), 'rgb(18, 20, 23)', 'dark mode');
	await dark.close();
});

await T.test('screenshots', async () => {
	const targets = [['fixture', server.url]];
	let cserver = null;
	if (content && content.dir) { cserver = await serve(content.dir); targets.push(['content', cserver.url]); }
	for (const [name, base] of targets) {
		for (const w of [1280, 375]) {
			const page = await openPage(ctx, base + 'index.html', { viewport: { width: w, height: w > 500 ? 900 : 740 } });
			await ready(page);
			await page.screenshot({ path: path.join(SHOTS, name + '-map-' + w + '.png'), fullPage: true });
			if (name === 'content') {
				T.eq(page.errors, [], 'content map: no script errors at ' + w);
				await page.locator('.gm-switch label', { hasText: 'Heat map' }).click();
				await page.screenshot({ path: path.join(SHOTS, name + '-heat-' + w + '.png'), fullPage: true });
				await page.locator('td.gm-cell button').first().click();
				await page.waitForTimeout(200);
				await page.screenshot({ path: path.join(SHOTS, name + '-panel-' + w + '.png') });
				await page.keyboard.press('Escape');
				await page.locator('.gm-switch label', { hasText: 'List' }).click();
				await page.screenshot({ path: path.join(SHOTS, name + '-list-' + w + '.png') });
			}
			await page.close();
			for (const p of ['overview/index.html']) {
				const pg = await openPage(ctx, base + p, { viewport: { width: w, height: 900 } });
				await pg.screenshot({ path: path.join(SHOTS, name + '-overview-' + w + '.png'), fullPage: true });
				await pg.close();
			}
		}
		/* A row code's page (an outcome by default). */
		const rowPage = await (async () => {
			const pg = await openPage(ctx, base + 'index.html');
			await ready(pg);
			const href = await pg.locator('.gm-imap tbody th a').first().getAttribute('href');
			await pg.close();
			return href;
		})();
		for (const w of [1280, 375]) {
			const pg = await openPage(ctx, base + rowPage, { viewport: { width: w, height: 900 } });
			await pg.screenshot({ path: path.join(SHOTS, name + '-outcome-' + w + '.png'), fullPage: true });
			await pg.close();
		}
	}
	if (cserver) await cserver.close();
	T.ok(fs.existsSync(path.join(SHOTS, 'fixture-map-1280.png')), 'screenshots saved');
});

await T.test('without JavaScript', async () => {
	const page = await ctx.newPage();
	const cdp = await ctx.newCDPSession(page);
	await cdp.send('Emulation.setScriptExecutionDisabled', { value: true });
	await page.goto(server.url + 'index.html');
	T.ok(await page.locator('.map-scroll table.gm-map').isVisible(), 'the static table is the map without JavaScript');
	T.eq(await page.locator('table.gm-map td.gm-cell a').count(), 6, 'static cells link to cell pages');
	T.eq(await page.locator('.gm-ui').count(), 0, 'no interface without JavaScript');
	const href = await page.locator('table.gm-map td.gm-cell a').first().getAttribute('href');
	await page.goto(server.url + href);
	T.ok(/Show this cell on the interactive map/.test(await page.locator('main').textContent()), 'cell page links to the interactive cell');
	await page.close();
	const page2 = await openPage(ctx, server.url + href);
	await page2.locator('a', { hasText: 'Show this cell on the interactive map' }).click();
	await ready(page2);
	T.ok(await page2.locator('dialog.gm-panel').isVisible(), 'the link opens the cell on the map');
	await page2.close();
});

await T.test('outcome page', async () => {
	const page = await openPage(ctx, server.url + 'outcomes/pain/index.html');
	const text = await page.locator('main').textContent();
	T.ok(/Definition:\s*Pain intensity\./.test(text), 'outcome page states the definition');
	T.eq(await page.locator('table.slice tbody tr th[scope="row"]').allTextContents(), ['General practice', 'Community', 'Libraries'], 'the outcome row across columns');
	T.ok(/3 studies/.test(await page.locator('table.slice tbody tr').first().textContent()), 'row counts');
	T.ok(/gap/.test(await page.locator('table.slice tbody tr').nth(2).textContent()), 'gap in the row');
	const rows = await page.locator('ol.outcome-studies > li').allTextContents();
	T.eq(rows.length, 4, 'studies of the outcome');
	const a1 = rows.find((r) => r.includes('A trial of link workers'));
	T.ok(a1 && /Randomised trial/.test(a1) && /General practice/.test(a1) && /Improved/.test(a1), 'design, setting and direction of effect', a1);
	T.ok(rows.some((r) => /Not reported/.test(r)), 'direction not reported');
	await page.close();
});

await browser.close();
await server.close();
T.done();
