/* gapmap map, part 3: the state of the view and its URL fragment.
 *
 * The whole view lives in the URL fragment, so a link reproduces it:
 *   view=heat|list  count=reports  q=words  <facet>=code,code  <facet>.mode=all
 *   from=YYYY  to=YYYY  collapsed=group,...  collapsed-columns=group,...
 *   sort=key-asc|desc  split=<facet>|none  swap=1  cell=rowcode~columncode
 *   since=<version> (added after that update; only on a site with updates)
 * A facet whose id is one of these names is written facet-<id>. Filter
 * changes replace the history entry; opening a cell's panel adds one, so
 * Back closes the panel. */
'use strict';
(function (G) {
	const RESERVED = new Set(['view', 'count', 'q', 'from', 'to', 'cell', 'collapsed', 'collapsed-columns', 'sort', 'split', 'swap', 'since']);
	const SORT_RE = /^(title|authors|year|rows|columns|segments|reports)-(asc|desc)$/;

	G.param = (f) => (RESERVED.has(G.data.facets[f].id) ? 'facet-' + G.data.facets[f].id : G.data.facets[f].id);

	G.freshState = () => ({
		view: 'bubble',
		unit: 'studies',
		q: '',
		sel: new Map(), /* filter facet -> Set of code indices */
		mode: new Map(), /* filter facet -> 'all' (default 'any') */
		from: null,
		to: null,
		since: null, /* index of an update: only studies added after it */
		cell: null, /* [row code, column code] of the open panel */
		collapsed: new Set(), /* row groups */
		collapsedCols: new Set(), /* column groups */
		sort: 'year',
		dir: 'desc',
		split: undefined, /* facet index splitting the bubbles; null: none; undefined: the site's choice */
		swap: false,
	});

	/* The facets on the axes and in the bubbles, from the state. */
	let axesKey = '';
	let axesVal = null;
	G.axes = function () {
		const D = G.data;
		const st = G.state;
		const ri = st.swap ? D.columns : D.rows;
		const ci = st.swap ? D.rows : D.columns;
		let si = st.split === undefined ? D.segments : st.split;
		if (si === ri || si === ci) si = null;
		/* Direction of effect is reported per row code: it splits only while those are on an axis. */
		if (si === 'direction' && !(D.directionFacet && (D.rows === ri || D.rows === ci))) si = null;
		const key = ri + ',' + ci + ',' + si;
		if (key === axesKey) return axesVal;
		const R = D.facets[ri];
		const C = D.facets[ci];
		const S = si == null ? null : si === 'direction' ? D.directionFacet : D.facets[si];
		axesKey = key;
		axesVal = {
			key, ri, ci, si, R, C, S,
			NR: R.codes.length,
			NC: C.codes.length,
			NS: S ? S.codes.length + 1 : 1, /* the last segment: not coded */
		};
		return axesVal;
	};

	function toHash() {
		const D = G.data;
		const st = G.state;
		const A = G.axes();
		const p = [];
		const put = (k, v) => p.push(encodeURIComponent(k) + '=' + encodeURIComponent(v).replace(/%2C/g, ','));
		const ids = (set, list) => [...set].sort((a, b) => a - b).map((k) => list[k].id).join(',');
		if (st.view !== 'bubble') put('view', st.view);
		if (st.unit !== 'studies') put('count', st.unit);
		if (st.q) put('q', st.q);
		for (const f of D.filterFacets) {
			const sel = st.sel.get(f);
			if (sel && sel.size) put(G.param(f), ids(sel, D.facets[f].codes));
			if (st.mode.get(f) === 'all') put(G.param(f) + '.mode', 'all');
		}
		if (st.from != null) put('from', st.from);
		if (st.to != null) put('to', st.to);
		if (st.since != null) put('since', D.updates[st.since].version);
		if (st.swap) put('swap', '1');
		if (st.split !== undefined && A.si !== D.segments) put('split', A.S ? A.S.id : 'none');
		if (st.collapsed.size) put('collapsed', ids(st.collapsed, A.R.groups));
		if (st.collapsedCols.size) put('collapsed-columns', ids(st.collapsedCols, A.C.groups));
		if (st.sort !== 'year' || st.dir !== 'desc') put('sort', st.sort + '-' + st.dir);
		if (st.cell) put('cell', A.R.codes[st.cell[0]].id + '~' + A.C.codes[st.cell[1]].id);
		return p.join('&');
	}
	G.toHash = toHash;

	G.fromHash = function (hash) {
		const D = G.data;
		const st = G.freshState();
		const p = new URLSearchParams(hash.replace(/^#/, ''));
		const v = p.get('view');
		if (v === 'heat' || v === 'list') st.view = v;
		if (p.get('count') === 'reports' && D.hasReports) st.unit = 'reports';
		st.q = (p.get('q') || '').slice(0, 200);
		for (const f of D.filterFacets) {
			const raw = p.get(G.param(f));
			if (raw) {
				const set = new Set();
				for (const id of raw.split(',')) if (D.codeIndex[f].has(id)) set.add(D.codeIndex[f].get(id));
				if (set.size) st.sel.set(f, set);
			}
			if (p.get(G.param(f) + '.mode') === 'all') st.mode.set(f, 'all');
		}
		const year = (k) => {
			const n = parseInt(p.get(k), 10);
			return Number.isFinite(n) ? n : null;
		};
		if (D.hasYear) {
			st.from = year('from');
			st.to = year('to');
		}
		const since = D.updates.findIndex((u) => u.version === p.get('since'));
		if (since >= 0) st.since = since;
		st.swap = p.get('swap') === '1';
		const split = p.get('split');
		if (split === 'none') st.split = null;
		else if (split === 'direction' && D.directionFacet) st.split = 'direction';
		else if (split) {
			const f = D.facets.findIndex((x) => x.id === split);
			if (f >= 0) st.split = f;
		}
		/* The axes follow swap and split, which are now set. */
		const saved = G.state;
		G.state = st;
		const A = G.axes();
		G.state = saved;
		const groups = (raw, list, set) => {
			for (const id of (raw || '').split(',')) {
				const g = list.findIndex((x) => x.id === id);
				if (g >= 0) set.add(g);
			}
		};
		groups(p.get('collapsed'), A.R.groups, st.collapsed);
		groups(p.get('collapsed-columns'), A.C.groups, st.collapsedCols);
		const so = SORT_RE.exec(p.get('sort') || '');
		if (so) {
			st.sort = so[1];
			st.dir = so[2];
		}
		const cell = (p.get('cell') || '').split('~');
		if (cell.length === 2 && D.codeIndex[A.ri].has(cell[0]) && D.codeIndex[A.ci].has(cell[1]))
			st.cell = [D.codeIndex[A.ri].get(cell[0]), D.codeIndex[A.ci].get(cell[1])];
		return st;
	};

	/* Swapping rows and columns carries what belongs to each axis along. */
	G.swapAxes = function () {
		const st = G.state;
		st.swap = !st.swap;
		const c = st.collapsed;
		st.collapsed = st.collapsedCols;
		st.collapsedCols = c;
		if (st.cell) st.cell = [st.cell[1], st.cell[0]];
	};

	/* The URL follows the view a moment later: replaceState costs more than
	 * a render of a large map, and typing would call it for every key. */
	let hashTimer = 0;
	G.scheduleHash = function () {
		clearTimeout(hashTimer);
		hashTimer = setTimeout(G.saveHash, 60);
	};
	const urlOf = (h) => (h ? '#' + h : location.pathname + location.search);
	G.saveHash = function () {
		clearTimeout(hashTimer);
		const h = toHash();
		const url = location.href.replace(/#.*$/, '') + (h ? '#' + h : '');
		if (url !== location.href) history.replaceState(history.state, '', urlOf(h));
	};
	/* A new history entry (for the panel): Back returns to the view without it. */
	G.pushHash = function () {
		const cell = G.state.cell;
		G.state.cell = null;
		G.saveHash(); /* the entry Back returns to: the view as it is, without the panel */
		G.state.cell = cell;
		history.pushState({ gapmapPanel: true }, '', urlOf(toHash()));
	};
})((window.gapmap = window.gapmap || {}));
