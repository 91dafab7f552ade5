/* gapmap map, part 2: the data, decoded into named objects.
 *
 * data/map.js (window.GAPMAP_DATA) and data/map-text.js (window.GAPMAP_TEXT)
 * are written by generator/formats/mapdata.c with a study as a positional
 * array, to keep them small. This file is the one place that knows those
 * positions: everything else reads named fields. Links are made from the
 * path patterns the generator gives (core/paths), never spelled here. */
'use strict';
(function (G) {
	/* A study in GAPMAP_DATA.studies:
	 * [id, year, nreports, [[codes of facet 0], ...], title, "A, B.; C, D."(, reports)]
	 * Decoded later, from GAPMAP_DATA.added: update (index into updates, or
	 * null) and isNew (added by the latest update). */
	function decodeStudy(a, i) {
		return { i, id: a[0], year: a[1], nreports: a[2], codes: a[3], title: a[4], authors: a[5], reports: a[6] || null };
	}
	/* A study's long text in GAPMAP_TEXT, in this order (null where absent).
	 * "abstract" and "more" are optional: older data has ten fields. more is
	 * an object of named fields for the downloads (see map-downloads.js):
	 * {added, population, intervention, comparison, sample, sample_size,
	 * reports: [the further reports, each an object of all its fields]}. */
	const TEXT_FIELDS = ['summary', 'note', 'doi', 'url', 'publishedIn', 'type', 'volume', 'issue', 'pages', 'publisher', 'abstract', 'more'];
	const NO_TEXT = Object.freeze(Object.fromEntries(TEXT_FIELDS.map((k) => [k, null])));
	function decodeText(a) {
		if (!a) return NO_TEXT;
		const t = {};
		TEXT_FIELDS.forEach((k, j) => {
			t[k] = a[j] == null || a[j] === '' ? null : a[j];
		});
		return t;
	}

	const DIRECTION_LABELS = { 'not-reported': 'Not reported', improved: 'Improved', 'no-change': 'No change', mixed: 'Mixed', worse: 'Worse' };

	/* Returns the decoded map data, or null when there is none to use. */
	G.decode = function (raw) {
		if (!raw || raw.version !== 2) return null;
		const studies = raw.studies.map(decodeStudy);
		const facets = raw.facets.map((f, index) => Object.assign({}, f, { index, ordinal: !!f.ordinal }));
		let yearMin = Infinity;
		let yearMax = -Infinity;
		for (const s of studies) {
			if (s.year < yearMin) yearMin = s.year;
			if (s.year > yearMax) yearMax = s.year;
		}
		if (!studies.length) yearMin = yearMax = new Date().getFullYear();
		/* The map's updates (only on a site that lists them), oldest first, and
		 * per study the index of the one that added it (null: after the latest). */
		const updates = raw.updates || [];
		const latest = updates.length - 1;
		studies.forEach((s, i) => {
			const u = raw.added ? raw.added[i] : null;
			s.update = u == null ? null : u;
			s.isNew = latest >= 0 && s.update === latest;
		});
		/* Direction of effect per row code: [code, direction, ...] per study. */
		let directionFacet = null;
		if (raw.directions && raw.findings) {
			studies.forEach((s, i) => {
				const f = raw.findings[i] || [];
				s.directions = new Map();
				for (let j = 0; j + 1 < f.length; j += 2) s.directions.set(f[j], f[j + 1]);
			});
			directionFacet = {
				id: 'direction', label: 'Direction of effect', direction: true, groups: [], ordinal: false,
				codes: raw.directions.map((id) => ({ id, label: DIRECTION_LABELS[id] || id })),
			};
		}
		return {
			thin: raw.thin,
			rows: raw.rows,
			columns: raw.columns,
			segments: raw.segments == null ? null : raw.segments,
			filterFacets: raw.filters.filter((f) => f !== 'year'),
			filterOrder: raw.filters,
			hasYear: raw.filters.includes('year'),
			paths: raw.paths,
			/* The rules of the site's data files, for the downloads (map-downloads.js). */
			downloads: raw.downloads,
			textFile: raw.text,
			facets,
			studies,
			hasReports: raw.reports > studies.length,
			directionFacet, /* a pseudo-facet that can split the bubbles, or null */
			updates, /* [{version, date}], oldest first; empty when the site lists none */
			latestVersion: latest >= 0 ? updates[latest].version : null,
			yearMin,
			yearMax,
			/* per facet: code id -> code index */
			codeIndex: facets.map((f) => new Map(f.codes.map((c, k) => [c.id, k]))),
		};
	};

	/* Links follow the generator's patterns: each {} is filled in order. */
	const fill = (pattern, ...args) => pattern.replace(/\{\}/g, () => args.shift());
	G.studyUrl = (s) => fill(G.data.paths.study, s.id);
	G.codeUrl = (f, k) => fill(G.data.paths.code, G.data.facets[f].path, G.data.facets[f].codes[k].id);
	G.doiUrl = (doi) => 'https://doi.org/' + doi;
	/* The direction of effect a study reports for row code k (0: not reported). */
	G.directionOf = (s, k) => (s.directions && s.directions.get(k)) || 0;
	/* A study's labels in facet f, joined. */
	G.labels = (s, f) => s.codes[f].map((k) => G.data.facets[f].codes[k].label).join('; ');

	/* The long text, loaded on demand from the script file next to data/map.js. */
	let texts = null;
	let textPromise = null;
	const textHooks = [];
	G.onText = (fn) => textHooks.push(fn);
	G.hasText = () => texts !== null;
	G.textOf = (s) => (texts && texts[s.i]) || NO_TEXT;
	G.loadText = function () {
		if (texts) return Promise.resolve(texts);
		if (textPromise) return textPromise;
		textPromise = new Promise((resolve) => {
			const me = document.querySelector('script[src$="data/map.js"]');
			const src = me ? me.getAttribute('src').replace(/map\.js$/, G.data.textFile) : 'data/' + G.data.textFile;
			const sc = G.el('script', { src });
			const done = (list) => {
				texts = list.map(decodeText);
				for (const fn of textHooks) fn();
				resolve(texts);
			};
			sc.onload = () => done(window.GAPMAP_TEXT || []);
			sc.onerror = () => done([]);
			document.head.appendChild(sc);
		});
		return textPromise;
	};
})((window.gapmap = window.gapmap || {}));
