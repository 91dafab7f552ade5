/* Shared helpers of the browser tests: build a site with the release
 * generator, serve it on 127.0.0.1, launch Debian's chromium through
 * playwright-core (no browser download), and count results.
 * Each test_*.mjs prints only its failures and a final line
 * "N passed, N failed", and exits non-zero when anything failed. */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const HERE = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(HERE, '../..');
export const OUT = path.join(ROOT, 'tests/out/browser');
export const SHOTS = path.join(ROOT, 'tests/out/screenshots');
export const GAPMAP = process.env.GAPMAP_RELEASE || path.join(ROOT, 'build/gapmap');

/* Builds content folder src into tests/out/browser/<name>; returns the path. */
export function buildSite(src, name) {
	const out = path.join(OUT, name);
	fs.mkdirSync(OUT, { recursive: true });
	execFileSync(GAPMAP, ['build', '-C', src, '-o', out], { stdio: ['ignore', 'ignore', 'pipe'] });
	return out;
}

/* Every .html file under dir, sorted. */
export function htmlFiles(dir) {
	const out = [];
	for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
		const p = path.join(dir, e.name);
		if (e.isDirectory()) out.push(...htmlFiles(p));
		else if (e.name.endsWith('.html')) out.push(p);
	}
	return out.sort();
}

/* Sites to test: the browser fixture, and the default map once it exists. */
export function sites() {
	const list = [{ name: 'fixture', dir: buildSite(path.join(HERE, 'site'), 'fixture') }];
	const content = path.join(ROOT, 'content');
	if (fs.existsSync(path.join(content, 'site.yaml')) && fs.existsSync(path.join(content, 'studies'))) {
		try {
			list.push({ name: 'content', dir: buildSite(content, 'content') });
		} catch (e) {
			list.push({ name: 'content', error: String(e.stderr || e.message).trim() });
		}
	}
	return list;
}

const TYPES = {
	'.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
	'.svg': 'image/svg+xml', '.png': 'image/png', '.json': 'application/json', '.csv': 'text/csv; charset=utf-8',
	'.xml': 'application/xml', '.ttf': 'font/ttf', '.ris': 'text/plain; charset=utf-8', '.bib': 'text/plain; charset=utf-8',
};

/* Serves dir on 127.0.0.1 at a random port. */
export function serve(dir) {
	const server = http.createServer((req, res) => {
		let p = decodeURIComponent(new URL(req.url, 'http://x').pathname);
		if (p.endsWith('/')) p += 'index.html';
		const file = path.join(dir, path.normalize(p));
		if (!file.startsWith(dir) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
			res.writeHead(404, { 'content-type': 'text/html; charset=utf-8' });
			res.end(fs.existsSync(path.join(dir, '404.html')) ? fs.readFileSync(path.join(dir, '404.html')) : 'not found');
			return;
		}
		res.writeHead(200, { 'content-type': TYPES[path.extname(file)] || 'application/octet-stream' });
		fs.createReadStream(file).pipe(res);
	});
	return new Promise((resolve) => {
		server.listen(0, '127.0.0.1', () => {
			resolve({ url: 'http://127.0.0.1:' + server.address().port + '/', close: () => new Promise((r) => server.close(r)) });
		});
	});
}

export async function launch(opts = {}) {
	const dataDir = fs.mkdtempSync(path.join(fs.realpathSync(process.env.TMPDIR || '/tmp'), 'gapmap-chromium-'));
	const context = await chromium.launchPersistentContext(dataDir, {
		executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
		headless: true,
		args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
			'--disable-component-update', '--disable-sync'],
		viewport: { width: 1280, height: 900 },
		acceptDownloads: true,
		bypassCSP: !!opts.bypassCSP, /* only to inject axe-core */
	});
	return {
		context,
		async close() { await context.close(); fs.rmSync(dataDir, { recursive: true, force: true }); },
	};
}

/* Results. */
export function results() {
	let passed = 0, failed = 0;
	const r = {
		ok(cond, name, detail) {
			if (cond) passed++;
			else { failed++; console.log('FAIL ' + name + (detail !== undefined ? ': ' + (typeof detail === 'string' ? detail : JSON.stringify(detail)) : '')); }
			return cond;
		},
		eq(actual, expected, name) {
			const a = JSON.stringify(actual), e = JSON.stringify(expected);
			return r.ok(a === e, name, 'got ' + a + ', expected ' + e);
		},
		async test(name, fn) {
			try { await fn(); } catch (e) { r.ok(false, name, (e && e.stack) || String(e)); }
		},
		done() {
			console.log(passed + ' passed, ' + failed + ' failed');
			process.exitCode = failed ? 1 : 0;
		},
		get failed() { return failed; },
	};
	return r;
}

/* A page that records script errors and CSP violations. */
export async function openPage(context, url, opts = {}) {
	const page = await context.newPage();
	if (opts.viewport) await page.setViewportSize(opts.viewport);
	page.errors = [];
	page.on('pageerror', (e) => page.errors.push(e.message));
	page.on('console', (m) => { if (m.type() === 'error' && !/^Failed to load resource/.test(m.text())) page.errors.push(m.text()); });
	page.on('response', (r) => { if (r.status() >= 400 && !/\/favicon\.ico$/.test(r.url())) page.errors.push(r.status() + ' ' + r.url()); });
	page.on('requestfailed', (r) => { if (!/\/favicon\.ico$/.test(r.url())) page.errors.push('failed ' + r.url()); });
	await page.goto(url);
	return page;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
