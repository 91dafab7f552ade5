/* gapmap map, part 8: downloads of the studies shown (or of one cell) as
 * CSV and RIS, made in the browser from the map data and its long text.
 * The columns and RIS tags are those of the site's own data/studies.csv and
 * .ris (generator/formats/export.c), a row or record per report; the fields
 * beyond the map's own come from the long text (map-data.js, "more"). Their
 * rules (the CSV formula guard, the RIS types, the "et al." entries) come
 * from the map data, as the generator writes them (formats/mapdata.c), and
 * are never spelled here. */
'use strict';
(function (G) {
	/* CSV: every field quoted; one that a spreadsheet would run as a formula
	 * (it starts with one of csvFormula) is prefixed with ' (OWASP's advice
	 * for CSV injection). */
	const guard = (v) => {
		v = v == null ? '' : String(v);
		if (v !== '' && G.data.downloads.csvFormula.includes(v[0])) v = "'" + v;
		return '"' + v.replace(/"/g, '""') + '"';
	};

	/* The records of a study, as the site's data files have them: the
	 * primary report, then its further reports, each with its own codes in
	 * the site's order. */
	const inOrder = (codes) => codes.map((c) => c.slice().sort((a, b) => a - b));
	function records(s) {
		const t = G.textOf(s), more = t.more || {};
		const out = [{
			id: s.id, title: s.title, authors: s.authors, year: s.year, type: t.type, published_in: t.publishedIn, publisher: t.publisher,
			volume: t.volume, issue: t.issue, pages: t.pages, doi: t.doi, url: t.url, summary: t.summary, codes: inOrder(s.reports ? s.reports[0] : s.codes),
		}];
		Object.assign(out[0], { added: more.added, population: more.population, intervention: more.intervention, comparison: more.comparison });
		Object.assign(out[0], { sample: more.sample, sample_size: more.sample_size });
		(more.reports || []).forEach((r, j) => out.push(Object.assign({}, r, { codes: inOrder(s.reports[j + 1]) })));
		return out;
	}

	/* The columns of data/studies.csv (generator/formats/export.c), one row per report. */
	const CSV_HEAD = ['id', 'study', 'title', 'authors', 'year', 'type', 'published_in', 'publisher', 'volume', 'issue', 'pages', 'doi', 'url', 'added'];
	const CSV_TAIL = ['population', 'intervention', 'comparison', 'sample', 'sample_size', 'summary'];
	function csv(list) {
		const F = G.data.facets;
		const lines = [CSV_HEAD.concat(F.map((f) => guard(f.id)), CSV_TAIL).join(',')];
		for (const s of list) {
			for (const r of records(s)) {
				const row = CSV_HEAD.map((k) => (k === 'study' ? s.id : r[k]));
				for (let f = 0; f < F.length; f++) row.push(r.codes[f].map((k) => F[f].codes[k].id).join('; '));
				for (const k of CSV_TAIL) row.push(r[k]);
				lines.push(row.map(guard).join(','));
			}
		}
		return lines.join('\r\n') + '\r\n';
	}

	/* The tags of data/studies.ris, one record per report. */
	function ris(list) {
		const F = G.data.facets, D = G.data.downloads, out = [];
		const etAl = new Set(D.etAl.map((a) => a.toLowerCase()));
		const line = (tag, v) => {
			if (v != null && v !== '') out.push(tag + '  - ' + String(v).replace(/[\r\n]/g, ' ') + '\r\n');
		};
		for (const s of list) {
			for (const r of records(s)) {
				/* [reference type, tag of the work it appeared in]; no type
				 * when the long text could not be loaded. */
				const [ty, source] = D.ris[r.type || D.defaultType];
				line('TY', ty);
				line('ID', r.id);
				for (const a of r.authors ? r.authors.split('; ') : []) if (!etAl.has(a.toLowerCase())) line('AU', a);
				line('PY', r.year);
				line('TI', r.title);
				line(source, r.published_in);
				line('PB', r.publisher);
				line('VL', r.volume);
				line('IS', r.issue);
				if (r.pages) {
					/* "101-110" or, as sources print it, "101–110" (an en dash). */
					const m = /^(.*?)[-–](.*)$/.exec(r.pages);
					if (m) {
						line('SP', m[1]);
						line('EP', m[2]);
					} else line('SP', r.pages);
				}
				line('DO', r.doi);
				line('UR', r.url);
				line('AB', r.summary);
				for (let f = 0; f < F.length; f++) for (const k of r.codes[f]) line('KW', F[f].label + ': ' + F[f].codes[k].label);
				out.push('ER  - \r\n\r\n');
			}
		}
		return out.join('');
	}

	/* Saves the studies of list as kind ('csv' or 'ris') under name.kind. */
	G.download = function (kind, list, name) {
		return G.loadText().then(() => {
			const isCsv = kind === 'csv';
			const body = isCsv ? '\ufeff' + csv(list) : ris(list);
			const type = isCsv ? 'text/csv;charset=utf-8' : 'application/x-research-info-systems;charset=utf-8';
			const a = G.el('a', { href: URL.createObjectURL(new Blob([body], { type })), download: name + '.' + kind, class: 'visually-hidden' });
			document.body.appendChild(a);
			a.click();
			setTimeout(() => {
				URL.revokeObjectURL(a.href);
				a.remove();
			}, 1000);
		});
	};
})((window.gapmap = window.gapmap || {}));
