/* Times the interactive map on a synthetic map (default 10,000 studies) in
 * headless chromium: load and first render, and re-render after filter
 * changes (compute + DOM update + style and layout, and then to the end of
 * that frame's paint, measured in the page). Reports the median and the
 * worst of each; asserts nothing.
 *   node tests/bench/map-bench.mjs [N]      (from the repository root;
 *   needs build/gapmap and `npm ci` in tests/browser) */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { launch, serve } = await import(path.join(ROOT, 'tests/browser/lib.mjs'));
const N = parseInt(process.argv[2] || '10000', 10);
const work = path.join(ROOT, 'tests/out/bench');
const content = path.join(work, 'content-' + N), site = path.join(work, 'site-' + N);
if (!fs.existsSync(path.join(content, 'site.yaml'))) {
	fs.rmSync(content, { recursive: true, force: true });
	execFileSync('python3', [path.join(ROOT, 'tests/bench/synth.py'), content, String(N)]);
}
let t = Date.now();
execFileSync(path.join(ROOT, 'build/gapmap'), ['build', '-C', content, '-o', site], { stdio: ['ignore', 'ignore', 'inherit'] });
console.log('build of ' + N + ' studies: ' + (Date.now() - t) + ' ms');
const size = (f) => (fs.statSync(path.join(site, f)).size / 1024).toFixed(0) + ' KiB';
console.log('data/map.js ' + size('data/map.js') + ', data/map-text.js (on demand) ' + size('data/map-text.js') + ', index.html ' + size('index.html'));

const server = await serve(site);
const browser = await launch();
const median = (v) => v.slice().sort((a, b) => a - b)[Math.floor(v.length / 2)];
const f1 = (x) => x.toFixed(1);

const LOADS = 7, ROUNDS = 11; /* the first round warms up and is not counted */
const loads = [], scripts = [];
for (let i = 0; i < LOADS; i++) {
	const page = await browser.context.newPage();
	await page.goto(server.url + 'index.html');
	await page.waitForFunction(() => window.gapmap && window.gapmap.ready, null, { timeout: 30000 });
	const r = await page.evaluate(() => new Promise((res) => requestAnimationFrame(() => res({ ready: window.gapmap.ready, paint: performance.now(), script: window.gapmap.firstRender }))));
	loads.push(r.paint);
	scripts.push(r.script);
	await page.close();
}
console.log('load to first render (navigation start to the first frame after the map is built), ' + LOADS + ' loads: median ' + f1(median(loads)) + ' ms, max ' + f1(Math.max(...loads)) + ' ms');
console.log('  of which map.js building the map: median ' + f1(median(scripts)) + ' ms, max ' + f1(Math.max(...scripts)) + ' ms');

const page = await browser.context.newPage();
await page.goto(server.url + 'index.html');
await page.waitForFunction(() => window.gapmap && window.gapmap.ready);
/* One change, made at the start of a frame and timed from the event to the
 * end of style and layout (forced, as the measure), and to the end
 * of that frame's paint (a message posted in the frame runs after it). */
const timed = (sel, how) => page.evaluate(([sel, how]) => new Promise((res) => requestAnimationFrame(() => {
	const el = document.querySelector(sel);
	const t0 = performance.now();
	if (how === 'click') el.click();
	else { el.value = how; el.dispatchEvent(new Event('input', { bubbles: true })); }
	void document.body.offsetHeight;
	const t1 = performance.now(), render = window.gapmap.lastRender;
	const ch = new MessageChannel();
	ch.port1.onmessage = () => res([t1 - t0, render, performance.now() - t0]);
	ch.port2.postMessage(0);
})), [sel, how]);
const cases = [
	['tick a design', '.gm-facet:nth-of-type(3) li:not(.gm-group) input', 'click'],
	['untick it', '.gm-facet:nth-of-type(3) li:not(.gm-group) input', 'click'],
	['tick a condition group', '.gm-facet li.gm-group > input', 'click'],
	['untick it', '.gm-facet li.gm-group > input', 'click'],
	['search "pain"', '.gm-search input', 'pain'],
	['search "pain walking"', '.gm-search input', 'pain walking'],
	['clear search', '.gm-search input', ''],
	['year from 2015', '.gm-years input', '2015'],
	['heat view', '.gm-switch input[value="heat"]', 'click'],
	['bubble view', '.gm-switch input[value="bubble"]', 'click'],
	['count reports', 'input[name="gm-unit"][value="reports"]', 'click'],
	['count studies', 'input[name="gm-unit"][value="studies"]', 'click'],
	['list view', '.gm-switch input[value="list"]', 'click'],
	['bubble view', '.gm-switch input[value="bubble"]', 'click'],
];
await page.evaluate(() => window.gapmap.ensureText());
const totals = cases.map(() => []), renders = cases.map(() => []), painted = cases.map(() => []);
for (let round = 0; round < ROUNDS; round++) {
	for (let i = 0; i < cases.length; i++) {
		const [, sel, how] = cases[i];
		const [total, render, paint] = await timed(sel, how);
		if (round) { totals[i].push(total); renders[i].push(render); painted[i].push(paint); }
	}
	await page.evaluate(() => { document.querySelector('.gm-reset').click(); });
}
console.log('re-render after a change, rounds 2 to ' + ROUNDS + ' (ms): event to end of style and layout (median, max),');
console.log('to end of the frame\'s paint (median, max), and in map.js (median):');
console.log('  ' + 'interaction'.padEnd(24) + '  layout     max    paint     max   map.js');
const col = (v) => f1(v).padStart(8);
for (let i = 0; i < cases.length; i++)
	console.log('  ' + cases[i][0].padEnd(24) + col(median(totals[i])) + col(Math.max(...totals[i])) + ' ' + col(median(painted[i])) + col(Math.max(...painted[i])) + ' ' + col(median(renders[i])));
const all = totals.flat(), allp = painted.flat();
console.log('all interactions: to end of layout median ' + f1(median(all)) + ' ms, max ' + f1(Math.max(...all)) + ' ms; to end of paint median ' + f1(median(allp)) + ' ms, max ' + f1(Math.max(...allp)) + ' ms');
await page.close();
await browser.close();
await server.close();
