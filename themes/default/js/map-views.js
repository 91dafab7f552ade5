/* gapmap map, part 6: the views. The toolbar, the matrix (bubbles or heat)
 * with its legend, the list, the message for an empty result, the cell
 * tooltip and the keyboard grid (arrow keys move between cells, one tab stop).
 *
 * The matrix is built for the facets on the axes (G.axes()) and built again
 * when the reader swaps them or changes what splits the bubbles; between
 * such changes a render only updates what changed. */
'use strict';
(function (G) {
	const V = (G.views = {});
	const esc = G.esc, fmt = G.fmt, el = G.el;
	let X = null; /* the matrix of the current axes: elements and lookups */
	let ui = null; /* the toolbar and main area */

	/* ---- segment fills ---------------------------------------------------- */
	/* Patterns for the segments: colour is never the only signal. An ordinal
	 * facet gets an ordered scale (light to dark) instead of distinct hues. */
	const PALETTE = 8, PATTERNS = 7;
	const HATCHES = [
		'',
		'<path d="M-1,1 l2,-2 M0,8 l8,-8 M7,9 l2,-2" class="gm-hatch"/>',
		'<circle cx="4" cy="4" r="1.6" class="gm-dot"/>',
		'<path d="M0,0 L8,8 M8,0 L0,8" class="gm-hatch"/>',
		'<path d="M0,4 L8,4" class="gm-hatch"/>',
		'<path d="M4,0 L4,8" class="gm-hatch"/>',
		'<path d="M0,0 L8,8 M-1,7 l2,2 M7,-1 l2,2" class="gm-hatch"/>',
	];
	const ORDINAL_STOPS = [[253, 231, 37], [94, 201, 98], [33, 145, 140], [59, 82, 139], [68, 1, 84]]; /* viridis */
	function ordinalColour(k, n) {
		const t = n <= 1 ? 0 : k / (n - 1), x = t * (ORDINAL_STOPS.length - 1), i = Math.min(Math.floor(x), ORDINAL_STOPS.length - 2), u = x - i;
		const c = ORDINAL_STOPS[i].map((v, j) => Math.round(v + (ORDINAL_STOPS[i + 1][j] - v) * u));
		return '#' + c.map((v) => v.toString(16).padStart(2, '0')).join('');
	}
	function segmentDefs(A) {
		let p = '<svg width="0" height="0" focusable="false"><defs>';
		for (let k = 0; k < A.NS; k++) {
			const none = A.S != null && k === A.NS - 1; /* without segments: one plain fill */
			let rect, hatch;
			if (A.S && A.S.direction) {
				rect = '<rect width="8" height="8" class="gm-fill-dir-' + (none ? 'not-reported' : A.S.codes[k].id) + '"/>';
				hatch = HATCHES[k % PATTERNS];
			} else if (A.S && A.S.ordinal && !none) {
				rect = '<rect width="8" height="8" fill="' + ordinalColour(k, A.NS - 1) + '"/>';
				hatch = '';
			} else {
				rect = '<rect width="8" height="8" class="gm-fill-' + (none ? 'none' : 'c' + (k % PALETTE)) + '"/>';
				hatch = HATCHES[none ? 4 : (k + Math.floor(k / PALETTE)) % PATTERNS];
			}
			p += '<pattern id="gm-seg-' + k + '" width="8" height="8" patternUnits="userSpaceOnUse">' + rect + hatch + '</pattern>';
		}
		return p + '</defs></svg>';
	}
	const segLabel = (A, k) => (k === A.NS - 1 ? A.S.label + ' not coded' : A.S.codes[k].label);

	/* ---- the toolbar and main area, built once ----------------------------------- */
	V.build = function (app) {
		const D = G.data;
		const defs = el('div', { class: 'gm-defs', 'aria-hidden': 'true' });
		const toolbar = el('div', { class: 'gm-toolbar' });
		const radios = (legend, name, list) => {
			const fs = el('fieldset', { class: 'gm-switch' }, '<legend>' + legend + '</legend>');
			for (const [v, l] of list) {
				const id = G.newId(name);
				const input = '<input type="radio" name="gm-' + name + '" id="' + id + '" value="' + v + '">';
				fs.insertAdjacentHTML('beforeend', input + '<label for="' + id + '">' + l + '</label>');
			}
			return fs;
		};
		const viewset = radios('View', 'view', [['bubble', 'Bubbles'], ['heat', 'Heat map'], ['list', 'List']]);
		toolbar.appendChild(viewset);
		const unitset = D.hasReports ? radios('Count', 'unit', [['studies', 'Studies'], ['reports', 'Reports']]) : null;
		if (unitset) toolbar.appendChild(unitset);
		/* What splits the bubbles, and which facet is on which axis. */
		const shape = el('div', { class: 'gm-shape' });
		const sid = G.newId('split');
		shape.innerHTML = '<label for="' + sid + '">Split bubbles by</label><select id="' + sid + '"></select>' +
			'<button type="button" class="gm-swap">Swap rows and columns</button>';
		toolbar.appendChild(shape);
		const status = el('p', { class: 'gm-status', role: 'status', 'aria-live': 'polite' });
		toolbar.appendChild(status);

		const main = el('div', { class: 'gm-main' });
		const legend = el('div', { class: 'gm-legend' });
		const empty = el('div', { class: 'gm-empty', hidden: true, role: 'note' });
		const matrixWrap = el('div', { class: 'gm-scroll', tabindex: '0', role: 'region', 'aria-labelledby': 'gm-matrix-caption' });
		const listWrap = el('div', { class: 'gm-listwrap' });
		const downloads = el('p', { class: 'gm-downloads' },
			'<span>Download the studies shown:</span> <button type="button" data-dl="csv">CSV</button> <button type="button" data-dl="ris">RIS</button>');
		const tip = el('div', { class: 'gm-celltip', hidden: true, 'aria-hidden': 'true' });
		main.append(legend, empty, matrixWrap, listWrap, downloads);
		ui = {
			app, defs, toolbar, viewset, unitset, split: shape.querySelector('select'), swap: shape.querySelector('.gm-swap'), status, main, legend, empty,
			matrixWrap, listWrap, downloads, tip,
			viewInputs: [...viewset.querySelectorAll('input')],
			unitInputs: unitset ? [...unitset.querySelectorAll('input')] : [],
		};
		return ui;
	};

	/* ---- the matrix table, built per axes ---------------------------------------- */
	function heading(f, k, p) {
		const code = G.data.facets[f].codes[k];
		const link = '<a href="' + esc(G.codeUrl(f, k)) + '"';
		if (!code.definition) return link + '>' + esc(code.label) + '</a>';
		const id = 'gm-tip-' + p + k;
		return '<span class="gm-head">' + link + ' aria-describedby="' + id + '">' + esc(code.label) + '</a><span class="gm-tip" role="tooltip" id="' + id + '">' +
			esc(code.definition) + '</span></span>';
	}
	const toggle = (kind, g, label) => '<button type="button" class="gm-toggle" aria-expanded="true" data-' + kind + '="' + g + '">' +
		'<span class="gm-chev" aria-hidden="true"></span>' + esc(label) + '</button>';

	function buildMatrix() {
		const A = G.axes();
		const { R, C, NR, NC } = A;
		/* Column order: each column group's columns, then its summary column
		 * (shown when the group is collapsed); columns outside groups as they come. */
		const colGroup = C.codes.map((c) => (c.group == null ? -1 : c.group));
		const lastOfGroup = C.groups.map((g) => g.first + g.count - 1);
		const table = el('table', { class: 'gm-imap', role: 'grid', 'aria-labelledby': 'gm-matrix-caption' });
		let h = '<caption id="gm-matrix-caption"></caption><thead>';
		const afterCol = (c, cell) => (colGroup[c] >= 0 && lastOfGroup[colGroup[c]] === c ? cell(colGroup[c]) : '');
		if (C.groups.length) {
			h += '<tr class="gm-colgroups"><td class="gm-corner"></td>';
			let c = 0;
			C.groups.forEach((g, gi) => {
				while (c < g.first) {
					h += '<td></td>';
					c++;
				}
				h += '<th scope="colgroup" colspan="' + g.count + '" data-h="' + gi + '">' + toggle('h', gi, g.label) + '</th>';
				c += g.count;
			});
			while (c < NC) {
				h += '<td></td>';
				c++;
			}
			h += '<td></td></tr>';
		}
		h += '<tr class="gm-colheads"><th scope="col" class="gm-corner">' + esc(R.label) +
			' <span aria-hidden="true">\\</span><span class="visually-hidden">by</span> ' +
			esc(C.label) + '</th>';
		for (let c = 0; c < NC; c++) {
			h += '<th scope="col" data-c="' + c + '">' + heading(A.ci, c, 'c') + '</th>';
			h += afterCol(c, (gi) => '<th scope="col" class="gm-hhead" data-h="' + gi + '" hidden>' + esc(C.groups[gi].label) + '</th>');
		}
		h += '<th scope="col" class="gm-total">Total</th></tr></thead>';
		const rowOrder = [];
		const rowHtml = (r) => {
			rowOrder.push(r);
			let x = '<tr class="gm-row" data-r="' + r + '"><th scope="row">' + heading(A.ri, r, 'r') + '</th>';
			for (let c = 0; c < NC; c++) {
				x += '<td class="gm-cell" data-r="' + r + '" data-c="' + c + '"></td>';
				x += afterCol(c, (gi) => '<td class="gm-hcell" data-h="' + gi + '" data-r="' + r + '" hidden></td>');
			}
			return x + '<td class="gm-total" data-rt="' + r + '"></td></tr>';
		};
		const inGroup = new Set();
		R.groups.forEach((g, gi) => {
			h += '<tbody data-g="' + gi + '"><tr class="gm-rowgroup" data-g="' + gi + '"><th scope="rowgroup">' + toggle('g', gi, g.label) + '</th>';
			for (let c = 0; c < NC; c++) {
				h += '<td class="gm-gcell" data-g="' + gi + '" data-c="' + c + '"></td>';
				h += afterCol(c, (hi) => '<td class="gm-hg" data-h="' + hi + '" hidden></td>');
			}
			h += '<td class="gm-total" data-gt="' + gi + '"></td></tr>';
			for (let r = g.first; r < g.first + g.count; r++) {
				h += rowHtml(r);
				inGroup.add(r);
			}
			h += '</tbody>';
		});
		let rest = '';
		for (let r = 0; r < NR; r++) if (!inGroup.has(r)) rest += rowHtml(r);
		if (rest) h += '<tbody>' + rest + '</tbody>';
		h += '<tfoot><tr><th scope="row">Total</th>';
		for (let c = 0; c < NC; c++) {
			h += '<td class="gm-total" data-ct="' + c + '"></td>';
			h += afterCol(c, (gi) => '<td class="gm-total" data-ht="' + gi + '" hidden></td>');
		}
		h += '<td class="gm-total gm-grand"></td></tr></tfoot>';
		table.innerHTML = h;
		const all = (sel) => [...table.querySelectorAll(sel)];
		const cellTds = new Array(NR * NC);
		for (const td of all('td.gm-cell')) cellTds[td.dataset.r * NC + +td.dataset.c] = td;
		const colOf = (e) => +(e.dataset.c == null ? e.dataset.ct : e.dataset.c);
		const byCol = C.groups.map((g, gi) => all('[data-c], [data-ct]').filter((e) => colGroup[colOf(e)] === gi));
		X = {
			A, table, cellTds, rowOrder, colGroup,
			cells: new Array(NR * NC),
			gcellTds: all('td.gm-gcell'),
			hcellTds: C.groups.map((g, gi) => all('td.gm-hcell[data-h="' + gi + '"]')),
			hgTds: all('td.gm-hg'),
			hcolParts: C.groups.map((g, gi) => all('[data-h="' + gi + '"]:not(th[scope="colgroup"]):not(button)').concat(all('td[data-ht="' + gi + '"]'))),
			hgroupTh: all('th[scope="colgroup"]'),
			colsOf: byCol,
			rowTotals: all('td[data-rt]'),
			colTotals: all('td[data-ct]'),
			hTotals: all('td[data-ht]'),
			grpTotals: all('td[data-gt]'),
			grand: table.querySelector('.gm-grand'),
			caption: table.querySelector('caption'),
			rowsOf: R.groups.map((g, gi) => all('tbody[data-g="' + gi + '"] tr.gm-row')),
			toggles: all('button.gm-toggle[data-g]'),
			htoggles: all('button.gm-toggle[data-h]'),
			focusX: -1,
		};
		ui.matrixWrap.replaceChildren(table);
		ui.defs.innerHTML = segmentDefs(A);
		/* Sticky headings: the second header row sits under the first. Its
		 * height is read when layout has just run anyway (a ResizeObserver,
		 * before paint), never forced from script: at load that would lay out
		 * the whole page twice. */
		if (C.groups.length) {
			const first = table.querySelector('thead tr');
			const stick = () => table.style.setProperty('--gm-head1', first.getBoundingClientRect().height + 'px');
			if (window.ResizeObserver) new ResizeObserver(stick).observe(first);
			else stick();
		}
		fillSplitChoice();
		return X;
	}
	V.table = () => X.table;

	/* The choice of what splits the bubbles: any facet not on an axis. */
	function fillSplitChoice() {
		const A = X.A;
		let h = '<option value="none">Nothing</option>';
		G.data.facets.forEach((f, i) => {
			if (i === A.ri || i === A.ci) return;
			h += '<option value="' + esc(f.id) + '"' + (i === A.si ? ' selected' : '') + '>' + esc(f.label) + '</option>';
		});
		const D = G.data;
		if (D.directionFacet && (D.rows === A.ri || D.rows === A.ci)) {
			h += '<option value="direction"' + (A.si === 'direction' ? ' selected' : '') + '>' + esc(D.directionFacet.label) + '</option>';
		}
		ui.split.innerHTML = h;
		if (A.si == null) ui.split.value = 'none';
	}

	/* ---- cells -------------------------------------------------------------------- */
	/* Each cell's button and bubble are made once per matrix and then only
	 * updated: a filter change on a large map touches attributes, never
	 * parses HTML. Path k of a bubble is always segment k. */
	function cellObj(x) {
		if (X.cells[x]) return X.cells[x];
		const NC = X.A.NC, NS = X.A.NS;
		const btn = el('button', { type: 'button', class: 'gm-cellbtn', 'data-r': (x / NC) | 0, 'data-c': x % NC, 'aria-haspopup': 'dialog', tabindex: '-1' });
		const svg = G.svgEl('svg', { class: 'gm-bubble', viewBox: '0 0 40 40', width: '40', height: '40', 'aria-hidden': 'true', focusable: 'false' });
		const ring = G.svgEl('circle', { cx: '20', cy: '20', r: '0', class: 'gm-thinring' });
		const paths = [];
		svg.appendChild(ring);
		for (let k = 0; k < NS; k++) {
			const p = G.svgEl('path', { d: '', fill: 'url(#gm-seg-' + k + ')' });
			paths.push(p);
			svg.appendChild(p);
		}
		const outline = G.svgEl('circle', { cx: '20', cy: '20', r: '0', class: 'gm-outline' });
		svg.appendChild(outline);
		const count = el('span', { class: 'gm-count' });
		const gapMark = el('span', { class: 'gm-gapmark', 'aria-hidden': 'true' }, '–');
		const gapText = el('span', { class: 'visually-hidden' });
		/* "new": the cell holds a study the latest update added (said in its
		 * label too); beside the button, so the button's visible text stays
		 * part of its name. */
		const newMark = el('span', { class: 'gm-new-mark', 'aria-hidden': 'true' }, 'new');
		X.cells[x] = { btn, svg, ring, paths, pd: new Array(NS).fill(''), outline, count, gapMark, gapText, newMark };
		Object.assign(X.cells[x], { mode: '', label: '', n: '', rad: '', ringR: '', cls: '' });
		return X.cells[x];
	}
	/* The bubble's radius in a 40-unit box: area proportional to the count,
	 * and never so small that a one-study bubble's segments cannot be read. */
	const MIN_R = 9, MAX_R = 16;
	const radius = (n, max) => Math.max(MIN_R, MAX_R * Math.sqrt(n / max));
	const f2 = (v) => v.toFixed(2);
	function updateBubble(M, o, x, n, max, thin) {
		const NS = X.A.NS;
		const rad = radius(n, max), rs = f2(rad);
		const ringR = thin ? f2(rad + 3) : '0';
		if (o.ringR !== ringR) {
			o.ring.setAttribute('r', ringR);
			o.ringR = ringR;
		}
		if (o.rad !== rs) {
			o.outline.setAttribute('r', rs);
			o.rad = rs;
		}
		let sum = 0, parts = 0;
		for (let k = 0; k < NS; k++) {
			const v = M.seg[x * NS + k];
			if (v) {
				sum += v;
				parts++;
			}
		}
		let a0 = -Math.PI / 2;
		const arc = rs + ',' + rs + ' 0 ';
		for (let k = 0; k < NS; k++) {
			const v = M.seg[x * NS + k];
			let d = '';
			if (v && parts === 1) {
				d = 'M20,' + f2(20 - rad) + 'A' + arc + '1 1 20,' + f2(20 + rad) + 'A' + arc + '1 1 20,' + f2(20 - rad) + 'Z';
			} else if (v) {
				const a1 = a0 + (2 * Math.PI * v) / sum;
				d = 'M20,20L' + f2(20 + rad * Math.cos(a0)) + ',' + f2(20 + rad * Math.sin(a0)) + 'A' + arc + (a1 - a0 > Math.PI ? 1 : 0) + ' 1 ' +
					f2(20 + rad * Math.cos(a1)) + ',' + f2(20 + rad * Math.sin(a1)) + 'Z';
				a0 = a1;
			}
			if (o.pd[k] !== d) {
				o.paths[k].setAttribute('d', d);
				o.pd[k] = d;
			}
		}
	}
	/* "Pain × General practice: 3 studies (2 Randomised trial, 1 Qualitative)" */
	function breakdown(M, x) {
		const A = X.A, parts = [];
		if (!A.S) return parts;
		for (let k = 0; k < A.NS; k++) {
			const v = M.seg[x * A.NS + k];
			if (v) parts.push(segLabel(A, k) + ': ' + fmt(v));
		}
		return parts;
	}
	function cellLabel(M, r, c, n, x, fresh) {
		const A = X.A, unit = G.state.unit;
		let l = A.R.codes[r].label + ' × ' + A.C.codes[c].label + ': ' + fmt(n) + ' ' + G.unitWord(n, unit);
		if (n < G.data.thin) l += ', thin evidence';
		const parts = breakdown(M, x);
		if (parts.length) l += ' (' + parts.join(', ') + ')';
		if (fresh) l += ', ' + fmt(fresh) + ' new in version ' + G.data.latestVersion;
		return l;
	}
	/* Per cell, how many of the shown studies the latest update added. */
	function freshCounts(M) {
		const A = X.A, NC = A.NC, fresh = new Int32Array(A.NR * NC);
		if (G.data.latestVersion == null) return fresh;
		for (const s of M.shown) {
			if (!s.isNew) continue;
			for (const r of s.codes[A.ri]) for (const c of s.codes[A.ci]) fresh[r * NC + c]++;
		}
		return fresh;
	}
	const level = (n, max) => Math.min(5, Math.ceil((5 * n) / max));
	const unitName = () => (G.state.unit === 'reports' ? 'reports' : 'studies');
	const noun = () => (G.state.unit === 'reports' ? 'report' : 'study');

	/* ---- rendering --------------------------------------------------------------- */
	function renderMatrix(M) {
		const A = X.A, NR = A.NR, NC = A.NC, st = G.state, D = G.data;
		const heat = st.view === 'heat';
		let max = 1;
		for (let x = 0; x < NR * NC; x++) if (M.cell[x] > max) max = M.cell[x];
		X.max = max;
		const u = unitName();
		const fresh = freshCounts(M);
		for (let r = 0; r < NR; r++) {
			for (let c = 0; c < NC; c++) {
				const x = r * NC + c, n = M.cell[x], td = X.cellTds[x], o = cellObj(x);
				let cls;
				if (!n) {
					cls = 'gm-cell gm-gap';
					if (o.mode !== 'gap') {
						td.replaceChildren(o.gapMark, o.gapText);
						td.tabIndex = -1;
						o.mode = 'gap';
					}
					const t = A.R.codes[r].label + ' × ' + A.C.codes[c].label + ': no ' + u + ', evidence gap';
					if (o.label !== t) {
						o.gapText.textContent = t;
						o.label = t;
					}
				} else {
					const thin = n < D.thin;
					cls = 'gm-cell' + (thin ? ' gm-thin' : '') + (heat ? ' gm-heat gm-h' + level(n, max) : '') + (fresh[x] ? ' gm-new' : '');
					const want = heat ? 'heat' : 'bubble';
					if (o.mode !== want) {
						if (heat) o.btn.replaceChildren(o.count);
						else o.btn.replaceChildren(o.svg, o.count);
						td.replaceChildren(o.btn);
						td.removeAttribute('tabindex');
						o.mode = want;
					}
					if (fresh[x] && o.newMark.parentNode !== td) td.appendChild(o.newMark);
					else if (!fresh[x] && o.newMark.parentNode) o.newMark.remove();
					const t = cellLabel(M, r, c, n, x, fresh[x]);
					if (o.label !== t) {
						o.btn.setAttribute('aria-label', t);
						o.label = t;
					}
					const ns = fmt(n);
					if (o.n !== ns) {
						o.count.textContent = ns;
						o.n = ns;
					}
					if (!heat) updateBubble(M, o, x, n, max, thin);
				}
				if (o.cls !== cls) {
					td.className = cls;
					o.cls = cls;
				}
			}
			G.setText(X.rowTotals[r], fmt(M.row[r]));
		}
		for (let c = 0; c < NC; c++) G.setText(X.colTotals[c], fmt(M.col[c]));
		G.setText(X.grand, fmt(M.total));
		const summaryCell = (td, n, label) => {
			G.setClass(td, td.className.split(' ')[0] + (n ? '' : ' gm-gap') + (heat && n ? ' gm-heat gm-h' + level(n, max) : ''));
			G.setHTML(td, n ? (heat ? '' : groupBubble(n, max)) + '<span class="gm-count">' + fmt(n) + '</span><span class="visually-hidden"> ' +
				G.unitWord(n, st.unit) +
				' in ' + esc(label) + '</span>' : '<span class="gm-gapmark" aria-hidden="true">–</span><span class="visually-hidden">no ' + u + '</span>');
		};
		A.R.groups.forEach((g, gi) => {
			const closed = st.collapsed.has(gi);
			G.setAttr(X.toggles[gi], 'aria-expanded', String(!closed));
			for (const tr of X.rowsOf[gi]) G.setHidden(tr, closed);
			G.setText(X.grpTotals[gi], fmt(M.grow[gi]));
			for (let c = 0; c < NC; c++) {
				const td = X.gcellTds[gi * NC + c];
				if (!closed) {
					G.setClass(td, 'gm-gcell');
					G.setHTML(td, '');
				} else summaryCell(td, M.gcell[gi * NC + c], g.label + ' × ' + A.C.codes[c].label);
			}
		});
		A.C.groups.forEach((g, hi) => {
			const closed = st.collapsedCols.has(hi);
			G.setAttr(X.htoggles[hi], 'aria-expanded', String(!closed));
			G.setAttr(X.hgroupTh[hi], 'colspan', String(closed ? 1 : g.count));
			for (const e of X.colsOf[hi]) G.setHidden(e, closed);
			for (const e of X.hcolParts[hi]) G.setHidden(e, !closed);
			if (!closed) return;
			G.setText(X.hTotals[hi], fmt(M.hcol[hi]));
			X.hcellTds[hi].forEach((td) => {
				const r = +td.dataset.r;
				summaryCell(td, M.hcell[hi * NR + r], A.R.codes[r].label + ' × ' + g.label);
			});
		});
		const cap = G.cap(u) + ' by ' + A.R.label.toLowerCase() + ' (rows) and ' + A.C.label.toLowerCase() + ' (columns), under the active filters. ';
		G.setText(X.caption, cap + (heat ? 'Darker cells hold more ' + u + '. ' : 'Bubble area is proportional to the number of ' + u + '. ') +
			'Select a cell to list its ' + u + '; arrow keys move between cells. A dash marks a gap; a dashed outline marks thin evidence (fewer than ' + D.thin +
			'). Totals count each ' + G.unitWord(1, st.unit) + ' once.');
		rove();
	}
	/* A collapsed group's bubble shares the scale of the cells (capped at
	 * full size), so the cells of open groups keep readable bubbles. */
	function groupBubble(n, max) {
		const r = f2(Math.min(17, radius(n, max)));
		return '<svg class="gm-bubble" viewBox="0 0 40 40" width="40" height="40" aria-hidden="true" focusable="false"><circle cx="20" cy="20" r="' + r +
			'" class="gm-groupfill"/><circle cx="20" cy="20" r="' + r + '" class="gm-outline"/></svg>';
	}

	/* The heat view's shades, each with the range of counts it stands for. */
	function heatRanges(max) {
		const out = [];
		for (let k = 1; k <= 5; k++) {
			const lo = Math.floor(((k - 1) * max) / 5) + 1, hi = Math.floor((k * max) / 5);
			if (lo <= hi) out.push({ k, text: lo === hi ? G.many(lo, noun()) : fmt(lo) + '–' + G.many(hi, noun()) });
		}
		return out;
	}
	function renderLegend() {
		const A = X.A, u = unitName(), S = A.S;
		let h = '';
		if (G.state.view === 'bubble') {
			h += '<p class="gm-legend-title">Bubble area: number of ' + u + '.';
			if (S) h += ' ' + (S.ordinal ? 'Shades, in order' : 'Colours and patterns') + ': ' + esc(S.label.toLowerCase()) + '.';
			h += '</p><ul class="gm-keys' + (S && S.ordinal ? ' gm-ordinal' : '') + '">';
			const anyUncoded = S && !S.direction ? G.data.studies.some((s) => !s.codes[A.si].length) : false;
			if (S) {
				for (let k = 0; k < A.NS; k++) {
					if (k === A.NS - 1 && !anyUncoded) continue;
					h += '<li><svg width="18" height="18" viewBox="0 0 18 18" aria-hidden="true" focusable="false"><circle cx="9" cy="9" r="8" fill="url(#gm-seg-' + k +
						')"/><circle cx="9" cy="9" r="8" class="gm-outline"/></svg>' + esc(segLabel(A, k)) + '</li>';
				}
			}
		} else if (G.state.view === 'heat') {
			h += '<p class="gm-legend-title">Shade: number of ' + u + ' in the cell (darker is more), with the number written in.</p><ul class="gm-keys">';
			for (const r of heatRanges(X.max || 1)) h += '<li><span class="gm-swatch gm-heat gm-h' + r.k + '" aria-hidden="true"></span>' + r.text + '</li>';
		} else {
			G.setHTML(ui.legend, '');
			return;
		}
		h += '<li><svg width="18" height="18" viewBox="0 0 18 18" aria-hidden="true" focusable="false"><circle cx="9" cy="9" r="7.5" class="gm-thinring"/></svg>' +
			'Dashed outline: thin evidence (fewer than ' + G.data.thin + ')</li>';
		h += '<li><span class="gm-swatch gm-gapkey" aria-hidden="true"></span>Gap (hatched, with a dash): no ' + u + '</li></ul>';
		G.setHTML(ui.legend, h);
	}

	/* What splits a study's bubbles, in words: its codes, or the direction of
	 * effect it reports for each row code (for the row code r only, if given). */
	V.segmentText = function (s, r) {
		const A = G.axes(), D = G.data;
		if (!A.S) return '';
		if (!A.S.direction) return G.labels(s, A.si);
		const codes = r == null ? s.codes[D.rows] : [r];
		return codes.map((k) => (r == null ? D.facets[D.rows].codes[k].label + ': ' : '') + A.S.codes[G.directionOf(s, k)].label).join('; ');
	};

	/* ---- the list view -------------------------------------------------------------- */
	V.listLimit = 100;
	function sorts() {
		const A = X.A, list = [['title', 'Title'], ['authors', 'Authors'], ['year', 'Year'], ['rows', A.R.label], ['columns', A.C.label]];
		if (A.S) list.push(['segments', A.S.label]);
		if (G.data.hasReports) list.push(['reports', 'Reports']);
		return list;
	}
	function sortKey(s, k) {
		const A = X.A;
		const first = (f) => (s.codes[f].length ? s.codes[f][0] : 1e9);
		switch (k) {
		case 'title': return s.title.toLowerCase();
		case 'authors': return s.authors.toLowerCase();
		case 'year': return s.year;
		case 'reports': return s.nreports;
		case 'rows': return first(A.ri);
		case 'columns': return first(A.ci);
		default: return A.si == null || A.S.direction ? 0 : first(A.si);
		}
	}
	function renderList(M) {
		const A = X.A, st = G.state, list = M.shown.slice();
		const k = st.sort, d = st.dir === 'asc' ? 1 : -1;
		list.sort((a, b) => {
			const x = sortKey(a, k), y = sortKey(b, k);
			return x < y ? -d : x > y ? d : a.i - b.i;
		});
		const sum = G.many(list.length, 'study') + ' under the active filters';
		let h = '<p class="gm-list-sum">' + sum + '. Select a column heading to sort.</p>';
		h += '<div class="gm-listscroll"><table class="gm-list"><caption class="visually-hidden">' + sum + '</caption><thead><tr>';
		for (const [key, label] of sorts()) {
			const on = key === k;
			h += '<th scope="col"' + (on ? ' aria-sort="' + (d > 0 ? 'ascending' : 'descending') + '"' : '') + '><button type="button" data-sort="' + key + '">' +
				esc(label) +
				'<span class="gm-sortmark" aria-hidden="true">' + (on ? (d > 0 ? ' ▲' : ' ▼') : '') + '</span></button></th>';
		}
		h += '</tr></thead><tbody>';
		const n = Math.min(list.length, V.listLimit);
		for (let i = 0; i < n; i++) {
			const s = list[i];
			h += '<tr><td><a href="' + esc(G.studyUrl(s)) + '">' + esc(s.title) + '</a>' + V.newBadge(s) + '</td><td>' + esc(s.authors) + '</td><td>' + s.year +
				'</td><td>' +
				esc(G.labels(s, A.ri)) + '</td><td>' + esc(G.labels(s, A.ci)) + '</td>' + (A.S ? '<td>' + esc(V.segmentText(s)) + '</td>' : '') +
				(G.data.hasReports ? '<td>' + s.nreports + '</td>' : '') + '</tr>';
		}
		h += '</tbody></table></div>';
		if (list.length > n) {
			h += '<p><button type="button" class="gm-more">Show ' + fmt(Math.min(100, list.length - n)) + ' more of ' + fmt(list.length - n) + ' not shown</button></p>';
		}
		G.setHTML(ui.listWrap, h);
	}

	/* The badge of a study the latest update added, as in the site's own lists. */
	V.newBadge = (s) => (s.isNew ? ' <span class="badge-new">New in version ' + esc(G.data.latestVersion) + '</span>' : '');

	/* An empty result is not a map of gaps: say so instead of drawing one. */
	function renderEmpty() {
		const st = G.state, n = G.filters.activeCount();
		let h = '<p><strong>No studies match ' + (st.q && n === 1 ? 'the search “' + esc(st.q) + '”' : 'the active filters') + '.</strong> ';
		if (st.since != null && n === 1) h = '<p><strong>No studies have been added since ' + esc(G.filters.updateLabel(st.since)) + '.</strong> ';
		h += 'This is not an evidence gap: change or remove a filter to see the map again.</p>';
		G.setHTML(ui.empty, h);
	}

	V.render = function (M) {
		const st = G.state;
		if (!X || X.A !== G.axes()) buildMatrix();
		for (const i of ui.viewInputs) if (i.checked !== (i.value === st.view)) i.checked = i.value === st.view;
		for (const i of ui.unitInputs) if (i.checked !== (i.value === st.unit)) i.checked = i.value === st.unit;
		const none = M.shown.length === 0, list = st.view === 'list';
		G.setHidden(ui.empty, !none);
		G.setHidden(ui.matrixWrap, list || none);
		G.setHidden(ui.listWrap, !list || none);
		G.setHidden(ui.legend, none);
		if (ui.app.dataset.view !== st.view) ui.app.dataset.view = st.view;
		if (none) renderEmpty();
		else if (list) renderList(M);
		else renderMatrix(M);
		if (!none) renderLegend();
		const n = M.shown.length, active = G.filters.activeCount(), total = G.data.studies.length;
		let line = 'Showing ' + fmt(n) + ' of ' + G.many(total, 'study');
		if (st.unit === 'reports') line += ' (' + G.many(M.total, 'report') + ')';
		if (active) line += ', ' + G.many(active, 'filter') + ' active';
		G.setText(ui.status, line + '.');
	};

	/* ---- keyboard: one tab stop for the cells, arrow keys between them ---------------------- */
	const focusable = (x) => {
		const o = X.cells[x];
		return o && o.mode !== 'gap' && o.mode ? o.btn : X.cellTds[x];
	};
	const visibleRows = () => X.rowOrder.filter((r) => !X.cellTds[r * X.A.NC].parentNode.hidden);
	const visibleCols = () => {
		const out = [];
		for (let c = 0; c < X.A.NC; c++) if (!(X.colGroup[c] >= 0 && G.state.collapsedCols.has(X.colGroup[c]))) out.push(c);
		return out;
	};
	/* Exactly one cell is in the tab order: the last one focused, if shown. */
	function rove() {
		const rows = visibleRows(), cols = visibleCols();
		let x = X.focusX;
		if (x < 0 || !rows.includes((x / X.A.NC) | 0) || !cols.includes(x % X.A.NC)) x = rows.length && cols.length ? rows[0] * X.A.NC + cols[0] : -1;
		for (let y = 0; y < X.cellTds.length; y++) {
			const e = focusable(y), want = y === x ? 0 : -1;
			if (e.tabIndex !== want) e.tabIndex = want;
			if (e !== X.cellTds[y] && X.cellTds[y].hasAttribute('tabindex')) X.cellTds[y].removeAttribute('tabindex');
		}
		X.focusX = x;
	}
	V.firstCell = () => (X && X.focusX >= 0 ? focusable(X.focusX) : null);
	V.cellElement = (r, c) => (X ? focusable(r * X.A.NC + c) : null);
	V.focusCell = function (x) {
		X.focusX = x;
		rove();
		focusable(x).focus();
	};
	function onKey(e) {
		const td = e.target.closest && e.target.closest('td.gm-cell');
		if (!td || e.altKey || e.metaKey) return;
		const rows = visibleRows(), cols = visibleCols();
		let ri = rows.indexOf(+td.dataset.r), ci = cols.indexOf(+td.dataset.c);
		switch (e.key) {
		case 'ArrowUp': ri--; break;
		case 'ArrowDown': ri++; break;
		case 'ArrowLeft': ci--; break;
		case 'ArrowRight': ci++; break;
		case 'Home': ci = 0; if (e.ctrlKey) ri = 0; break;
		case 'End': ci = cols.length - 1; if (e.ctrlKey) ri = rows.length - 1; break;
		case 'PageUp': ri = Math.max(0, ri - 5); break;
		case 'PageDown': ri = Math.min(rows.length - 1, ri + 5); break;
		default: return;
		}
		e.preventDefault();
		ri = Math.max(0, Math.min(rows.length - 1, ri));
		ci = Math.max(0, Math.min(cols.length - 1, ci));
		V.focusCell(rows[ri] * X.A.NC + cols[ci]);
	}

	/* ---- the breakdown of a cell on hover or focus ----------------------------------------- */
	function showTip(td) {
		const M = G.M, r = +td.dataset.r, c = +td.dataset.c, x = r * X.A.NC + c, n = M.cell[x];
		const A = X.A;
		let h = '<strong>' + esc(A.R.codes[r].label) + ' × ' + esc(A.C.codes[c].label) + '</strong><br>';
		h += n ? G.many(n, noun()) + (n < G.data.thin ? ' (thin evidence)' : '') : 'No ' + unitName() + ': an evidence gap';
		const parts = breakdown(M, x);
		if (parts.length) h += '<ul><li>' + parts.map(esc).join('</li><li>') + '</li></ul>';
		ui.tip.innerHTML = h;
		ui.tip.hidden = false;
		const b = td.getBoundingClientRect(), t = ui.tip.getBoundingClientRect();
		const left = Math.max(4, Math.min(window.innerWidth - t.width - 4, b.left + b.width / 2 - t.width / 2));
		const top = b.bottom + 6 + t.height < window.innerHeight ? b.bottom + 6 : Math.max(4, b.top - t.height - 6);
		ui.tip.style.left = left + 'px';
		ui.tip.style.top = top + 'px';
	}
	const hideTip = () => {
		ui.tip.hidden = true;
	};

	V.bind = function (handlers) {
		ui.matrixWrap.addEventListener('click', (e) => {
			const b = e.target.closest('button');
			if (!b) return;
			if (b.classList.contains('gm-cellbtn')) {
				X.focusX = +b.dataset.r * X.A.NC + +b.dataset.c;
				rove();
				handlers.openCell(+b.dataset.r, +b.dataset.c, b);
			} else if (b.dataset.g != null) handlers.toggle(G.state.collapsed, +b.dataset.g);
			else if (b.dataset.h != null) handlers.toggle(G.state.collapsedCols, +b.dataset.h);
		});
		ui.matrixWrap.addEventListener('keydown', onKey);
		ui.matrixWrap.addEventListener('focusin', (e) => {
			const td = e.target.closest && e.target.closest('td.gm-cell');
			if (td) {
				X.focusX = +td.dataset.r * X.A.NC + +td.dataset.c;
				showTip(td);
			}
		});
		ui.matrixWrap.addEventListener('focusout', hideTip);
		ui.matrixWrap.addEventListener('mouseover', (e) => {
			const td = e.target.closest && e.target.closest('td.gm-cell');
			if (td) showTip(td);
			else hideTip();
		});
		ui.matrixWrap.addEventListener('mouseleave', hideTip);
		ui.matrixWrap.addEventListener('scroll', hideTip, { passive: true });
		/* Definitions and the breakdown: Escape hides them until the pointer or focus leaves. */
		document.addEventListener('keydown', (e) => {
			if (e.key !== 'Escape' || handlers.panelOpen()) return;
			hideTip();
			const h = document.activeElement && document.activeElement.closest('.gm-head');
			if (h) h.classList.add('gm-tip-off');
			for (const x of ui.matrixWrap.querySelectorAll('.gm-head:hover')) x.classList.add('gm-tip-off');
		});
		const tipOn = (e) => {
			const h = e.target.closest && e.target.closest('.gm-head');
			if (h) h.classList.remove('gm-tip-off');
		};
		ui.matrixWrap.addEventListener('focusout', tipOn);
		ui.matrixWrap.addEventListener('mouseout', tipOn);
		ui.listWrap.addEventListener('click', (e) => {
			const b = e.target.closest('button');
			if (!b) return;
			const st = G.state;
			if (b.dataset.sort) {
				const k = b.dataset.sort;
				if (st.sort === k) st.dir = st.dir === 'asc' ? 'desc' : 'asc';
				else {
					st.sort = k;
					st.dir = k === 'year' || k === 'reports' ? 'desc' : 'asc';
				}
				handlers.render();
				ui.listWrap.querySelector('button[data-sort="' + k + '"]').focus();
			} else if (b.classList.contains('gm-more')) {
				V.listLimit += 100;
				handlers.render();
			}
		});
		ui.split.addEventListener('change', () => {
			const v = ui.split.value;
			G.state.split = v === 'none' ? null : v === 'direction' ? v : G.data.facets.findIndex((f) => f.id === v);
			handlers.update();
		});
		ui.swap.addEventListener('click', () => {
			G.swapAxes();
			handlers.update();
		});
	};
})((window.gapmap = window.gapmap || {}));
