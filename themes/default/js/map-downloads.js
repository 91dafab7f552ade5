/* gapmap map, part 8: downloads of the studies shown (or of one cell) as
 * CSV and RIS, made in the browser from the map data and its long text.
 * The columns and RIS tags match the site's own data/studies.csv and .ris. */
'use strict';
(function (G) {
	/* CSV: every field quoted; one that a spreadsheet would run as a formula
	 * is prefixed with ' (OWASP's advice for CSV injection). */
	const guard = (v) => {
		v = v == null ? '' : String(v);
		if (/^[=+\-@\t\r]/.test(v)) v = "'" + v;
		return '"' + v.replace(/"/g, '""') + '"';
	};
	const RIS_TYPES = { article: 'JOUR', report: 'RPRT', chapter: 'CHAP', book: 'BOOK', thesis: 'THES', webpage: 'ELEC', conference: 'CPAPER' };

	function csv(list) {
		const F = G.data.facets;
		const head = ['id', 'title', 'authors', 'year', 'type', 'published_in', 'publisher', 'volume', 'issue', 'pages', 'doi', 'url', 'reports'];
		for (const f of F) head.push(f.id);
		head.push('summary', 'page');
		const base = location.href.replace(/[#?].*$/, '').replace(/[^/]*$/, '');
		const lines = [head.map(guard).join(',')];
		for (const s of list) {
			const t = G.textOf(s);
			const row = [s.id, s.title, s.authors, s.year, t.type, t.publishedIn, t.publisher, t.volume, t.issue, t.pages, t.doi, t.url, s.nreports];
			for (let f = 0; f < F.length; f++) row.push(G.labels(s, f));
			row.push(t.summary, base + G.studyUrl(s));
			lines.push(row.map(guard).join(','));
		}
		return lines.join('\r\n') + '\r\n';
	}

	function ris(list) {
		const F = G.data.facets, out = [];
		const line = (tag, v) => {
			if (v != null && v !== '') out.push(tag + '  - ' + String(v).replace(/[\r\n]+/g, ' '));
		};
		for (const s of list) {
			const t = G.textOf(s), type = t.type || 'article';
			line('TY', RIS_TYPES[type] || 'GEN');
			line('ID', s.id);
			for (const a of s.authors ? s.authors.split('; ') : []) line('AU', a);
			line('PY', s.year);
			line('TI', s.title);
			line(type === 'article' ? 'JO' : 'T2', t.publishedIn);
			line('PB', t.publisher);
			line('VL', t.volume);
			line('IS', t.issue);
			if (t.pages) {
				const m = /^([^-]+)-(.+)$/.exec(t.pages);
				if (m) {
					line('SP', m[1]);
					line('EP', m[2]);
				} else line('SP', t.pages);
			}
			line('DO', t.doi);
			line('UR', t.url);
			line('AB', t.summary);
			for (let f = 0; f < F.length; f++) for (const k of s.codes[f]) line('KW', F[f].label + ': ' + F[f].codes[k].label);
			out.push('ER  - ', '');
		}
		return out.join('\r\n');
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
