/* gapmap map, part 4: filtering, search and counting.
 *
 * Everything a filter change needs is laid out once, in typed arrays
 * indexed by study, so that a change is a few tight loops and no
 * per-study objects or strings are touched. (The loops run once, mostly
 * before the JIT warms up: plain indexed loops, no iterators or closures.) */
'use strict';
(function (G) {
	const C = (G.counting = {});

	/* The map's counts share one array: cells (r * NC + c), cell segments,
	 * rows, columns, collapsed-group cells (row groups by column, then
	 * column groups by row), group rows, group columns and the total. Each
	 * study has a list of the places it adds one to (in reports, one list
	 * per report, concatenated; groups and group cells once per unit), so
	 * counting is a sum over the lists of the shown studies. */
	function offsets(A) {
		const NR = A.NR, NC = A.NC, NG = A.R.groups.length, NH = A.C.groups.length;
		const o = { cell: 0, seg: NR * NC };
		o.row = o.seg + NR * NC * A.NS;
		o.col = o.row + NR;
		o.gcell = o.col + NC;
		o.hcell = o.gcell + NG * NC;
		o.grow = o.hcell + NH * NR;
		o.hcol = o.grow + NG;
		o.total = o.hcol + NH;
		o.size = o.total + 1;
		return o;
	}
	const groupOf = (fac) => Int32Array.from(fac.codes, (c) => (c.group == null ? -1 : c.group));

	function placeLists(A, reports) {
		const studies = G.data.studies, N = studies.length;
		const RI = A.ri, CI = A.ci, SI = A.si, NC = A.NC, NS = A.NS;
		const NG = A.R.groups.length, NH = A.C.groups.length, O = offsets(A);
		const off = new Int32Array(N + 1);
		let idx = new Int32Array(N * 8 + 64), n = 0;
		const gseen = new Int32Array(NG).fill(-1), gcol = new Int32Array(NG * NC).fill(-1);
		const hseen = new Int32Array(NH).fill(-1), hrow = new Int32Array(NH * A.NR).fill(-1);
		const rowGroup = groupOf(A.R), colGroup = groupOf(A.C);
		const byDirection = SI === 'direction', directionOnRows = G.data.rows === RI;
		let unitNo = 0;
		for (let i = 0; i < N; i++) {
			const s = studies[i], units = reports && s.reports ? s.reports : null, nu = units ? units.length : 1;
			for (let ui = 0; ui < nu; ui++) {
				const u = units ? units[ui] : s.codes;
				const rows = u[RI], cols = u[CI], segs = SI != null && !byDirection ? u[SI] : null, nsg = segs ? segs.length : 0;
				const need = 1 + cols.length * 2 + rows.length * (2 + cols.length * (4 + nsg));
				if (n + need > idx.length) {
					const b = new Int32Array(idx.length * 2 + 64 * need);
					b.set(idx);
					idx = b;
				}
				unitNo++;
				idx[n++] = O.total;
				for (let j = 0; j < cols.length; j++) {
					const h = colGroup[cols[j]];
					idx[n++] = O.col + cols[j];
					if (h >= 0 && hseen[h] !== unitNo) {
						hseen[h] = unitNo;
						idx[n++] = O.hcol + h;
					}
				}
				for (let k = 0; k < rows.length; k++) {
					const r = rows[k], g = rowGroup[r];
					idx[n++] = O.row + r;
					if (g >= 0 && gseen[g] !== unitNo) {
						gseen[g] = unitNo;
						idx[n++] = O.grow + g;
					}
					for (let j = 0; j < cols.length; j++) {
						const c = cols[j], x = r * NC + c, h = colGroup[c];
						idx[n++] = x;
						if (byDirection) idx[n++] = O.seg + x * NS + G.directionOf(s, directionOnRows ? r : c);
						else if (nsg) for (let q = 0; q < nsg; q++) idx[n++] = O.seg + x * NS + segs[q];
						else idx[n++] = O.seg + x * NS + NS - 1;
						if (g >= 0 && gcol[g * NC + c] !== unitNo) {
							gcol[g * NC + c] = unitNo;
							idx[n++] = O.gcell + g * NC + c;
						}
						if (h >= 0 && hrow[h * A.NR + r] !== unitNo) {
							hrow[h * A.NR + r] = unitNo;
							idx[n++] = O.hcell + h * A.NR + r;
						}
					}
				}
			}
			off[i + 1] = n;
		}
		return { off, idx: idx.slice(0, n), O };
	}
	const places = new Map(); /* axes key and unit -> lists, made when first counted in */
	function placesOf(A, unit) {
		const key = A.key + ':' + unit;
		if (!places.has(key)) places.set(key, placeLists(A, unit === 'reports'));
		return places.get(key);
	}

	/* Per filter facet: each study's codes and then its groups (as
	 * ncodes + g, once each), which the live counts add to; and when the
	 * facet has at most 31 codes, each study's codes as a bit mask. */
	let facetLists = null;
	let passKept = null;
	function layFacets() {
		const D = G.data, N = D.studies.length;
		facetLists = D.filterFacets.map((f) => {
			const fac = D.facets[f], nc = fac.codes.length, ng = fac.groups.length, off = new Int32Array(N + 1);
			const codeGroup = groupOf(fac);
			const mask = nc <= 31 ? new Int32Array(N) : null;
			let idx = new Int32Array(N * 2 + 16), n = 0;
			const seen = new Int32Array(ng).fill(-1);
			for (let i = 0; i < N; i++) {
				const codes = D.studies[i].codes[f];
				if (n + 2 * codes.length > idx.length) {
					const b = new Int32Array(idx.length * 2 + 2 * codes.length);
					b.set(idx);
					idx = b;
				}
				let m = 0;
				for (let j = 0; j < codes.length; j++) {
					const c = codes[j], g = codeGroup[c];
					idx[n++] = c;
					m |= 1 << c;
					if (g >= 0 && seen[g] !== i) {
						seen[g] = i;
						idx[n++] = nc + g;
					}
				}
				if (mask) mask[i] = m;
				off[i + 1] = n;
			}
			return { off, idx: idx.slice(0, n), nc, ng, mask };
		});
		passKept = D.filterFacets.map(() => ({ key: '', v: null }));
	}

	/* Which studies pass filter k's selection, kept while it is unchanged. */
	function passes(k, sel, all) {
		const N = G.data.studies.length;
		const codes = [...sel].sort((a, b) => a - b), key = (all ? 'all:' : 'any:') + codes.join(',');
		const kept = passKept[k];
		if (kept.key === key) return kept.v;
		const v = new Uint8Array(N);
		const l = facetLists[k];
		if (l.mask) {
			let mask = 0;
			for (const c of codes) mask |= 1 << c;
			for (let i = 0; i < N; i++) {
				const x = l.mask[i] & mask;
				v[i] = all ? (x === mask ? 1 : 0) : x !== 0 ? 1 : 0;
			}
		} else {
			const want = new Uint8Array(l.nc);
			for (const c of codes) want[c] = 1;
			for (let i = 0; i < N; i++) {
				let hit = 0;
				for (let j = l.off[i]; j < l.off[i + 1]; j++) if (l.idx[j] < l.nc && want[l.idx[j]]) hit++;
				v[i] = all ? (hit === codes.length ? 1 : 0) : hit ? 1 : 0;
			}
		}
		kept.key = key;
		kept.v = v;
		return v;
	}

	/* The search: per study its title, authors, the labels of its codes (and
	 * their groups), summary, abstract and note, lower-cased once (again when
	 * map-text.js arrives). Which studies match is kept per query; a query
	 * that only narrows the last one (typing on: every old word inside a new
	 * one) looks only at the last matches. */
	let hays = null;
	function buildHays() {
		const D = G.data, N = D.studies.length;
		hays = new Array(N);
		for (let i = 0; i < N; i++) {
			const s = D.studies[i];
			let h = s.title + ' ' + s.authors;
			for (let f = 0; f < D.facets.length; f++) {
				const fac = D.facets[f];
				for (const k of s.codes[f]) {
					const code = fac.codes[k];
					h += ' ' + code.label + (code.group == null ? '' : ' ' + fac.groups[code.group].label);
				}
			}
			if (G.hasText()) {
				const t = G.textOf(s);
				h += ' ' + (t.summary || '') + ' ' + (t.abstract || '') + ' ' + (t.note || '');
			}
			hays[i] = h.toLowerCase();
		}
		return hays;
	}
	let matchTerms = null, matchV = null, matchIdx = null, matchN = 0;
	function forgetMatches() {
		hays = null;
		matchTerms = matchV = matchIdx = null;
		matchN = 0;
	}
	function matches(q) {
		const N = G.data.studies.length;
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
			for (let k = 0; k < nt; k++) {
				if (x.indexOf(test[k]) < 0) {
					ok = 0;
					break;
				}
			}
			if (ok) {
				v[i] = 1;
				idx[n++] = i;
			}
		}
		matchTerms = terms;
		matchV = v;
		matchIdx = idx;
		matchN = n;
		return v;
	}

	C.init = function () {
		layFacets();
		G.onText(() => {
			forgetMatches();
			(window.requestIdleCallback || setTimeout)(() => {
				if (!hays) buildHays();
			});
		});
	};

	/* One pass over the studies: the shown ones, the map's counts in the
	 * current unit, and per filter facet the counts (in the unit too) of the
	 * studies that pass every other filter: the live counts next to the
	 * checkboxes, each the number the map would count with only that code
	 * ticked in its facet. */
	C.compute = function () {
		const D = G.data, st = G.state, A = G.axes(), studies = D.studies, N = studies.length;
		const reports = st.unit === 'reports';
		const P = placesOf(A, reports ? 'reports' : 'studies'), off = P.off, idx = P.idx, O = P.O;
		const match = st.q ? matches(st.q) : null;
		const nf = D.filterFacets.length;
		const fc = facetLists.map((l) => new Int32Array(l.nc + l.ng));
		const act = [], pv = [];
		D.filterFacets.forEach((f, k) => {
			const sel = st.sel.get(f);
			if (sel && sel.size) {
				act.push(k);
				pv.push(passes(k, sel, st.mode.get(f) === 'all'));
			}
		});
		const na = act.length;
		const from = st.from == null ? -Infinity : st.from, to = st.to == null ? Infinity : st.to;
		const since = st.since == null ? -1 : st.since; /* added after update `since` */
		const acc = new Int32Array(O.size);
		const shown = [];
		const addLive = (k, i, w) => {
			const l = facetLists[k], x = l.idx, a = fc[k];
			for (let j = l.off[i], e = l.off[i + 1]; j < e; j++) a[x[j]] += w;
		};
		for (let i = 0; i < N; i++) {
			const s = studies[i], y = s.year;
			if (y < from || y > to) continue;
			if (since >= 0 && s.update != null && s.update <= since) continue;
			if (match && !match[i]) continue;
			let fail = -1, nfail = 0;
			for (let a = 0; a < na; a++) {
				if (!pv[a][i]) {
					if (++nfail > 1) break;
					fail = act[a];
				}
			}
			if (nfail > 1) continue;
			const w = reports && s.reports ? s.reports.length : 1;
			if (nfail) {
				addLive(fail, i, w);
				continue;
			}
			for (let k = 0; k < nf; k++) addLive(k, i, w);
			shown.push(s);
			for (let j = off[i], e = off[i + 1]; j < e; j++) acc[idx[j]]++;
		}
		return {
			shown,
			fc,
			fg: fc.map((a, k) => a.subarray(facetLists[k].nc)),
			cell: acc.subarray(0, O.seg),
			seg: acc.subarray(O.seg, O.row),
			row: acc.subarray(O.row, O.col),
			col: acc.subarray(O.col, O.gcell),
			gcell: acc.subarray(O.gcell, O.hcell),
			hcell: acc.subarray(O.hcell, O.grow),
			grow: acc.subarray(O.grow, O.hcol),
			hcol: acc.subarray(O.hcol, O.total),
			total: acc[O.total],
		};
	};

	/* Studies of one cell among the shown ones; with their count in the unit. */
	C.cellStudies = function (shown, r, c) {
		const A = G.axes(), reports = G.state.unit === 'reports';
		const list = [];
		let n = 0;
		for (const s of shown) {
			const units = reports && s.reports ? s.reports : [s.codes];
			let k = 0;
			for (const u of units) if (u[A.ri].includes(r) && u[A.ci].includes(c)) k++;
			if (k) {
				list.push(s);
				n += k;
			}
		}
		return { list, n };
	};
})((window.gapmap = window.gapmap || {}));
