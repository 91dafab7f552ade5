/* gapmap serve in a real browser, with the pages' own Content-Security-
 * Policy in force: an open page reloads by itself after an edit; a broken
 * edit shows the overlay (file, line, message) over the last good page
 * with no script error or policy violation; the fix removes it. Loopback
 * only; the server is stopped by its own process id. */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { GAPMAP, OUT, ROOT, launch, openPage, results, sleep } from './lib.mjs';

const T = results();
const dir = fs.mkdtempSync(path.join(fs.realpathSync(process.env.TMPDIR || '/tmp'), 'gapmap-serve-browser-'));
const content = path.join(dir, 'c');
fs.cpSync(path.join(ROOT, 'tests/bad/base'), content, { recursive: true });
const rec = path.join(content, 'studies/smith-2020.yaml');
const original = fs.readFileSync(rec, 'utf8');

const proc = spawn(GAPMAP, ['serve', '-C', content, '--port', '0', '-o', path.join(dir, 'out')], { stdio: ['ignore', 'pipe', 'pipe'] });
let log = '';
proc.stdout.on('data', (d) => { log += d; });
proc.stderr.on('data', (d) => { log += d; });

async function until(pred, ms = 30000) {
	const end = Date.now() + ms;
	for (;;) {
		const v = await pred();
		if (v || Date.now() > end) return v;
		await sleep(100);
	}
}

const browser = await launch();
try {
	const m = await until(() => /at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(log), 60000);
	if (!T.ok(m, 'server starts', log)) throw new Error('no server');
	const base = m[1];
	await T.test('live reload and the overlay', async () => {
		const page = await openPage(browser.context, base + 'studies/smith-2020/');
		await page.setViewportSize({ width: 375, height: 700 });
		await page.waitForLoadState('load');
		T.ok(await page.evaluate(() => !!document.querySelector('script[src="/__gapmap/reload.js"]')), 'served page carries the script');
		await page.evaluate(() => { window.__before = 1; });

		fs.writeFileSync(rec, original.replace('summary: Pain fell.', 'summary: Pain fell (BROWSER-EDIT).'));
		const reloaded = await until(() => page.evaluate(() => !window.__before && document.body.textContent.includes('BROWSER-EDIT')).catch(() => false));
		T.ok(reloaded, 'the open page reloads itself with the edit');

		fs.writeFileSync(rec, original.replace('outcome: [pain, quality-of-life]', 'outcome: [pian, quality-of-life]'));
		const shown = await until(() => page.evaluate(() => {
			const o = document.getElementById('gapmap-overlay');
			return o && o.getBoundingClientRect().height > 0 ? o.textContent : null;
		}).catch(() => null));
		T.ok(shown && shown.includes('studies/smith-2020.yaml:8:') && shown.includes('unknown outcome code "pian"'),
			'the overlay lists file, line and message', shown);
		T.ok(await page.evaluate(() => document.body.textContent.includes('BROWSER-EDIT')), 'the last good page stays underneath');
		T.ok(await page.evaluate(() => document.getElementById('gapmap-overlay').getAttribute('role') === 'alert'), 'the overlay is announced');
		T.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'the overlay reflows at 375 px');
		const colour = await page.evaluate(() => getComputedStyle(document.querySelector('.gapmap-overlay-panel')).backgroundColor);
		T.eq(colour, 'rgb(255, 255, 255)', 'the overlay style sheet applies under the policy');
		await page.screenshot({ path: path.join(OUT, '..', 'screenshots', 'serve-overlay.png') }).catch(() => {});

		await page.evaluate(() => { window.__before = 1; });
		fs.writeFileSync(rec, original);
		const fixed = await until(() => page.evaluate(() => !window.__before && !document.getElementById('gapmap-overlay')).catch(() => false));
		T.ok(fixed, 'the fix reloads the page without the overlay');
		/* A reload cancels the open event stream: that is no error. */
		T.eq(page.errors.filter((e) => e !== 'failed ' + base + '__gapmap/events'), [], 'no script errors or policy violations');
	});
} finally {
	await browser.close();
	proc.kill('SIGINT');
	const code = await new Promise((r) => {
		const t = setTimeout(() => { proc.kill('SIGKILL'); r(null); }, 20000);
		proc.on('exit', (c) => { clearTimeout(t); r(c); });
	});
	T.eq(code, 0, 'the server stops cleanly');
	fs.rmSync(dir, { recursive: true, force: true });
}
T.done();
