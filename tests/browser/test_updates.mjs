/* Updates in the browser: the What's new page, the map with its version
 * line and "new" marks, the studies list and the overview's growth chart
 * pass html-validate and axe-core (WCAG 2.1 AA) in light and dark modes,
 * and reflow at 375 px. Built from the browser fixture plus two updates. */
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
} finally {
	await server.close();
	await browser.close();
}
T.done();
