/* Updates in the browser: the What's new page, the map with its version
 * line and "new" marks, the studies list and the overview's growth chart
 * pass html-validate and axe-core (WCAG 2.1 AA) in light and dark modes,
 * and reflow at 375 px. Built from the browser fixture plus two updates.
 * The drawn map (a second build with a third update, so that nothing is
 * pending): "new" marks on cells, in the list view and in a cell's panel,
 * and the "added since" filter with its URL state and empty result. */
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { HtmlValidate } from 'html-validate';
import { HERE, OUT, buildSite, launch, openPage, results, serve } from './lib.mjs';

const T = results();
const require = createRequire(import.meta.url);
const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const src = path.join(OUT, 'updates-src');
fs.rmSync(src, { recursive: true, force: true });
fs.cpSync(path.join(HERE, 'site'), src, { recursive: true });
fs.appendFileSync(path.join(src, 'site.yaml'), [
	'updates:',
	'  - { version: "1.0", date: 2024-01-12, searched: 2024-01-01, summary: First version. }',
	'  - version: "1.1"',
	'    date: 2024-03-01',
	'    searched: 2024-02-20',
	'    summary: New studies on appointments.',
	'    withdrawn:',
	'      - { id: gone-2019, title: A retracted trial, reason: Retracted by the journal. }',
	'',
].join('\n'));
const dir = buildSite(src, 'updates');
/* Three updates: 1.0 adds a1, a2 and b1; 1.1 adds c1 and d1; 1.2 adds e1
 * (pain × general practice), the only study new in the latest update. */
const src3 = path.join(OUT, 'updates3-src');
fs.rmSync(src3, { recursive: true, force: true });
fs.cpSync(src, src3, { recursive: true });
fs.appendFileSync(path.join(src3, 'site.yaml'), '  - { version: "1.2", date: 2024-03-05 }\n');
const dir3 = buildSite(src3, 'updates3');

const hv = new HtmlValidate(JSON.parse(fs.readFileSync(path.join(HERE, 'htmlvalidate.json'), 'utf8')));
const pages = ['updates/index.html', 'index.html', 'studies/index.html', 'overview/index.html'];
for (const p of pages) {
	const report = await hv.validateFile(path.join(dir, p));
	const msgs = report.results.flatMap((r) => r.messages.filter((m) => m.severity === 2).map((m) => m.line + ':' + m.column + ' ' + m.ruleId + ' ' + m.message));
	T.ok(msgs.length === 0, 'html-validate ' + p, msgs.slice(0, 5).join(' | '));
}

const browser = await launch({ bypassCSP: true });
const server = await serve(dir);
try {
	for (const scheme of ['light', 'dark']) {
		for (const p of pages) {
			await T.test('axe ' + p + ' ' + scheme, async () => {
				const page = await openPage(browser.context, server.url + p);
				await page.emulateMedia({ colorScheme: scheme });
				if (p === 'index.html') await page.waitForFunction(() => window.gapmap && window.gapmap.ready, null, { timeout: 10000 }).catch(() => {});
				await page.evaluate(AXE);
				const r = await page.evaluate(() => window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] }, resultTypes: ['violations'] }));
				const v = r.violations.map((x) => x.id + ': ' + x.nodes.slice(0, 2).map((n) => n.target.join(' ')).join('; '));
				T.ok(v.length === 0, 'axe ' + p + ' (' + scheme + ')', v.join(' || '));
				T.eq(page.errors, [], 'no errors on ' + p + ' (' + scheme + ')');
				await page.close();
			});
		}
	}
	await T.test('reflow at 375 px', async () => {
		for (const p of ['updates/index.html', 'overview/index.html']) {
			const page = await openPage(browser.context, server.url + p, { viewport: { width: 375, height: 800 } });
			T.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no horizontal scroll at 375 px: ' + p);
			await page.close();
		}
	});
	await T.test('what is new reads right', async () => {
		const page = await openPage(browser.context, server.url + 'updates/index.html');
		const h2 = await page.$$eval('main h2', (hs) => hs.map((h) => h.textContent));
		T.eq(h2.filter((t) => t.startsWith('Version')), ['Version 1.1 (latest)', 'Version 1.0'], 'updates newest first');
		T.eq(h2[0], 'Since version 1.1', 'studies added since the latest update come first');
		T.ok(await page.isVisible('text=A retracted trial: Retracted by the journal.'), 'withdrawn study with its reason');
		await page.close();
	});
	const server3 = await serve(dir3);
	const ready = (page) => page.waitForFunction(() => window.gapmap && window.gapmap.ready, null, { timeout: 10000 });
	const marked = (page) => page.$$eval('.gm-imap td.gm-cell.gm-new', (tds) => tds.map((td) => td.querySelector('button').getAttribute('aria-label') + ' | ' + (td.querySelector('.gm-new-mark') || {}).textContent));
	const shown = (page) => page.locator('.gm-status').textContent();
	try {
		await T.test('new marks on the drawn map', async () => {
			const page = await openPage(browser.context, server3.url + 'index.html');
			await ready(page);
			T.eq(await marked(page), ['Pain × General practice: 3 studies (Randomised trial: 2, Qualitative: 1), 1 new in version 1.2 | new'], 'only the cell with the latest update\'s study is marked, on the bubble');
			T.ok(await page.locator('.gm-imap td.gm-cell.gm-new .gm-new-mark').isVisible(), 'the mark is visible');
			await page.locator('.gm-switch label', { hasText: 'Heat map' }).click();
			T.eq((await marked(page)).length, 1, 'and on the heat map');
			await page.locator('.gm-switch label', { hasText: 'List' }).click();
			const badges = await page.$$eval('table.gm-list tbody tr', (trs) => trs.filter((tr) => tr.querySelector('.badge-new')).map((tr) => tr.querySelector('a').textContent + ' | ' + tr.querySelector('.badge-new').textContent));
			T.eq(badges, ['=SUM(1+1) a study whose title looks like a formula | New in version 1.2'], 'list view marks the new study');
			await page.locator('.gm-switch label', { hasText: 'Bubbles' }).click();
			await page.locator('.gm-imap td.gm-cell.gm-new button').click();
			const panel = page.locator('dialog.gm-panel');
			await page.waitForFunction(() => document.querySelector('.gm-panel .gm-study-title'));
			const inPanel = await panel.locator('.gm-study-title').allTextContents();
			T.eq(inPanel.filter((t) => t.includes('New in version')), ['=SUM(1+1) a study whose title looks like a formula New in version 1.2'], 'the panel\'s study list marks it');
			T.eq(page.errors, [], 'no script errors');
			await page.close();
		});
		await T.test('added-since filter', async () => {
			const page = await openPage(browser.context, server3.url + 'index.html');
			await ready(page);
			const sel = page.locator('.gm-since select');
			T.eq(await sel.locator('option').allTextContents(), ['Any update (all studies)', 'version 1.2 (2024-03-05)', 'version 1.1 (2024-03-01)', 'version 1.0 (2024-01-12)'], 'the filter lists the updates, newest first');
			T.eq(await page.getAttribute('label[for="' + (await sel.getAttribute('id')) + '"]', 'for'), await sel.getAttribute('id'), 'the select has a label');
			await sel.selectOption({ label: 'version 1.0 (2024-01-12)' });
			T.eq(await shown(page), 'Showing 3 of 6 studies, 1 filter active.', 'added since 1.0: the three studies of 1.1 and 1.2');
			T.ok(await page.waitForFunction(() => /since=1\.0(&|$)/.test(location.href), null, { timeout: 2000 }).then(() => true, () => false), 'kept in the URL', page.url());
			T.eq(await page.locator('.gm-chip').allTextContents(), ['Added since: version 1.0 (2024-01-12)× (remove this filter)'], 'shown as a chip');
			const url = page.url();
			const again = await openPage(browser.context, url);
			await ready(again);
			T.eq(await again.locator('.gm-since select').inputValue(), '0', 'the URL restores the filter');
			T.eq(await shown(again), 'Showing 3 of 6 studies, 1 filter active.', 'and its result');
			T.eq(again.url(), url, 'URL unchanged by loading it');
			await again.close();
			await sel.selectOption({ label: 'version 1.2 (2024-03-05)' });
			const empty = page.locator('.gm-empty');
			T.ok(await empty.isVisible(), 'nothing added since the latest update: the empty result');
			T.eq(await empty.textContent(), 'No studies have been added since version 1.2 (2024-03-05). This is not an evidence gap: change or remove a filter to see the map again.', 'it says so');
			T.ok(await page.locator('.gm-scroll').isHidden(), 'no map of gaps is drawn');
			await page.locator('.gm-chip').click();
			T.eq(await shown(page), 'Showing 6 of 6 studies.', 'the chip removes the filter');
			T.ok(await page.waitForFunction(() => !/since=/.test(location.href), null, { timeout: 2000 }).then(() => true, () => false), 'and leaves the URL');
			T.eq(page.errors, [], 'no script errors');
			await page.close();
		});
	} finally {
		await server3.close();
	}
} finally {
	await server.close();
	await browser.close();
}
T.done();
