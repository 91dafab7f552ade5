/* gapmap: the interactive evidence-gap map.
 *
 * Progressive enhancement of the static table in templates/index.html: when
 * data/map.js has set window.GAPMAP_DATA (see generator/formats/mapdata.h), this
 * builds bubble, heat and list views with filters, a cell panel and
 * downloads inside #gapmap-app, and hides the static table (which still
 * prints). Facets are data: nothing here knows a facet or code by name.
 * The whole view lives in the URL fragment, so a link reproduces it.
 * Plain ES2020, no dependencies, no inline styles or scripts (the pages'
 * Content-Security-Policy forbids them). */
'use strict';
(function () {
	const D = window.GAPMAP_DATA;
	const app = document.getElementById('gapmap-app');
	if (!D || !app || D.version !== 2) return;
	const t0 = performance.now();

	/* ---- data ------------------------------------------------------------ */
	const F = D.facets;
	const RI = D.rows, CI = D.columns, SI = D.segments;
	const R = F[RI], C = F[CI], S = SI == null ? null : F[SI];
	const NR = R.codes.length, NC = C.codes.length;
	const NS = S ? S.codes.length + 1 : 1; /* the last segment: not coded */
	const studies = D.studies.map((a, i) => ({
		i, id: a[0], year: a[1], nrep: a[2], codes: a[3], title: a[4], authors: a[5],
		reps: a[6] || null,
	}));
	const hasReports = D.reports > studies.length;
	const filterFacets = []; /* facet indices, in map.filters order */
	const hasYear = D.filters.includes('year');
	for (const f of D.filters) if (f !== 'year') filterFacets.push(f);
	let yearMin = Infinity, yearMax = -Infinity;
	for (const s of studies) {
		if (s.year < yearMin) yearMin = s.year;
		if (s.year > yearMax) yearMax = s.year;
	}
	if (!studies.length) yearMin = yearMax = new Date().getFullYear();
	const reserved = new Set(['view', 'count', 'q', 'from', 'to', 'cell', 'collapsed', 'sort']);
	const param = (f) => (reserved.has(F[f].id) ? 'facet-' + F[f].id : F[f].id);
	const codeIndex = F.map((f) => new Map(f.codes.map((c, k) => [c.id, k])));
	let TEXT = null; /* window.GAPMAP_TEXT once loaded */

	/* ---- state ------------------------------------------------------------- */
	const fresh = () => ({
		view: 'bubble', unit: 'studies', q: '', sel: new Map(), mode: new Map(),
		from: null, to: null, cell: null, collapsed: new Set(), sort: 'year', dir: 'desc',
	});
	let state = fresh();
	let listLimit = 100;

	function toHash() {
		const p = [];
		const put = (k, v) => p.push(encodeURIComponent(k) + '=' + encodeURIComponent(v).replace(/%2C/g, ','));
		if (state.view !== 'bubble') put('view', state.view);
		if (state.unit !== 'studies') put('count', state.unit);
		if (state.q) put('q', state.q);
		for (const f of filterFacets) {
			const sel = state.sel.get(f);
			if (sel && sel.size) put(param(f), [...sel].sort((a, b) => a - b).map((k) => F[f].codes[k].id).join(','));
			if (state.mode.get(f) === 'all') put(param(f) + '.mode', 'all');
		}
		if (state.from != null) put('from', state.from);
		if (state.to != null) put('to', state.to);
		if (state.collapsed.size) put('collapsed', [...state.collapsed].sort((a, b) => a - b).map((g) => R.groups[g].id).join(','));
		if (state.sort !== 'year' || state.dir !== 'desc') put('sort', state.sort + '-' + state.dir);
		if (state.cell) put('cell', R.codes[state.cell[0]].id + '~' + C.codes[state.cell[1]].id);
		return p.join('&');
	}

	function fromHash(hash) {
		const st = fresh();
		const p = new URLSearchParams(hash.replace(/^#/, ''));
		const v = p.get('view');
		if (v === 'heat' || v === 'list') st.view = v;
		if (p.get('count') === 'reports' && hasReports) st.unit = 'reports';
		st.q = (p.get('q') || '').slice(0, 200);
		for (const f of filterFacets) {
			const raw = p.get(param(f));
			if (raw) {
				const set = new Set();
				for (const id of raw.split(',')) if (codeIndex[f].has(id)) set.add(codeIndex[f].get(id));
				if (set.size) st.sel.set(f, set);
			}
			if (p.get(param(f) + '.mode') === 'all') st.mode.set(f, 'all');
		}
		const y = (k) => { const n = parseInt(p.get(k), 10); return Number.isFinite(n) ? n : null; };
		if (hasYear) { st.from = y('from'); st.to = y('to'); }
		const col = p.get('collapsed');
		if (col) for (const id of col.split(',')) { const g = R.groups.findIndex((x) => x.id === id); if (g >= 0) st.collapsed.add(g); }
		const so = /^(title|authors|year|rows|columns|segments|reports)-(asc|desc)$/.exec(p.get('sort') || '');
		if (so) { st.sort = so[1]; st.dir = so[2]; }
		const cell = (p.get('cell') || '').split('~');
		if (cell.length === 2 && codeIndex[RI].has(cell[0]) && codeIndex[CI].has(cell[1]))
			st.cell = [codeIndex[RI].get(cell[0]), codeIndex[CI].get(cell[1])];
		return st;
	}

	/* The URL follows the view a moment later: replaceState costs more than
	 * a render of a large map, and typing would call it for every key. */
	let hashTimer = 0;
	function scheduleHash() {
		clearTimeout(hashTimer);
		hashTimer = setTimeout(saveHash, 60);
	}
	function saveHash() {
		clearTimeout(hashTimer);
		const h = toHash();
		const url = location.href.replace(/#.*$/, '') + (h ? '#' + h : '');
		if (url !== location.href) history.replaceState(null, '', h ? '#' + h : location.pathname + location.search);
	}

	/* ---- helpers ------------------------------------------------------------- */
	const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
	const fmt = (n) => (n < 1000 ? String(n) : String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ','));
	const unitWord = (n, unit) => (unit === 'reports' ? (n === 1 ? 'report' : 'reports') : (n === 1 ? 'study' : 'studies'));
	/* Links follow the patterns the generator gives (core/paths): each {} is filled in order. */
	const fillPath = (pattern, ...args) => pattern.replace(/\{\}/g, () => args.shift());
	const codeUrl = (f, k) => fillPath(D.paths.code, F[f].path, F[f].codes[k].id);
	const studyUrl = (s) => fillPath(D.paths.study, s.id);
	const labels = (s, f) => s.codes[f].map((k) => F[f].codes[k].label).join('; ');
	function el(tag, attrs, html) {
		const e = document.createElement(tag);
		if (attrs) for (const k in attrs) if (attrs[k] != null && attrs[k] !== false) e.setAttribute(k, attrs[k] === true ? '' : attrs[k]);
		if (html != null) e.innerHTML = html;
		return e;
	}
	/* Text, markup, classes and attributes are written only when they
	 * change: each write, even of the same value, dirties style and layout. */
	const setText = (e, v) => { if (e.gmText !== v) { e.textContent = v; e.gmText = v; } };
	const setHTML = (e, v) => { if (e.gmHTML !== v) { e.innerHTML = v; e.gmHTML = v; } };
	const setClass = (e, v) => { if (e.className !== v) e.className = v; };
	const setAttr = (e, k, v) => { if (e.getAttribute(k) !== v) e.setAttribute(k, v); };
	let uid = 0;
	const newId = (p) => 'gm-' + p + '-' + (++uid);

	let textPromise = null;
	function ensureText() {
		if (TEXT) return Promise.resolve(TEXT);
		if (textPromise) return textPromise;
		textPromise = new Promise((resolve) => {
			const me = document.querySelector('script[src$="data/map.js"]');
			const src = me ? me.getAttribute('src').replace(/map\.js$/, D.text) : 'data/' + D.text;
			const sc = el('script', { src });
			sc.onload = () => {
				TEXT = window.GAPMAP_TEXT || [];
				forgetMatches();
				(window.requestIdleCallback || setTimeout)(() => { if (!hays) buildHays(); });
				resolve(TEXT);
			};
			sc.onerror = () => { TEXT = []; resolve(TEXT); };
			document.head.appendChild(sc);
		});
		return textPromise;
	}
	const text = (s, k) => (TEXT && TEXT[s.i] ? TEXT[s.i][k] : null);

	/* ---- filtering and counting ------------------------------------------------ */
	/* Everything a filter change needs is laid out once, in typed arrays
	 * indexed by study, so that a change is a few tight loops and no
	 * per-study objects or strings are touched. */
	const N = studies.length, NG = R.groups.length;
	const years = Int32Array.from(studies, (s) => s.year);
	const nunits = Int32Array.from(studies, (s) => (s.reps ? s.reps.length : 1)); /* reports per study */

	/* The map's counts share one array: cells (r * NC + c), cell segments,
	 * rows, columns, collapsed-group cells, group rows and the total. Each
	 * study has a list of the places it adds one to (in reports, one list per
	 * report, concatenated; groups and group cells once per unit), so
	 * counting is a sum over the lists of the shown studies. */
	const O_SEG = NR * NC, O_ROW = O_SEG + NR * NC * NS, O_COL = O_ROW + NR, O_GCELL = O_COL + NC, O_GROW = O_GCELL + NG * NC;
	const O_TOTAL = O_GROW + NG, NACC = O_TOTAL + 1;
	/* (The loops below run once, mostly before the JIT warms up: plain
	 * indexed loops, no iterators or closures.) */
	function placeLists(reports) {
		const off = new Int32Array(N + 1);
		let idx = new Int32Array(N * 8 + 64), n = 0;
		const gseen = new Int32Array(NG).fill(-1), gcol = new Int32Array(NG * NC).fill(-1);
		const rowGroup = new Int32Array(NR);
		for (let r = 0; r < NR; r++) rowGroup[r] = R.codes[r].group == null ? -1 : R.codes[r].group;
		let unitNo = 0;
		for (let i = 0; i < N; i++) {
			const s = studies[i], units = reports && s.reps ? s.reps : null, nu = units ? units.length : 1;
			for (let ui = 0; ui < nu; ui++) {
				const u = units ? units[ui] : s.codes;
				const rows = u[RI], cols = u[CI], segs = S ? u[SI] : null, nsg = segs ? segs.length : 0;
				if (n + 1 + cols.length + rows.length * (2 + cols.length * (2 + nsg)) > idx.length) {
					const b = new Int32Array(idx.length * 2 + 64 * (1 + cols.length + rows.length * (2 + cols.length * (2 + nsg))));
					b.set(idx);
					idx = b;
				}
				unitNo++;
				idx[n++] = O_TOTAL;
				for (let j = 0; j < cols.length; j++) idx[n++] = O_COL + cols[j];
				for (let k = 0; k < rows.length; k++) {
					const r = rows[k], g = rowGroup[r];
					idx[n++] = O_ROW + r;
					if (g >= 0 && gseen[g] !== unitNo) { gseen[g] = unitNo; idx[n++] = O_GROW + g; }
					for (let j = 0; j < cols.length; j++) {
						const c = cols[j], x = r * NC + c;
						idx[n++] = x;
						if (nsg) for (let q = 0; q < nsg; q++) idx[n++] = O_SEG + x * NS + segs[q];
						else idx[n++] = O_SEG + x * NS + NS - 1;
						if (g >= 0 && gcol[g * NC + c] !== unitNo) { gcol[g * NC + c] = unitNo; idx[n++] = O_GCELL + g * NC + c; }
					}
				}
			}
			off[i + 1] = n;
		}
		return { off, idx: idx.slice(0, n) };
	}
	const places = { studies: null, reports: null }; /* made when first counted in */
	const placesOf = (unit) => places[unit] || (places[unit] = placeLists(unit === 'reports'));

	/* Per filter facet: each study's codes and then its groups (as
	 * ncodes + g, once each), which the live counts add to; and when the
	 * facet has at most 31 codes, each study's codes as a bit mask. */
	const facetLists = filterFacets.map((f) => {
		const fac = F[f], nc = fac.codes.length, ng = fac.groups.length, off = new Int32Array(N + 1);
		const codeGroup = new Int32Array(nc);
		for (let c = 0; c < nc; c++) codeGroup[c] = fac.codes[c].group == null ? -1 : fac.codes[c].group;
		const mask = nc <= 31 ? new Int32Array(N) : null;
		let idx = new Int32Array(N * 2 + 16), n = 0;
		const seen = new Int32Array(ng).fill(-1);
		for (let i = 0; i < N; i++) {
			const codes = studies[i].codes[f];
			if (n + 2 * codes.length > idx.length) { const b = new Int32Array(idx.length * 2 + 2 * codes.length); b.set(idx); idx = b; }
			let m = 0;
			for (let j = 0; j < codes.length; j++) {
				const c = codes[j], g = codeGroup[c];
				idx[n++] = c;
				m |= 1 << c;
				if (g >= 0 && seen[g] !== i) { seen[g] = i; idx[n++] = nc + g; }
			}
			if (mask) mask[i] = m;
			off[i + 1] = n;
		}
		return { off, idx: idx.slice(0, n), nc, ng, mask };
	});
	const masks = facetLists.map((l) => l.mask);
	/* Which studies pass facet k's selection, kept while it is unchanged. */
	const passKept = filterFacets.map(() => ({ key: '', v: null }));
	function passes(k, sel, all) {
		const codes = [...sel].sort((a, b) => a - b), key = (all ? 'all:' : 'any:') + codes.join(',');
		const kept = passKept[k];
		if (kept.key === key) return kept.v;
		const v = new Uint8Array(N);
		if (masks[k]) {
			const m = masks[k];
			let mask = 0;
			for (const c of codes) mask |= 1 << c;
			for (let i = 0; i < N; i++) { const x = m[i] & mask; v[i] = all ? (x === mask ? 1 : 0) : (x !== 0 ? 1 : 0); }
		} else {
			const { off, idx, nc } = facetLists[k], want = new Uint8Array(nc);
			for (const c of codes) want[c] = 1;
			for (let i = 0; i < N; i++) {
				let hit = 0;
				for (let j = off[i]; j < off[i + 1]; j++) if (idx[j] < nc && want[idx[j]]) hit++;
				v[i] = all ? (hit === codes.length ? 1 : 0) : (hit ? 1 : 0);
			}
		}
		kept.key = key;
		kept.v = v;
		return v;
	}

	/* The search: per study its title, authors, summary and note, lower-cased
	 * once (again when map-text.js arrives). Which studies match is kept per
	 * query; a query that only narrows the last one (typing on: every old
	 * word inside a new one) looks only at the last matches. */
	let hays = null;
	function buildHays() {
		hays = new Array(N);
		for (let i = 0; i < N; i++) {
			const s = studies[i];
			let h = s.title + ' ' + s.authors;
			if (TEXT && TEXT[i]) h += ' ' + (TEXT[i][0] || '') + ' ' + (TEXT[i][1] || '');
			hays[i] = h.toLowerCase();
		}
		return hays;
	}
	let matchTerms = null, matchV = null, matchIdx = null, matchN = 0;
	function forgetMatches() { hays = null; matchTerms = matchV = matchIdx = null; matchN = 0; }
	function matches(q) {
		const terms = [...new Set(q.toLowerCase().split(/\s+/).filter(Boolean))];
		if (matchV && terms.length === matchTerms.length && terms.every((t) => matchTerms.includes(t))) return matchV;
		const h = hays || buildHays();
		const narrow = matchV && matchTerms.every((t) => terms.some((u) => u.includes(t)));
		const test = narrow ? terms.filter((t) => !matchTerms.includes(t)) : terms, nt = test.length;
		const v = new Uint8Array(N), idx = new Int32Array(narrow ? matchN : N);
		let n = 0;
		const scan = narrow ? matchN : N;
		for (let j = 0; j < scan; j++) {
			const i = narrow ? matchIdx[j] : j, x = h[i];
			let ok = 1;
			for (let k = 0; k < nt; k++) if (x.indexOf(test[k]) < 0) { ok = 0; break; }
			if (ok) { v[i] = 1; idx[n++] = i; }
		}
		matchTerms = terms;
		matchV = v;
		matchIdx = idx;
		matchN = n;
		return v;
	}

	/* One pass over the studies: the shown ones, the map's counts in the
	 * current unit, and per filter facet the counts (in the unit too) of the
	 * studies that pass every other filter: the live counts next to the
	 * checkboxes, each the number the map would count with only that code
	 * ticked in its facet. */
	function compute() {
		const reports = state.unit === 'reports';
		const P = placesOf(reports ? 'reports' : 'studies'), off = P.off, idx = P.idx;
		const match = state.q ? matches(state.q) : null;
		const nf = filterFacets.length;
		const fc = facetLists.map((l) => new Int32Array(l.nc + l.ng));
		const act = [], pv = [];
		filterFacets.forEach((f, k) => {
			const sel = state.sel.get(f);
			if (sel && sel.size) { act.push(k); pv.push(passes(k, sel, state.mode.get(f) === 'all')); }
		});
		const na = act.length;
		const from = state.from == null ? -Infinity : state.from, to = state.to == null ? Infinity : state.to;
		const acc = new Int32Array(NACC);
		const shown = [];
		const addLive = (k, i, w) => {
			const l = facetLists[k], x = l.idx, a = fc[k];
			for (let j = l.off[i], e = l.off[i + 1]; j < e; j++) a[x[j]] += w;
		};
		for (let i = 0; i < N; i++) {
			const y = years[i];
			if (y < from || y > to) continue;
			if (match && !match[i]) continue;
			let fail = -1, nfail = 0;
			for (let a = 0; a < na; a++) if (!pv[a][i]) { if (++nfail > 1) break; fail = act[a]; }
			if (nfail > 1) continue;
			const w = reports ? nunits[i] : 1;
			if (nfail) { addLive(fail, i, w); continue; }
			for (let k = 0; k < nf; k++) addLive(k, i, w);
			shown.push(studies[i]);
			for (let j = off[i], e = off[i + 1]; j < e; j++) acc[idx[j]]++;
		}
		return {
			shown, fc, fg: fc.map((a, k) => a.subarray(facetLists[k].nc)),
			cell: acc.subarray(0, O_SEG), seg: acc.subarray(O_SEG, O_ROW), row: acc.subarray(O_ROW, O_COL), col: acc.subarray(O_COL, O_GCELL),
			gcell: acc.subarray(O_GCELL, O_GROW), grow: acc.subarray(O_GROW, O_TOTAL), total: acc[O_TOTAL],
		};
	}

	/* Studies of one cell, under the active filters; with their count in the unit. */
	function cellStudies(shown, r, c) {
		const out = [];
		let n = 0;
		const reports = state.unit === 'reports';
		for (const s of shown) {
			const units = reports && s.reps ? s.reps : [s.codes];
			let k = 0;
			for (const u of units) if (u[RI].includes(r) && u[CI].includes(c)) k++;
			if (k) { out.push(s); n += k; }
		}
		return { list: out, n };
	}

	/* ---- the interface, built once ------------------------------------------------ */
	const staticRegion = app.querySelector('.map-scroll');
	app.classList.add('gm-enhanced');
	const ui = el('div', { class: 'gm-ui' });
	const unitName = () => (state.unit === 'reports' ? 'reports' : 'studies');

	/* Patterns for the segments: colour is never the only signal. */
	const PALETTE = 8, PATTERNS = 7;
	const defs = el('div', { class: 'gm-defs', 'aria-hidden': 'true' });
	{
		let p = '<svg width="0" height="0" focusable="false"><defs>';
		const pat = [
			'',
			'<path d="M-1,1 l2,-2 M0,8 l8,-8 M7,9 l2,-2" class="gm-hatch"/>',
			'<circle cx="4" cy="4" r="1.6" class="gm-dot"/>',
			'<path d="M0,0 L8,8 M8,0 L0,8" class="gm-hatch"/>',
			'<path d="M0,4 L8,4" class="gm-hatch"/>',
			'<path d="M4,0 L4,8" class="gm-hatch"/>',
			'<path d="M0,0 L8,8 M-1,7 l2,2 M7,-1 l2,2" class="gm-hatch"/>',
		];
		for (let k = 0; k < NS; k++) {
			const none = S != null && k === NS - 1; /* without segments: one plain fill */
			const colour = none ? 'none' : 'c' + (k % PALETTE);
			const pi = none ? 4 : (k + Math.floor(k / PALETTE)) % PATTERNS;
			p += '<pattern id="gm-seg-' + k + '" width="8" height="8" patternUnits="userSpaceOnUse">' +
				'<rect width="8" height="8" class="gm-fill-' + colour + '"/>' + pat[pi] + '</pattern>';
		}
		defs.innerHTML = p + '</defs></svg>';
	}
	const anyUncoded = S ? studies.some((s) => !s.codes[SI].length) : false;
	const segLabel = (k) => (k === NS - 1 ? S.label + ' not coded' : S.codes[k].label);

	/* Toolbar: view, unit, status. */
	const toolbar = el('div', { class: 'gm-toolbar' });
	const viewset = el('fieldset', { class: 'gm-switch' }, '<legend>View</legend>');
	for (const [v, l] of [['bubble', 'Bubbles'], ['heat', 'Heat map'], ['list', 'List']]) {
		const id = newId('view');
		viewset.insertAdjacentHTML('beforeend', '<input type="radio" name="gm-view" id="' + id + '" value="' + v + '"><label for="' + id + '">' + l + '</label>');
	}
	toolbar.appendChild(viewset);
	let unitset = null;
	if (hasReports) {
		unitset = el('fieldset', { class: 'gm-switch' }, '<legend>Count</legend>');
		for (const [v, l] of [['studies', 'Studies'], ['reports', 'Reports']]) {
			const id = newId('unit');
			unitset.insertAdjacentHTML('beforeend', '<input type="radio" name="gm-unit" id="' + id + '" value="' + v + '"><label for="' + id + '">' + l + '</label>');
		}
		toolbar.appendChild(unitset);
	}
	const viewInputs = [...viewset.querySelectorAll('input')], unitInputs = unitset ? [...unitset.querySelectorAll('input')] : [];
	const status = el('p', { class: 'gm-status', role: 'status', 'aria-live': 'polite' });
	toolbar.appendChild(status);

	/* Filters. */
	const filterBox = el('details', { class: 'gm-filters', id: 'gm-filters' });
	if (window.matchMedia('(min-width: 60rem)').matches) filterBox.open = true;
	const filterSummary = el('summary', null, 'Filters');
	filterBox.appendChild(filterSummary);
	const filterForm = el('form', { class: 'gm-filter-form', role: 'search', 'aria-label': 'Filter the map' });
	filterForm.addEventListener('submit', (e) => e.preventDefault());
	filterBox.appendChild(filterForm);
	const qid = newId('q');
	const search = el('div', { class: 'gm-search' }, '<label for="' + qid + '">Search titles, authors and notes</label><input type="search" id="' + qid + '" autocomplete="off" spellcheck="false">');
	filterForm.appendChild(search);
	const qInput = search.querySelector('input');
	const countEls = []; /* per filter k: { codes: [span], groups: [span], boxes: [input], gboxes: [input] } */
	let yearFrom = null, yearTo = null;
	for (const f0 of D.filters) {
		if (f0 === 'year') {
			const fs = el('fieldset', { class: 'gm-facet gm-years' });
			const a = newId('from'), b = newId('to');
			fs.innerHTML = '<legend>Year</legend><div class="gm-yearrow"><label for="' + a + '">From</label><input type="number" inputmode="numeric" id="' + a + '" min="' + yearMin + '" max="' + yearMax + '" placeholder="' + yearMin + '">' +
				'<label for="' + b + '">to</label><input type="number" inputmode="numeric" id="' + b + '" min="' + yearMin + '" max="' + yearMax + '" placeholder="' + yearMax + '"></div>';
			yearFrom = fs.querySelector('#' + a);
			yearTo = fs.querySelector('#' + b);
			filterForm.appendChild(fs);
			continue;
		}
		const f = f0, fac = F[f], k = filterFacets.indexOf(f);
		const fs = el('fieldset', { class: 'gm-facet', 'data-facet': fac.id });
		/* The live counts' unit follows the map's; the legend names it. */
		let h = '<legend>' + esc(fac.label) + ' <span class="gm-unitnote"></span></legend>';
		if (fac.multiple) {
			const a = newId('any'), b = newId('all');
			h += '<div class="gm-mode" role="radiogroup" aria-label="' + esc(fac.label) + ': match"><input type="radio" name="gm-mode-' + k + '" id="' + a + '" value="any"><label for="' + a + '">Any selected</label>' +
				'<input type="radio" name="gm-mode-' + k + '" id="' + b + '" value="all"><label for="' + b + '">All selected</label></div>';
		}
		const code = (c) => {
			const id = newId('c');
			return '<li><input type="checkbox" id="' + id + '" data-k="' + k + '" data-code="' + c + '"><label for="' + id + '">' + esc(fac.codes[c].label) + ' <span class="gm-n" data-k="' + k + '" data-code="' + c + '"></span></label></li>';
		};
		h += '<ul class="gm-codes">';
		const inGroup = new Set();
		fac.groups.forEach((g, gi) => {
			const id = newId('g');
			h += '<li class="gm-group"><input type="checkbox" id="' + id + '" data-k="' + k + '" data-group="' + gi + '"><label for="' + id + '"><strong>' + esc(g.label) + '</strong> <span class="gm-n" data-k="' + k + '" data-group="' + gi + '"></span></label><ul>';
			for (let c = g.first; c < g.first + g.count; c++) { h += code(c); inGroup.add(c); }
			h += '</ul></li>';
		});
		for (let c = 0; c < fac.codes.length; c++) if (!inGroup.has(c)) h += code(c);
		h += '</ul>';
		fs.innerHTML = h;
		filterForm.appendChild(fs);
		countEls[k] = {
			codes: [...fs.querySelectorAll('span.gm-n[data-code]')].sort((x, y) => x.dataset.code - y.dataset.code),
			groups: [...fs.querySelectorAll('span.gm-n[data-group]')],
			boxes: [...fs.querySelectorAll('input[data-code]')].sort((x, y) => x.dataset.code - y.dataset.code),
			gboxes: [...fs.querySelectorAll('input[data-group]')],
			modes: [...fs.querySelectorAll('input[name^="gm-mode"]')],
			unit: fs.querySelector('.gm-unitnote'),
		};
	}
	const resetBtn = el('button', { type: 'button', class: 'gm-reset' }, 'Reset all filters');
	filterForm.appendChild(resetBtn);

	/* Main area: legend, matrix, list, downloads. */
	const main = el('div', { class: 'gm-main' });
	const legend = el('div', { class: 'gm-legend' });
	const matrixWrap = el('div', { class: 'gm-scroll', tabindex: '0', role: 'region', 'aria-labelledby': 'gm-matrix-caption' });
	const listWrap = el('div', { class: 'gm-listwrap' });
	const downloads = el('p', { class: 'gm-downloads' },
		'<span>Download the studies shown:</span> <button type="button" data-dl="csv">CSV</button> <button type="button" data-dl="ris">RIS</button>');
	main.append(legend, matrixWrap, listWrap, downloads);

	/* The matrix table. */
	const table = el('table', { class: 'gm-imap' });
	{
		let h = '<caption id="gm-matrix-caption"></caption><thead>';
		if (C.groups.length) {
			h += '<tr class="gm-colgroups"><td class="gm-corner"></td>';
			let c = 0;
			for (const g of C.groups) {
				while (c < g.first) { h += '<td></td>'; c++; }
				h += '<th scope="colgroup" colspan="' + g.count + '">' + esc(g.label) + '</th>';
				c += g.count;
			}
			while (c < NC) { h += '<td></td>'; c++; }
			h += '<td></td></tr>';
		}
		h += '<tr class="gm-colheads"><th scope="col" class="gm-corner">' + esc(R.label) + ' <span aria-hidden="true">\\</span><span class="visually-hidden">by</span> ' + esc(C.label) + '</th>';
		for (let c = 0; c < NC; c++) h += '<th scope="col">' + heading(CI, c, 'c') + '</th>';
		h += '<th scope="col" class="gm-total">Total</th></tr></thead>';
		const rowHtml = (r) => {
			let x = '<tr class="gm-row" data-r="' + r + '"><th scope="row">' + heading(RI, r, 'r') + '</th>';
			for (let c = 0; c < NC; c++) x += '<td class="gm-cell" data-r="' + r + '" data-c="' + c + '"></td>';
			return x + '<td class="gm-total" data-rt="' + r + '"></td></tr>';
		};
		const inGroup = new Set();
		R.groups.forEach((g, gi) => {
			h += '<tbody data-g="' + gi + '"><tr class="gm-rowgroup" data-g="' + gi + '"><th scope="rowgroup"><button type="button" class="gm-toggle" aria-expanded="true" data-g="' + gi + '"><span class="gm-chev" aria-hidden="true"></span>' + esc(g.label) + '</button></th>';
			for (let c = 0; c < NC; c++) h += '<td class="gm-gcell" data-g="' + gi + '" data-c="' + c + '"></td>';
			h += '<td class="gm-total" data-gt="' + gi + '"></td></tr>';
			for (let r = g.first; r < g.first + g.count; r++) { h += rowHtml(r); inGroup.add(r); }
			h += '</tbody>';
		});
		let rest = '';
		for (let r = 0; r < NR; r++) if (!inGroup.has(r)) rest += rowHtml(r);
		if (rest) h += '<tbody>' + rest + '</tbody>';
		h += '<tfoot><tr><th scope="row">Total</th>';
		for (let c = 0; c < NC; c++) h += '<td class="gm-total" data-ct="' + c + '"></td>';
		h += '<td class="gm-total gm-grand"></td></tr></tfoot>';
		table.innerHTML = h;
	}
	matrixWrap.appendChild(table);
	function heading(f, k, p) {
		const code = F[f].codes[k];
		const link = '<a href="' + esc(codeUrl(f, k)) + '"';
		if (!code.definition) return link + '>' + esc(code.label) + '</a>';
		const id = 'gm-tip-' + p + k;
		return '<span class="gm-head">' + link + ' aria-describedby="' + id + '">' + esc(code.label) + '</a><span class="gm-tip" role="tooltip" id="' + id + '">' + esc(code.definition) + '</span></span>';
	}
	const cellTds = new Array(NR * NC);
	for (const td of table.querySelectorAll('td.gm-cell')) cellTds[td.dataset.r * NC + +td.dataset.c] = td;
	const gcellTds = [...table.querySelectorAll('td.gm-gcell')];
	const rowTotals = [...table.querySelectorAll('td[data-rt]')];
	const colTotals = [...table.querySelectorAll('td[data-ct]')];
	const grpTotals = [...table.querySelectorAll('td[data-gt]')];
	const grand = table.querySelector('.gm-grand');
	const caption = table.querySelector('caption');
	const rowsOf = R.groups.map((g, gi) => [...table.querySelectorAll('tbody[data-g="' + gi + '"] tr.gm-row')]);
	const toggles = [...table.querySelectorAll('button.gm-toggle')];

	/* The panel of one cell. */
	const panel = el('dialog', { class: 'gm-panel', 'aria-labelledby': 'gm-panel-title' });
	panel.innerHTML = '<div class="gm-panel-head"><h2 id="gm-panel-title" tabindex="-1"></h2><button type="button" class="gm-close">Close<span class="visually-hidden"> the list of studies</span></button></div>' +
		'<p class="gm-panel-sum"></p><p class="gm-panel-dl">Download these studies: <button type="button" data-dl="csv">CSV</button> <button type="button" data-dl="ris">RIS</button></p><div class="gm-panel-body"></div>';
	const layout = el('div', { class: 'gm-layout' });
	layout.append(filterBox, main);
	ui.append(toolbar, layout);
	app.append(defs, ui, panel);
	if (staticRegion) staticRegion.hidden = true;
	app.classList.add('gm-ready');

	/* ---- rendering ------------------------------------------------------------------- */
	let M = null; /* the last compute() */

	/* Each cell's button and bubble are made once and then only updated:
	 * a filter change on a large map touches attributes, never parses HTML.
	 * Path k of a bubble is always segment k (its fill never changes). */
	const SVGNS = 'http://www.w3.org/2000/svg';
	const cells = new Array(NR * NC);
	function svgEl(tag, attrs) {
		const e = document.createElementNS(SVGNS, tag);
		for (const k in attrs) e.setAttribute(k, attrs[k]);
		return e;
	}
	function cellObj(x) {
		if (cells[x]) return cells[x];
		const btn = el('button', { type: 'button', class: 'gm-cellbtn', 'data-r': (x / NC) | 0, 'data-c': x % NC, 'aria-haspopup': 'dialog' });
		const svg = svgEl('svg', { class: 'gm-bubble', viewBox: '0 0 40 40', width: '40', height: '40', 'aria-hidden': 'true', focusable: 'false' });
		const ring = svgEl('circle', { cx: '20', cy: '20', r: '0', class: 'gm-thinring' });
		const paths = [];
		svg.appendChild(ring);
		for (let k = 0; k < NS; k++) { const p = svgEl('path', { d: '', fill: 'url(#gm-seg-' + k + ')' }); paths.push(p); svg.appendChild(p); }
		const outline = svgEl('circle', { cx: '20', cy: '20', r: '0', class: 'gm-outline' });
		svg.appendChild(outline);
		const count = el('span', { class: 'gm-count' });
		const gapMark = el('span', { class: 'gm-gapmark', 'aria-hidden': 'true' }, '–');
		const gapText = el('span', { class: 'visually-hidden' });
		return (cells[x] = { btn, svg, ring, paths, pd: new Array(NS).fill(''), outline, count, gapMark, gapText, mode: '', label: '', n: '', rad: '', ringR: '', cls: '' });
	}
	const f2 = (v) => v.toFixed(2);
	function updateBubble(o, x, n, max, thin) {
		const rad = Math.max(4, 15 * Math.sqrt(n / max)), rs = f2(rad);
		const ringR = thin ? f2(rad + 3) : '0';
		if (o.ringR !== ringR) { o.ring.setAttribute('r', ringR); o.ringR = ringR; }
		if (o.rad !== rs) { o.outline.setAttribute('r', rs); o.rad = rs; }
		let sum = 0, parts = 0;
		for (let k = 0; k < NS; k++) { const v = M.seg[x * NS + k]; if (v) { sum += v; parts++; } }
		let a0 = -Math.PI / 2;
		for (let k = 0; k < NS; k++) {
			const v = M.seg[x * NS + k];
			let d = '';
			if (v && parts === 1) {
				d = 'M20,' + f2(20 - rad) + 'A' + rs + ',' + rs + ' 0 1 1 20,' + f2(20 + rad) + 'A' + rs + ',' + rs + ' 0 1 1 20,' + f2(20 - rad) + 'Z';
			} else if (v) {
				const a1 = a0 + (2 * Math.PI * v) / sum;
				d = 'M20,20L' + f2(20 + rad * Math.cos(a0)) + ',' + f2(20 + rad * Math.sin(a0)) + 'A' + rs + ',' + rs + ' 0 ' + (a1 - a0 > Math.PI ? 1 : 0) + ' 1 ' +
					f2(20 + rad * Math.cos(a1)) + ',' + f2(20 + rad * Math.sin(a1)) + 'Z';
				a0 = a1;
			}
			if (o.pd[k] !== d) { o.paths[k].setAttribute('d', d); o.pd[k] = d; }
		}
	}

	function cellLabel(r, c, n, x) {
		let l = R.codes[r].label + ' × ' + C.codes[c].label + ': ' + fmt(n) + ' ' + unitWord(n, state.unit);
		if (n < D.thin) l += ', thin evidence';
		if (S) {
			const parts = [];
			for (let k = 0; k < NS; k++) { const v = M.seg[x * NS + k]; if (v) parts.push(fmt(v) + ' ' + segLabel(k)); }
			if (parts.length) l += ' (' + parts.join(', ') + ')';
		}
		return l;
	}

	function renderMatrix() {
		const heat = state.view === 'heat';
		let max = 1;
		for (let x = 0; x < NR * NC; x++) if (M.cell[x] > max) max = M.cell[x];
		const u = unitName();
		for (let r = 0; r < NR; r++) {
			for (let c = 0; c < NC; c++) {
				const x = r * NC + c, n = M.cell[x], td = cellTds[x], o = cellObj(x);
				let cls;
				if (!n) {
					cls = 'gm-cell gm-gap';
					if (o.mode !== 'gap') { td.replaceChildren(o.gapMark, o.gapText); o.mode = 'gap'; }
					const t = R.codes[r].label + ' × ' + C.codes[c].label + ': no ' + u + ', evidence gap';
					if (o.label !== t) { o.gapText.textContent = t; o.label = t; }
				} else {
					const thin = n < D.thin;
					cls = 'gm-cell' + (thin ? ' gm-thin' : '') + (heat ? ' gm-heat gm-h' + Math.min(5, Math.ceil((5 * n) / max)) : '');
					const want = heat ? 'heat' : 'bubble';
					if (o.mode !== want) {
						if (heat) o.btn.replaceChildren(o.count); else o.btn.replaceChildren(o.svg, o.count);
						td.replaceChildren(o.btn);
						o.mode = want;
					}
					const t = cellLabel(r, c, n, x);
					if (o.label !== t) { o.btn.setAttribute('aria-label', t); o.label = t; }
					const ns = fmt(n);
					if (o.n !== ns) { o.count.textContent = ns; o.n = ns; }
					if (!heat) updateBubble(o, x, n, max, thin);
				}
				if (o.cls !== cls) { td.className = cls; o.cls = cls; }
			}
			setText(rowTotals[r], fmt(M.row[r]));
		}
		for (let c = 0; c < NC; c++) setText(colTotals[c], fmt(M.col[c]));
		setText(grand, fmt(M.total));
		R.groups.forEach((g, gi) => {
			const closed = state.collapsed.has(gi);
			setAttr(toggles[gi], 'aria-expanded', String(!closed));
			for (const tr of rowsOf[gi]) if (tr.hidden !== closed) tr.hidden = closed;
			setText(grpTotals[gi], fmt(M.grow[gi]));
			for (let c = 0; c < NC; c++) {
				const td = gcellTds[gi * NC + c], n = M.gcell[gi * NC + c];
				if (!closed) { setClass(td, 'gm-gcell'); setHTML(td, ''); continue; }
				setClass(td, 'gm-gcell' + (n ? '' : ' gm-gap') + (heat && n ? ' gm-heat gm-h' + Math.min(5, Math.ceil((5 * n) / max)) : ''));
				setHTML(td, n ? (heat ? '' : groupBubble(n, max)) + '<span class="gm-count">' + fmt(n) + '</span><span class="visually-hidden"> ' + unitWord(n, state.unit) + ' in ' + esc(g.label + ' × ' + C.codes[c].label) + '</span>'
					: '<span class="gm-gapmark" aria-hidden="true">–</span><span class="visually-hidden">no ' + u + '</span>');
			}
		});
		setText(caption, cap(u) + ' by ' + R.label.toLowerCase() + ' (rows) and ' + C.label.toLowerCase() + ' (columns), under the active filters. ' +
			(heat ? 'Darker cells hold more ' + u + '. ' : 'Bubble area is proportional to the number of ' + u + '. ') +
			'Select a cell to list its ' + u + '. A dash marks a gap; a dashed outline marks thin evidence (fewer than ' + D.thin + '). Totals count each ' + unitWord(1, state.unit) + ' once.');
	}
	/* A collapsed group's bubble shares the scale of the cells (capped at
	 * full size), so the cells of open groups keep readable bubbles. */
	const groupBubble = (n, max) => {
		const rad = Math.min(17, Math.max(4, 15 * Math.sqrt(n / max)));
		return '<svg class="gm-bubble" viewBox="0 0 40 40" width="40" height="40" aria-hidden="true" focusable="false"><circle cx="20" cy="20" r="' + rad.toFixed(2) + '" class="gm-groupfill"/><circle cx="20" cy="20" r="' + rad.toFixed(2) + '" class="gm-outline"/></svg>';
	};
	const cap = (s) => s.charAt(0).toUpperCase() + s.slice(1);

	function renderLegend() {
		const u = unitName();
		let h = '';
		if (state.view === 'bubble') {
			h += '<p class="gm-legend-title">Bubble area: number of ' + u + '.';
			if (S) h += ' Colours and patterns: ' + esc(S.label.toLowerCase()) + '.';
			h += '</p><ul class="gm-keys">';
			if (S) for (let k = 0; k < NS; k++) {
				if (k === NS - 1 && !anyUncoded) continue;
				h += '<li><svg width="18" height="18" viewBox="0 0 18 18" aria-hidden="true" focusable="false"><circle cx="9" cy="9" r="8" fill="url(#gm-seg-' + k + ')"/><circle cx="9" cy="9" r="8" class="gm-outline"/></svg>' + esc(segLabel(k)) + '</li>';
			}
		} else if (state.view === 'heat') {
			h += '<p class="gm-legend-title">Shade: number of ' + u + ' in the cell (darker is more), with the number written in.</p><ul class="gm-keys">';
			for (let k = 1; k <= 5; k++) h += '<li><span class="gm-swatch gm-heat gm-h' + k + '" aria-hidden="true"></span>' + (k === 1 ? 'fewest' : k === 5 ? 'most' : '') + '</li>';
		} else {
			setHTML(legend, '');
			return;
		}
		h += '<li><svg width="18" height="18" viewBox="0 0 18 18" aria-hidden="true" focusable="false"><circle cx="9" cy="9" r="7.5" class="gm-thinring"/></svg>Dashed outline: thin evidence (fewer than ' + D.thin + ')</li>';
		h += '<li><span class="gm-gapmark" aria-hidden="true">–</span> Gap: no ' + u + '</li></ul>';
		setHTML(legend, h);
	}

	const SORTS = [['title', 'Title'], ['authors', 'Authors'], ['year', 'Year'], ['rows', R.label], ['columns', C.label]];
	if (S) SORTS.push(['segments', S.label]);
	if (hasReports) SORTS.push(['reports', 'Reports']);
	function sortKey(s, k) {
		switch (k) {
		case 'title': return s.title.toLowerCase();
		case 'authors': return s.authors.toLowerCase();
		case 'year': return s.year;
		case 'reports': return s.nrep;
		case 'rows': return s.codes[RI].length ? s.codes[RI][0] : 1e9;
		case 'columns': return s.codes[CI].length ? s.codes[CI][0] : 1e9;
		default: return s.codes[SI].length ? s.codes[SI][0] : 1e9;
		}
	}
	function renderList() {
		const list = M.shown.slice();
		const k = state.sort, d = state.dir === 'asc' ? 1 : -1;
		list.sort((a, b) => { const x = sortKey(a, k), y = sortKey(b, k); return x < y ? -d : x > y ? d : a.i - b.i; });
		const sum = fmt(list.length) + ' ' + unitWord(list.length, 'studies') + ' under the active filters';
		let h = '<p class="gm-list-sum">' + sum + '. Select a column heading to sort.</p><div class="gm-listscroll"><table class="gm-list"><caption class="visually-hidden">' + sum + '</caption><thead><tr>';
		for (const [key, label] of SORTS) {
			const on = key === k;
			h += '<th scope="col"' + (on ? ' aria-sort="' + (d > 0 ? 'ascending' : 'descending') + '"' : '') + '><button type="button" data-sort="' + key + '">' + esc(label) + '<span class="gm-sortmark" aria-hidden="true">' + (on ? (d > 0 ? ' ▲' : ' ▼') : '') + '</span></button></th>';
		}
		h += '</tr></thead><tbody>';
		const n = Math.min(list.length, listLimit);
		for (let i = 0; i < n; i++) {
			const s = list[i];
			h += '<tr><td><a href="' + esc(studyUrl(s)) + '">' + esc(s.title) + '</a></td><td>' + esc(s.authors) + '</td><td>' + s.year + '</td><td>' + esc(labels(s, RI)) + '</td><td>' + esc(labels(s, CI)) + '</td>' +
				(S ? '<td>' + esc(labels(s, SI)) + '</td>' : '') + (hasReports ? '<td>' + s.nrep + '</td>' : '') + '</tr>';
		}
		h += '</tbody></table></div>';
		if (list.length > n) h += '<p><button type="button" class="gm-more">Show ' + fmt(Math.min(100, list.length - n)) + ' more of ' + fmt(list.length - n) + ' not shown</button></p>';
		setHTML(listWrap, h);
	}

	function renderFilters() {
		const unit = unitName();
		filterFacets.forEach((f, k) => {
			const ce = countEls[k], sel = state.sel.get(f) || new Set();
			const mode = state.mode.get(f) || 'any';
			for (const i of ce.modes) if (i.checked !== (mode === i.value)) i.checked = mode === i.value;
			setText(ce.unit, '(' + unit + ')');
			for (let c = 0; c < ce.codes.length; c++) {
				setText(ce.codes[c], '(' + fmt(M.fc[k][c]) + ')');
				if (ce.boxes[c].checked !== sel.has(c)) ce.boxes[c].checked = sel.has(c);
			}
			F[f].groups.forEach((g, gi) => {
				setText(ce.groups[gi], '(' + fmt(M.fg[k][gi]) + ')');
				let on = 0;
				for (let c = g.first; c < g.first + g.count; c++) if (sel.has(c)) on++;
				const all = on === g.count, part = on > 0 && on < g.count;
				if (ce.gboxes[gi].checked !== all) ce.gboxes[gi].checked = all;
				if (ce.gboxes[gi].indeterminate !== part) ce.gboxes[gi].indeterminate = part;
			});
		});
		if (document.activeElement !== qInput) qInput.value = state.q;
		if (yearFrom) {
			if (document.activeElement !== yearFrom) yearFrom.value = state.from == null ? '' : state.from;
			if (document.activeElement !== yearTo) yearTo.value = state.to == null ? '' : state.to;
		}
		const active = activeFilters();
		setText(filterSummary, 'Filters' + (active ? ' (' + active + ' active)' : ''));
		if (resetBtn.disabled !== !active) resetBtn.disabled = !active;
	}
	function activeFilters() {
		let n = state.q ? 1 : 0;
		for (const [, s] of state.sel) if (s.size) n++;
		if (state.from != null || state.to != null) n++;
		return n;
	}

	function render() {
		const t = performance.now();
		M = compute();
		const tc = performance.now();
		for (const i of viewInputs) if (i.checked !== (i.value === state.view)) i.checked = i.value === state.view;
		for (const i of unitInputs) if (i.checked !== (i.value === state.unit)) i.checked = i.value === state.unit;
		const list = state.view === 'list';
		if (matrixWrap.hidden !== list) matrixWrap.hidden = list;
		if (listWrap.hidden !== !list) listWrap.hidden = !list;
		if (app.dataset.view !== state.view) app.dataset.view = state.view;
		renderLegend();
		if (list) renderList(); else renderMatrix();
		renderFilters();
		const n = M.shown.length, active = activeFilters();
		let st = 'Showing ' + fmt(n) + ' of ' + fmt(studies.length) + ' ' + unitWord(studies.length, 'studies');
		if (state.unit === 'reports') st += ' (' + fmt(M.total) + ' ' + unitWord(M.total, 'reports') + ')';
		if (active) st += ', ' + active + ' filter' + (active === 1 ? '' : 's') + ' active';
		setText(status, st + '.');
		scheduleHash();
		const tr = performance.now();
		gapmap.lastRender = tr - t;
		gapmap.prof = { compute: tc - t, dom: tr - tc };
	}

	/* ---- the panel -------------------------------------------------------------------- */
	let panelCell = null;
	function studyItem(s) {
		let h = '<li class="gm-study"><p class="gm-study-title"><a href="' + esc(studyUrl(s)) + '">' + esc(s.title) + '</a></p><p class="gm-study-meta">' +
			esc(s.authors || 'Anonymous') + ' (' + s.year + ')';
		for (const f of [SI, CI]) if (f != null && s.codes[f].length) h += ' · <span class="gm-tagname">' + esc(F[f].label) + ':</span> ' + esc(labels(s, f));
		if (s.nrep > 1) h += ' · ' + s.nrep + ' reports';
		h += '</p>';
		const sum = text(s, 0), doi = text(s, 2);
		if (sum) h += '<p class="gm-study-sum">' + esc(sum) + '</p>';
		h += '<p class="gm-study-links"><a href="' + esc(studyUrl(s)) + '">Study page<span class="visually-hidden">: ' + esc(s.title) + '</span></a>';
		if (doi) h += ' · <a href="https://doi.org/' + esc(doi) + '">doi:' + esc(doi) + '</a>';
		return h + '</p></li>';
	}
	let panelLimit = 100;
	function fillPanel() {
		const [r, c] = panelCell;
		const { list, n } = cellStudies(M.shown, r, c);
		panel.querySelector('h2').textContent = R.codes[r].label + ' × ' + C.codes[c].label;
		const active = activeFilters();
		panel.querySelector('.gm-panel-sum').textContent = fmt(n) + ' ' + unitWord(n, state.unit) + (state.unit === 'reports' ? ' in ' + fmt(list.length) + ' ' + unitWord(list.length, 'studies') : '') +
			(active ? ' under the active filters' : '') + (n && n < D.thin ? ': thin evidence' : n ? '' : ': an evidence gap') + '.';
		const body = panel.querySelector('.gm-panel-body');
		let h = '<ol class="gm-studies">';
		for (let i = 0; i < Math.min(list.length, panelLimit); i++) h += studyItem(list[i]);
		h += '</ol>';
		if (list.length > panelLimit) h += '<p><button type="button" class="gm-more">Show ' + fmt(Math.min(100, list.length - panelLimit)) + ' more</button></p>';
		body.innerHTML = h;
		panel._list = list;
	}
	function openPanel(r, c, opener) {
		panelCell = [r, c];
		panelLimit = 100;
		state.cell = [r, c];
		panel._opener = opener || null;
		fillPanel();
		if (!panel.open) panel.showModal();
		panel.querySelector('h2').focus();
		saveHash();
		ensureText().then(() => { if (panel.open && panelCell && panelCell[0] === r && panelCell[1] === c) fillPanel(); });
	}
	panel.addEventListener('close', () => {
		state.cell = null;
		panelCell = null;
		saveHash();
		const o = panel._opener && panel._opener.isConnected ? panel._opener : null;
		const back = o || table.querySelector('button.gm-cellbtn') || qInput;
		back.focus();
	});
	panel.addEventListener('click', (e) => {
		if (e.target === panel) { panel.close(); return; }
		if (e.target.closest('.gm-close')) panel.close();
		else if (e.target.closest('.gm-more')) { panelLimit += 100; fillPanel(); }
		else if (e.target.closest('[data-dl]')) download(e.target.closest('[data-dl]').dataset.dl, panel._list, cellFileName());
	});
	const cellFileName = () => 'gapmap-' + R.codes[panelCell[0]].id + '-' + C.codes[panelCell[1]].id;

	/* ---- downloads ------------------------------------------------------------------------ */
	const guard = (v) => { v = v == null ? '' : String(v); if (/^[=+\-@\t\r]/.test(v)) v = "'" + v; return '"' + v.replace(/"/g, '""') + '"'; };
	const RIS_TYPES = { article: 'JOUR', report: 'RPRT', chapter: 'CHAP', book: 'BOOK', thesis: 'THES', webpage: 'ELEC', conference: 'CPAPER' };
	function csv(list) {
		const head = ['id', 'title', 'authors', 'year', 'type', 'published_in', 'publisher', 'volume', 'issue', 'pages', 'doi', 'url', 'reports'];
		for (const f of F) head.push(f.id);
		head.push('summary', 'page');
		const base = location.href.replace(/[#?].*$/, '').replace(/[^/]*$/, '');
		const lines = [head.map(guard).join(',')];
		for (const s of list) {
			const row = [s.id, s.title, s.authors, s.year, text(s, 5), text(s, 4), text(s, 9), text(s, 6), text(s, 7), text(s, 8), text(s, 2), text(s, 3), s.nrep];
			for (let f = 0; f < F.length; f++) row.push(labels(s, f));
			row.push(text(s, 0), base + studyUrl(s));
			lines.push(row.map(guard).join(','));
		}
		return lines.join('\r\n') + '\r\n';
	}
	function ris(list) {
		const out = [];
		const line = (t, v) => { if (v != null && v !== '') out.push(t + '  - ' + String(v).replace(/[\r\n]+/g, ' ')); };
		for (const s of list) {
			const type = text(s, 5) || 'article';
			line('TY', RIS_TYPES[type] || 'GEN');
			line('ID', s.id);
			for (const a of s.authors ? s.authors.split('; ') : []) line('AU', a);
			line('PY', s.year);
			line('TI', s.title);
			line(type === 'article' ? 'JO' : 'T2', text(s, 4));
			line('PB', text(s, 9));
			line('VL', text(s, 6));
			line('IS', text(s, 7));
			const pages = text(s, 8);
			if (pages) { const m = /^([^-]+)-(.+)$/.exec(pages); if (m) { line('SP', m[1]); line('EP', m[2]); } else line('SP', pages); }
			line('DO', text(s, 2));
			line('UR', text(s, 3));
			line('AB', text(s, 0));
			for (let f = 0; f < F.length; f++) for (const k of s.codes[f]) line('KW', F[f].label + ': ' + F[f].codes[k].label);
			out.push('ER  - ', '');
		}
		return out.join('\r\n');
	}
	function download(kind, list, name) {
		return ensureText().then(() => {
			const body = kind === 'csv' ? csv(list) : ris(list);
			const blob = new Blob([kind === 'csv' ? '\ufeff' + body : body], { type: kind === 'csv' ? 'text/csv;charset=utf-8' : 'application/x-research-info-systems;charset=utf-8' });
			const a = el('a', { href: URL.createObjectURL(blob), download: name + '.' + kind, class: 'visually-hidden' });
			document.body.appendChild(a);
			a.click();
			setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
		});
	}

	/* ---- events ----------------------------------------------------------------------- */
	const gapmap = window.gapmap = {
		render, ensureText, get state() { return state; }, lastRender: 0, firstRender: 0,
		setHash(h) { state = fromHash(h); render(); },
	};
	function update() { render(); if (panel.open && panelCell) fillPanel(); }
	viewset.addEventListener('change', (e) => { state.view = e.target.value; listLimit = 100; update(); });
	if (unitset) unitset.addEventListener('change', (e) => { state.unit = e.target.value; update(); });
	filterForm.addEventListener('change', (e) => {
		const t = e.target;
		if (t.dataset.k == null && !t.name.startsWith('gm-mode')) return;
		if (t.name.startsWith('gm-mode')) { state.mode.set(filterFacets[+t.name.slice(8)], t.value); update(); return; }
		const f = filterFacets[+t.dataset.k];
		const sel = state.sel.get(f) || new Set();
		if (t.dataset.group != null) {
			const g = F[f].groups[+t.dataset.group];
			for (let c = g.first; c < g.first + g.count; c++) if (t.checked) sel.add(c); else sel.delete(c);
		} else if (t.checked) sel.add(+t.dataset.code);
		else sel.delete(+t.dataset.code);
		state.sel.set(f, sel);
		update();
	});
	qInput.addEventListener('input', () => {
		state.q = qInput.value.trim();
		update();
		if (state.q && !TEXT) ensureText().then(update);
	});
	const yearChange = () => {
		const v = (i) => { const n = parseInt(i.value, 10); return Number.isFinite(n) ? n : null; };
		state.from = v(yearFrom);
		state.to = v(yearTo);
		update();
	};
	if (yearFrom) { yearFrom.addEventListener('input', yearChange); yearTo.addEventListener('input', yearChange); }
	resetBtn.addEventListener('click', () => {
		const keep = { view: state.view, unit: state.unit, collapsed: state.collapsed, sort: state.sort, dir: state.dir };
		state = Object.assign(fresh(), keep);
		update();
		qInput.focus();
	});
	table.addEventListener('click', (e) => {
		const b = e.target.closest('button');
		if (!b) return;
		if (b.classList.contains('gm-cellbtn')) openPanel(+b.dataset.r, +b.dataset.c, b);
		else if (b.classList.contains('gm-toggle')) {
			const g = +b.dataset.g;
			if (state.collapsed.has(g)) state.collapsed.delete(g); else state.collapsed.add(g);
			render();
		}
	});
	listWrap.addEventListener('click', (e) => {
		const b = e.target.closest('button');
		if (!b) return;
		if (b.dataset.sort) {
			const k = b.dataset.sort;
			if (state.sort === k) state.dir = state.dir === 'asc' ? 'desc' : 'asc';
			else { state.sort = k; state.dir = k === 'year' || k === 'reports' ? 'desc' : 'asc'; }
			render();
			listWrap.querySelector('button[data-sort="' + k + '"]').focus();
		} else if (b.classList.contains('gm-more')) {
			listLimit += 100;
			render();
		}
	});
	downloads.addEventListener('click', (e) => {
		const b = e.target.closest('[data-dl]');
		if (b) download(b.dataset.dl, M.shown, 'gapmap-studies');
	});
	/* Tooltips: Escape hides the one shown until the pointer or focus leaves. */
	document.addEventListener('keydown', (e) => {
		if (e.key !== 'Escape' || panel.open) return;
		const h = document.activeElement && document.activeElement.closest('.gm-head');
		if (h) h.classList.add('gm-tip-off');
		for (const x of table.querySelectorAll('.gm-head:hover')) x.classList.add('gm-tip-off');
	});
	const tipOn = (e) => { const h = e.target.closest && e.target.closest('.gm-head'); if (h) h.classList.remove('gm-tip-off'); };
	table.addEventListener('focusout', tipOn);
	table.addEventListener('mouseout', tipOn);
	window.addEventListener('hashchange', () => {
		if (!location.hash.includes('=') && location.hash.length > 1) return; /* e.g. the skip link */
		state = fromHash(location.hash);
		render();
		if (state.cell) openPanel(state.cell[0], state.cell[1], null);
		else if (panel.open) panel.close();
	});

	/* Sticky headings: the second header row sits under the first. Its
	 * height is read when layout has just run anyway (a ResizeObserver,
	 * before paint), never forced from script: at load that would lay out
	 * the whole page twice. */
	const stick = (h) => table.style.setProperty('--gm-head1', h + 'px');
	if (C.groups.length) {
		const first = table.querySelector('thead tr');
		if (window.ResizeObserver) new ResizeObserver(() => stick(first.getBoundingClientRect().height)).observe(first);
		else { const f = () => stick(first.getBoundingClientRect().height); f(); window.addEventListener('resize', f); }
	}

	/* ---- start ---------------------------------------------------------------------------- */
	state = fromHash(location.hash.includes('=') ? location.hash : '');
	render();
	if (state.cell) {
		const b = table.querySelector('button.gm-cellbtn[data-r="' + state.cell[0] + '"][data-c="' + state.cell[1] + '"]');
		openPanel(state.cell[0], state.cell[1], b);
	}
	gapmap.firstRender = performance.now() - t0;
	gapmap.ready = performance.now();
	document.dispatchEvent(new CustomEvent('gapmap:ready'));
})();
