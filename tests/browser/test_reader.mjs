/* The reader's map (issue 13): reflow at 375 px on every page, the map
 * first on a phone, filters as a sheet with chips, Back closing the panel,
 * an honest empty result, search over code labels, printing what is on
 * screen with its filters, the skip link and the keyboard grid, what splits
 * the bubbles and swapping axes, collapsing column groups, the breakdown on
 * hover, the heat legend's ranges, ordinal facets and abstracts, stepping
 * through a cell's studies, the wording of the static pages.
 * Screenshots of the phone and desktop map go to tests/out/. */
import fs from 'node:fs';
import path from 'node:path';
import { htmlFiles, launch, openPage, results, ROOT, serve, sites } from './lib.mjs';

const T = results();
const OUTDIR = path.join(ROOT, 'tests/out');
fs.mkdirSync(OUTDIR, { recursive: true });
const all = sites();
const fixture = all.find((s) => s.name === 'fixture');
const content = all.find((s) => s.name === 'content' && !s.error);
const PHONE = { width: 375, height: 800 };

const ready = (page) => page.waitForFunction(() => window.gapmap && window.gapmap.ready, null, { timeout: 10000 });
const statusText = (page) => page.locator('.gm-status').textContent();
const urlHas = (page, re) => page.waitForFunction((src) => new RegExp(src).test(location.href), re.source, { timeout: 2000 }).then(() => true, () => false);

const browser = await launch();
const ctx = browser.context;
const fx = await serve(fixture.dir);
const ct = content ? await serve(content.dir) : null;

/* ---- reflow (WCAG 1.4.10): no page wider than a 375 px screen --------------------------- */
await T.test('reflow at 375 px, every page', async () => {
	const page = await ctx.newPage();
	await page.setViewportSize(PHONE);
	for (const [site, server] of [[fixture, fx], [content, ct]]) {
		if (!site) continue;
		const wide = [];
		for (const f of htmlFiles(site.dir)) {
			const rel = path.relative(site.dir, f);
			await page.goto(server.url + rel);
			if (rel === 'index.html') await ready(page);
			const w = await page.evaluate(() => document.documentElement.scrollWidth);
			if (w > 375) wide.push(rel + ' ' + w);
		}
		T.ok(wide.length === 0, site.name + ': no page wider than 375 px', wide.slice(0, 8).join(', '));
	}
	await page.close();
});

/* ---- the map on a phone --------------------------------------------------------------------- */
await T.test('phone: the map first, filters in a sheet with chips', async () => {
	const server = ct || fx;
	const page = await openPage(ctx, server.url + 'index.html', { viewport: PHONE });
	await ready(page);
	const first = await page.evaluate(() => {
		const td = document.querySelector('.gm-imap td.gm-cell');
		const sc = document.querySelector('.gm-scroll');
		return { top: td.getBoundingClientRect().top, header: document.querySelector('.site-header').getBoundingClientRect().height,
			inner: sc.scrollHeight - sc.clientHeight };
	});
	T.ok(first.top < 700, 'the first cell is on the first screen', first);
	T.ok(first.header < 150, 'a compact header and menu', first);
	T.ok(first.inner <= 1, 'the map does not scroll inside the page', first);
	T.ok(await page.locator('details.intro').evaluate((d) => !d.open), 'the introduction starts folded');
	const mapTop = () => page.locator('.gm-imap').evaluate((t) => t.getBoundingClientRect().top);
	const before = await mapTop();
	await page.locator('.gm-filters > summary').click();
	T.ok((await mapTop()) <= before + 2, 'opening the filters does not push the map down', [before, await mapTop()]);
	T.ok(await page.locator('.gm-filters').evaluate((e) => getComputedStyle(e).position === 'fixed'), 'the filters are a sheet over the map');
	await page.keyboard.press('Escape');
	T.ok(await page.locator('.gm-filters').evaluate((d) => !d.open), 'Escape closes the sheet');
	await page.locator('.gm-filters > summary').click();
	await page.locator('.gm-filters .gm-facet li:not(.gm-group) > input').first().check();
	await page.locator('.gm-done').click();
	T.ok(await page.locator('.gm-filters').evaluate((d) => !d.open), '"Show the map" closes the sheet');
	const chip = page.locator('.gm-chips button.gm-chip');
	T.eq(await chip.count(), 1, 'the active filter is shown as a chip');
	T.ok(/active/.test(await statusText(page)), 'status names the filter');
	await chip.first().click();
	T.eq(await page.locator('.gm-chips button.gm-chip').count(), 0, 'the chip removes its filter');
	T.ok(!/active/.test(await statusText(page)), 'no filter after removing the chip');
	await page.locator('td.gm-cell button').first().click();
	const close = await page.locator('.gm-panel .gm-close').boundingBox();
	T.ok(close && close.height < 60 && close.width > 50, 'the panel\'s Close button keeps its shape', close);
	await page.keyboard.press('Escape');
	T.eq(page.errors, [], 'no script errors');
	await page.close();
});

/* ---- the panel is a history entry ------------------------------------------------------------ */
await T.test('Back closes the panel', async () => {
	const page = await openPage(ctx, fx.url + 'studies/index.html');
	await page.goto(fx.url + 'index.html');
	await ready(page);
	await page.locator('td.gm-cell button').first().click();
	T.ok(await page.locator('.gm-panel[open]').isVisible(), 'panel open');
	T.ok(await urlHas(page, /cell=/), 'cell in the URL');
	await page.goBack();
	await page.waitForFunction(() => !document.querySelector('.gm-panel[open]'), null, { timeout: 3000 }).catch(() => {});
	T.ok(await page.locator('.gm-panel[open]').count() === 0, 'Back closes the panel');
	T.ok(/\/index\.html$/.test(new URL(page.url()).pathname) && !/studies/.test(page.url()), 'Back stays on the map', page.url());
	await page.goForward();
	await page.waitForSelector('.gm-panel[open]', { timeout: 3000 }).catch(() => {});
	T.ok(await page.locator('.gm-panel[open]').count() === 1, 'Forward opens it again');
	await page.locator('.gm-panel .gm-close').click();
	await page.waitForFunction(() => !/cell=/.test(location.href), null, { timeout: 3000 }).catch(() => {});
	T.ok(!/cell=/.test(page.url()), 'Close removes the cell from the URL');
	await page.goBack();
	await page.waitForTimeout(200);
	T.ok(/studies\/index\.html$/.test(page.url()), 'after Close, Back leaves the map as usual', page.url());
	await page.close();
});

/* ---- honest display ------------------------------------------------------------------------- */
await T.test('search: no match says so; code labels are found', async () => {
	const page = await openPage(ctx, fx.url + 'index.html');
	await ready(page);
	const q = page.locator('.gm-search input');
	await q.fill('zzqqxx');
	T.ok(await page.locator('.gm-empty').isVisible(), 'empty result message shown');
	T.ok(/No studies match the search “zzqqxx”/.test(await page.locator('.gm-empty').textContent()), 'message says no studies match');
	T.eq(await page.locator('.gm-imap td.gm-gap:visible').count(), 0, 'no gaps drawn for an empty result');
	await q.fill('united states');
	T.eq(await statusText(page), 'Showing 1 of 6 studies, 1 filter active.', 'a country label is found');
	T.ok(await page.locator('.gm-empty').isHidden(), 'message gone when studies match');
	await q.fill('use of services');
	T.ok(/Showing 2 of 6/.test(await statusText(page)), 'a group label is found', await statusText(page));
	await page.close();
	if (ct) {
		const p2 = await openPage(ctx, ct.url + 'index.html');
		await ready(p2);
		await p2.locator('.gm-search input').fill('loneliness');
		const st = await statusText(p2);
		T.ok(/Showing [1-9]/.test(st), 'default map: "loneliness" finds the row "Social connection and loneliness"', st);
		await p2.close();
	}
});

await T.test('print what is on screen, with its filters', async () => {
	const page = await openPage(ctx, fx.url + 'index.html#country=us');
	await ready(page);
	await page.emulateMedia({ media: 'print' });
	T.ok(await page.locator('.gm-imap').isVisible(), 'the filtered map prints');
	T.ok(await page.locator('.map-scroll').isHidden(), 'the unfiltered table does not');
	T.eq(await page.locator('.gm-imap .gm-grand').textContent(), '1', 'printed totals are the filtered ones');
	T.ok(await page.locator('.gm-printsum').isVisible(), 'the filter summary prints');
	T.ok(/Filters applied: Country: United States/.test(await page.locator('.gm-printsum').textContent()), 'it names the filters');
	T.ok(await page.locator('.gm-filters').isHidden() && await page.locator('.gm-switch').first().isHidden(), 'controls do not print');
	await page.emulateMedia({ media: 'screen' });
	T.ok(await page.locator('.gm-printsum').isHidden(), 'the summary is for print only');
	await page.close();
});

await T.test('gap hatching in light and dark', async () => {
	for (const scheme of ['light', 'dark']) {
		const page = await openPage(ctx, fx.url + 'index.html');
		await page.emulateMedia({ colorScheme: scheme });
		await ready(page);
		const c = await page.locator('.gm-imap td.gm-gap').first().evaluate((td) => {
			const s = getComputedStyle(td);
			const nums = (x) => x.match(/\d+(\.\d+)?/g).slice(0, 3).map(Number);
			const lum = (rgb) => {
				const [r, g, b] = rgb.map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
				return 0.2126 * r + 0.7152 * g + 0.0722 * b;
			};
			const bg = nums(s.backgroundColor), hatch = nums(s.backgroundImage.match(/rgba?\([^)]*\)/g).find((x) => !/, 0\)$/.test(x)));
			const [a, b] = [lum(bg), lum(hatch)].sort((x, y) => y - x);
			return { ratio: (a + 0.05) / (b + 0.05), image: s.backgroundImage.slice(0, 40) };
		});
		T.ok(c.ratio >= 2.5, 'gap hatch stands out from its background, ' + scheme, c);
		await page.close();
	}
});

await T.test('wording of counts', async () => {
	const cell = await openPage(ctx, fx.url + 'cells/pain/gp/index.html');
	const text = await cell.locator('main').textContent();
	T.ok(/Design: Randomised trial, 2 studies; Qualitative, 1 study\./.test(text), 'segment counts with plurals on a cell page', text.slice(0, 300));
	await cell.close();
	const code = await openPage(ctx, fx.url + 'settings/gp/index.html');
	const hidden = await code.locator('table.slice .visually-hidden').allTextContents();
	T.ok(hidden.some((h) => h.trim() === 'on Pain in General practice'), 'a column code page says "on <row> in <column>"', hidden);
	await code.close();
});

/* ---- keyboard ----------------------------------------------------------------------------------- */
await T.test('skip link and arrow keys', async () => {
	const page = await openPage(ctx, fx.url + 'index.html');
	await ready(page);
	await page.keyboard.press('Tab');
	T.eq(await page.evaluate(() => document.activeElement.textContent), 'Skip to content', 'first Tab: skip to content');
	await page.keyboard.press('Tab');
	T.eq(await page.evaluate(() => document.activeElement.textContent), 'Skip to the map', 'second Tab: skip to the map');
	await page.keyboard.press('Enter');
	const at = () => page.evaluate(() => {
		const e = document.activeElement, td = e.closest('td.gm-cell');
		return td ? { r: +td.dataset.r, c: +td.dataset.c, gap: td.classList.contains('gm-gap'), text: e.textContent } : { tag: e.tagName };
	});
	T.eq(await at(), { r: 0, c: 0, gap: false, text: '3' }, 'the skip link lands on the first cell (3 key presses)');
	T.eq(await page.locator('.gm-imap td.gm-cell[tabindex="0"], .gm-imap td.gm-cell [tabindex="0"]').count(), 1, 'one tab stop for all the cells');
	await page.keyboard.press('ArrowRight');
	T.eq((await at()).c, 1, 'ArrowRight moves to the next column');
	await page.keyboard.press('ArrowRight');
	const gap = await at();
	T.ok(gap.c === 2 && gap.gap && /evidence gap/.test(gap.text), 'a gap cell is reachable and says it is a gap', gap);
	await page.keyboard.press('ArrowRight');
	T.eq((await at()).c, 2, 'ArrowRight stops at the last column');
	await page.keyboard.press('ArrowDown');
	T.eq((await at()).r, 1, 'ArrowDown moves to the next row');
	await page.keyboard.press('Home');
	T.eq((await at()).c, 0, 'Home goes to the first column');
	await page.keyboard.press('Control+End');
	const end = await at();
	T.ok(end.r === 2 && end.c === 2, 'Ctrl+End goes to the last cell', end);
	await page.keyboard.press('Shift+Tab');
	await page.keyboard.press('Tab');
	const back = await at();
	T.ok(back.r === 2 && back.c === 2, 'Tab returns to the cell last focused', back);
	await page.locator('button.gm-toggle[data-g="0"]').click();
	await page.locator('.gm-imap td.gm-cell[tabindex="0"], .gm-imap td.gm-cell [tabindex="0"]').focus();
	await page.keyboard.press('ArrowUp');
	T.eq((await at()).r, 2, 'arrow keys skip the rows of a collapsed group');
	T.eq(page.errors, [], 'no script errors');
	await page.close();
});

/* ---- richer maps ------------------------------------------------------------------------------------ */
await T.test('what splits the bubbles, swapping rows and columns, column groups', async () => {
	const page = await openPage(ctx, fx.url + 'index.html');
	await ready(page);
	await page.locator('.gm-shape select').selectOption('country');
	T.ok(await urlHas(page, /split=country/), 'the choice is in the URL');
	const keys = await page.locator('.gm-legend .gm-keys li').allTextContents();
	T.ok(keys.includes('United Kingdom') && keys.includes('United States'), 'legend names the countries', keys);
	const label = await page.locator('td.gm-cell[data-r="0"][data-c="0"] button').getAttribute('aria-label');
	T.ok(/United Kingdom: 1, Country not coded: 2/.test(label), 'cells are split by country', label);
	await page.locator('.gm-shape select').selectOption('none');
	T.ok(await urlHas(page, /split=none/), 'splitting by nothing is in the URL');
	T.eq(await page.locator('td.gm-cell[data-r="0"][data-c="0"] svg path[d^="M"]').count(), 1, 'one plain bubble without a split');
	await page.locator('.gm-swap').click();
	T.ok(await urlHas(page, /swap=1/), 'the swap is in the URL');
	T.eq(await page.locator('.gm-imap .gm-colheads th a').allTextContents(), ['Pain', 'Quality of life', 'Appointments'], 'outcomes are now the columns');
	T.eq(await page.locator('.gm-imap tbody th[scope="row"] a').allTextContents(), ['General practice', 'Community', 'Libraries'], 'settings are the rows');
	/* Column groups collapse like row groups. */
	await page.locator('th[scope="colgroup"] button.gm-toggle', { hasText: 'Health' }).click();
	T.ok(await page.locator('.gm-imap .gm-colheads th', { hasText: 'Pain' }).isHidden(), 'a collapsed column group hides its columns');
	T.eq(await page.locator('td.gm-hcell[data-h="0"]:visible .gm-count').allTextContents(), ['3', '2'], 'and shows its totals per row');
	T.ok(await urlHas(page, /collapsed-columns=health/), 'collapsed columns are in the URL');
	const url = page.url();
	const again = await openPage(ctx, url);
	await ready(again);
	T.eq(await again.locator('.gm-imap tbody th[scope="row"] a').allTextContents(), ['General practice', 'Community', 'Libraries'], 'the URL reproduces the swap');
	T.ok(await again.locator('.gm-imap .gm-colheads th', { hasText: 'Pain' }).isHidden(), 'and the collapsed column group');
	T.eq(page.errors.concat(again.errors), [], 'no script errors');
	await again.close();
	await page.close();
});

await T.test('the direction of effect colours the map', async () => {
	const page = await openPage(ctx, fx.url + 'index.html');
	await ready(page);
	await page.locator('.gm-shape select').selectOption('direction');
	T.ok(await urlHas(page, /split=direction/), 'the choice is in the URL');
	const label = () => page.locator('td.gm-cell[data-r="0"][data-c="0"] button').getAttribute('aria-label');
	T.ok(/\(Not reported: 2, Improved: 1\)/.test(await label()), 'pain × general practice: one improved, two not reported', await label());
	const keys = await page.locator('.gm-legend .gm-keys li').allTextContents();
	T.ok(keys.includes('Improved') && keys.includes('Worse'), 'legend names the directions', keys);
	T.ok(await page.evaluate(() => document.querySelector('#gm-seg-1 rect').getAttribute('class')) === 'gm-fill-dir-improved', 'improved has its colour');
	await page.locator('td.gm-cell[data-r="0"][data-c="0"] button').click();
	T.ok(/Direction of effect: Improved/.test(await page.locator('.gm-panel').textContent()), 'the panel gives each study\'s direction for the row');
	await page.keyboard.press('Escape');
	await page.locator('.gm-swap').click();
	T.eq(await page.locator('.gm-shape select').inputValue(), 'direction', 'still split by direction with the axes swapped');
	const swapped = await page.locator('td.gm-cell[data-r="0"][data-c="0"] button').getAttribute('aria-label');
	T.ok(/^General practice × Pain: 3 studies .*\(Not reported: 2, Improved: 1\)/.test(swapped), 'same counts with outcomes as columns', swapped);
	T.eq(page.errors, [], 'no script errors');
	await page.close();
});

await T.test('breakdown on hover and focus, heat legend ranges, one-study bubbles', async () => {
	const page = await openPage(ctx, fx.url + 'index.html');
	await ready(page);
	await page.locator('td.gm-cell[data-r="0"][data-c="0"] button').hover();
	const tip = page.locator('.gm-celltip');
	T.ok(await tip.isVisible(), 'hovering a cell shows its breakdown');
	T.ok(/Pain × General practice.*3 studies.*Randomised trial: 2.*Qualitative: 1/s.test(await tip.textContent()), 'breakdown text', await tip.textContent());
	await page.locator('td.gm-cell[data-r="0"][data-c="1"] button').focus();
	T.ok(/Community.*1 study/s.test(await tip.textContent()), 'focusing a cell shows its breakdown');
	const r = await page.locator('td.gm-cell[data-r="1"][data-c="0"] svg circle.gm-outline').getAttribute('r');
	T.ok(+r >= 9, 'a one-study bubble is large enough to read', r);
	await page.locator('.gm-switch label', { hasText: 'Heat map' }).click();
	const keys = await page.locator('.gm-legend .gm-keys li').allTextContents();
	T.ok(keys.includes('1 study') && keys.includes('3 studies') && keys.includes('2 studies'), 'heat legend gives the counts of each shade', keys);
	await page.close();
});

/* Ordinal facets and abstracts: the map data may mark a facet ordinal and
 * give an abstract as the eleventh text field; the generator does not yet,
 * so the test adds them to the data files on their way to the browser. */
await T.test('ordinal segments and abstracts', async () => {
	const page = await ctx.newPage();
	await page.route('**/data/map.js', async (route) => {
		const res = await route.fetch();
		const body = (await res.text()).replace('"id":"design",', '"id":"design","ordinal":true,');
		await route.fulfill({ response: res, body });
	});
	await page.route('**/data/map-text.js', async (route) => {
		const res = await route.fetch();
		/* The eleventh field (index 10) is the abstract, null where there is none. */
		const text = await res.text();
		const list = JSON.parse(text.slice(text.indexOf('['), text.lastIndexOf(']') + 1));
		for (const t of list) t[10] = 'An abstract for the panel.';
		const body = 'window.GAPMAP_TEXT = ' + JSON.stringify(list) + ';\n';
		await route.fulfill({ response: res, body });
	});
	await page.goto(fx.url + 'index.html');
	await ready(page);
	T.ok(await page.evaluate(() => window.gapmap.data.facets.find((f) => f.id === 'design').ordinal), 'ordinal flag read');
	T.ok(await page.locator('.gm-keys.gm-ordinal').count() === 1, 'legend marked as an ordered scale');
	T.ok(/Shades, in order: design/.test(await page.locator('.gm-legend-title').textContent()), 'legend says the shades are in order');
	const fills = await page.evaluate(() => [0, 1].map((k) => document.querySelector('#gm-seg-' + k + ' rect').getAttribute('fill')));
	T.ok(fills.every((f) => /^#[0-9a-f]{6}$/.test(f)) && fills[0] !== fills[1], 'ordered shades for the codes', fills);
	await page.locator('td.gm-cell[data-r="0"][data-c="0"] button').click();
	await page.waitForSelector('.gm-abstract', { timeout: 3000 }).catch(() => {});
	T.ok(await page.locator('.gm-panel .gm-abstract').count() === 3, 'the panel shows each study\'s abstract');
	T.ok(/An abstract for the panel/.test(await page.locator('.gm-panel .gm-abstract').first().textContent()), 'abstract text');
	await page.close();
});

await T.test('the panel steps to the previous and next study', async () => {
	const page = await openPage(ctx, fx.url + 'index.html');
	await ready(page);
	await page.locator('td.gm-cell[data-r="0"][data-c="0"] button').click();
	const next = page.locator('.gm-panel button[data-step="1"]'), prev = page.locator('.gm-panel button[data-step="-1"]');
	await next.click();
	T.eq(await page.locator('.gm-step-at').textContent(), 'Study 1 of 3', 'Next goes to the first study');
	const title0 = await page.locator('.gm-panel .gm-study-title a').first().textContent();
	T.eq(await page.evaluate(() => document.activeElement.textContent), title0, 'focus on its title');
	await next.click();
	await next.click();
	T.eq(await page.locator('.gm-step-at').textContent(), 'Study 3 of 3', 'Next steps on');
	T.ok(await next.isDisabled(), 'Next stops at the last');
	await prev.click();
	T.eq(await page.locator('.gm-step-at').textContent(), 'Study 2 of 3', 'Previous steps back');
	T.eq(await page.locator('.gm-study.gm-current').count(), 1, 'the current study is marked');
	await page.close();
});

/* ---- screenshots, to look at ------------------------------------------------------------------------- */
await T.test('screenshots', async () => {
	const server = ct || fx;
	for (const [name, viewport] of [['phone', PHONE], ['desktop', { width: 1280, height: 800 }]]) {
		for (const scheme of ['light', 'dark']) {
			const page = await openPage(ctx, server.url + 'index.html', { viewport });
			await page.emulateMedia({ colorScheme: scheme });
			await ready(page);
			await page.screenshot({ path: path.join(OUTDIR, 'map-' + name + '-' + scheme + '.png') });
			if (name === 'phone' && scheme === 'light') {
				await page.locator('.gm-filters > summary').click();
				await page.screenshot({ path: path.join(OUTDIR, 'map-phone-filters.png') });
			}
			await page.close();
		}
	}
	T.ok(fs.existsSync(path.join(OUTDIR, 'map-phone-light.png')), 'screenshots written');
});

await fx.close();
if (ct) await ct.close();
await browser.close();
T.done();
