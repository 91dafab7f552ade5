/* gapmap map, part 5: the filter form and the chips of active filters.
 *
 * The form sits beside the map on a wide screen and in a sheet over it on a
 * phone; the active filters are also shown above the map as chips, each a
 * button that removes its filter, and (for print) as one sentence. */
'use strict';
(function (G) {
	const F = (G.filters = {});
	let els = null;

	F.build = function () {
		const D = G.data, esc = G.esc, el = G.el;
		const box = el('details', { class: 'gm-filters', id: 'gm-filters' });
		if (window.matchMedia('(min-width: 60rem)').matches) box.open = true;
		const summary = el('summary', null, 'Filters');
		box.appendChild(summary);
		const form = el('form', { class: 'gm-filter-form', role: 'search', 'aria-label': 'Filter the map' });
		form.addEventListener('submit', (e) => e.preventDefault());
		box.appendChild(form);
		const qid = G.newId('q');
		const search = el('div', { class: 'gm-search' },
			'<label for="' + qid + '">Search titles, authors, codes and notes</label><input type="search" id="' + qid + '" autocomplete="off" spellcheck="false">');
		form.appendChild(search);
		const counts = []; /* per filter k: count spans, checkboxes, mode radios, unit note */
		let yearFrom = null, yearTo = null;
		for (const f of D.filterOrder) {
			if (f === 'year') {
				const fs = el('fieldset', { class: 'gm-facet gm-years' });
				const a = G.newId('from'), b = G.newId('to');
				const input = (id, ph) => '<input type="number" inputmode="numeric" id="' + id + '" min="' + D.yearMin + '" max="' + D.yearMax +
					'" placeholder="' + ph + '">';
				fs.innerHTML = '<legend>Year</legend><div class="gm-yearrow"><label for="' + a + '">From</label>' + input(a, D.yearMin) +
					'<label for="' + b + '">to</label>' + input(b, D.yearMax) + '</div>';
				yearFrom = fs.querySelector('#' + a);
				yearTo = fs.querySelector('#' + b);
				form.appendChild(fs);
				continue;
			}
			const fac = D.facets[f], k = D.filterFacets.indexOf(f);
			const fs = el('fieldset', { class: 'gm-facet', 'data-facet': fac.id });
			/* The live counts' unit follows the map's; the legend names it. */
			let h = '<legend>' + esc(fac.label) + ' <span class="gm-unitnote"></span></legend>';
			if (fac.multiple) {
				const a = G.newId('any'), b = G.newId('all'), name = 'gm-mode-' + k;
				h += '<div class="gm-mode" role="radiogroup" aria-label="' + esc(fac.label) + ': match">' +
					'<input type="radio" name="' + name + '" id="' + a + '" value="any"><label for="' + a + '">Any selected</label>' +
					'<input type="radio" name="' + name + '" id="' + b + '" value="all"><label for="' + b + '">All selected</label></div>';
			}
			const code = (c) => {
				const id = G.newId('c');
				return '<li><input type="checkbox" id="' + id + '" data-k="' + k + '" data-code="' + c + '"><label for="' + id + '">' +
					esc(fac.codes[c].label) + ' <span class="gm-n" data-k="' + k + '" data-code="' + c + '"></span></label></li>';
			};
			h += '<ul class="gm-codes">';
			const inGroup = new Set();
			fac.groups.forEach((g, gi) => {
				const id = G.newId('g');
				h += '<li class="gm-group"><input type="checkbox" id="' + id + '" data-k="' + k + '" data-group="' + gi + '"><label for="' + id + '"><strong>' +
					esc(g.label) + '</strong> <span class="gm-n" data-k="' + k + '" data-group="' + gi + '"></span></label><ul>';
				for (let c = g.first; c < g.first + g.count; c++) {
					h += code(c);
					inGroup.add(c);
				}
				h += '</ul></li>';
			});
			for (let c = 0; c < fac.codes.length; c++) if (!inGroup.has(c)) h += code(c);
			fs.innerHTML = h + '</ul>';
			form.appendChild(fs);
			const byCode = (x, y) => x.dataset.code - y.dataset.code;
			counts[k] = {
				codes: [...fs.querySelectorAll('span.gm-n[data-code]')].sort(byCode),
				groups: [...fs.querySelectorAll('span.gm-n[data-group]')],
				boxes: [...fs.querySelectorAll('input[data-code]')].sort(byCode),
				gboxes: [...fs.querySelectorAll('input[data-group]')],
				modes: [...fs.querySelectorAll('input[name^="gm-mode"]')],
				unit: fs.querySelector('.gm-unitnote'),
			};
		}
		/* Added since an update: only on a site that lists its updates. */
		let since = null;
		if (D.updates.length) {
			const id = G.newId('since');
			const fs = el('fieldset', { class: 'gm-facet gm-since' });
			let h = '<legend>Added since</legend><label for="' + id + '">Show studies added after</label>' +
				'<select id="' + id + '"><option value="">Any update (all studies)</option>';
			for (let u = D.updates.length - 1; u >= 0; u--) h += '<option value="' + u + '">' + esc(F.updateLabel(u)) + '</option>';
			fs.innerHTML = h + '</select>';
			since = fs.querySelector('select');
			form.appendChild(fs);
		}
		const reset = el('button', { type: 'button', class: 'gm-reset' }, 'Reset all filters');
		const done = el('button', { type: 'button', class: 'gm-done' }, 'Show the map');
		form.append(reset, done);
		const chips = el('div', { class: 'gm-chips', hidden: true });
		const printSum = el('p', { class: 'gm-printsum' });
		els = { box, summary, form, qInput: search.querySelector('input'), counts, yearFrom, yearTo, since, reset, done, chips, printSum };
		return els;
	};

	/* "version 1.0 (2024-01-10)" */
	F.updateLabel = (u) => 'version ' + G.data.updates[u].version + ' (' + G.data.updates[u].date + ')';

	/* The active filters, each with a label and a way to remove it. */
	F.active = function () {
		const D = G.data, st = G.state, out = [];
		if (st.q) out.push({ facet: 'Search', label: '“' + st.q + '”', remove: () => (st.q = '') });
		for (const f of D.filterFacets) {
			const sel = st.sel.get(f);
			if (!sel || !sel.size) continue;
			const fac = D.facets[f];
			for (const c of [...sel].sort((a, b) => a - b)) out.push({ facet: fac.label, label: fac.codes[c].label, f, remove: () => sel.delete(c) });
		}
		if (st.from != null || st.to != null) {
			const label = st.from != null && st.to != null ? st.from + '–' + st.to : st.from != null ? 'from ' + st.from : 'up to ' + st.to;
			out.push({ facet: 'Year', label, remove: () => (st.from = st.to = null) });
		}
		if (st.since != null) out.push({ facet: 'Added since', label: F.updateLabel(st.since), remove: () => (st.since = null) });
		return out;
	};
	/* How many filters are active (a facet with several codes ticked is one). */
	F.activeCount = function () {
		const st = G.state;
		let n = st.q ? 1 : 0;
		for (const [, s] of st.sel) if (s.size) n++;
		if (st.from != null || st.to != null) n++;
		if (st.since != null) n++;
		return n;
	};
	/* One sentence naming the filters, e.g. "Country: UK or Ireland (any); year 2019–2021". */
	F.sentence = function () {
		const D = G.data, st = G.state, parts = [];
		if (st.q) parts.push('search “' + st.q + '”');
		for (const f of D.filterFacets) {
			const sel = st.sel.get(f);
			if (!sel || !sel.size) continue;
			const fac = D.facets[f], all = st.mode.get(f) === 'all';
			const names = [...sel].sort((a, b) => a - b).map((c) => fac.codes[c].label);
			parts.push(fac.label + ': ' + names.join(all ? ' and ' : ' or '));
		}
		if (st.from != null || st.to != null) parts.push('year ' + F.active().find((a) => a.facet === 'Year').label);
		if (st.since != null) parts.push('added since ' + F.updateLabel(st.since));
		return parts.join('; ');
	};

	F.render = function (M) {
		const D = G.data, st = G.state, unit = st.unit === 'reports' ? 'reports' : 'studies';
		D.filterFacets.forEach((f, k) => {
			const ce = els.counts[k], sel = st.sel.get(f) || new Set();
			const mode = st.mode.get(f) || 'any';
			for (const i of ce.modes) if (i.checked !== (mode === i.value)) i.checked = mode === i.value;
			G.setText(ce.unit, '(' + unit + ')');
			for (let c = 0; c < ce.codes.length; c++) {
				G.setText(ce.codes[c], '(' + G.fmt(M.fc[k][c]) + ')');
				if (ce.boxes[c].checked !== sel.has(c)) ce.boxes[c].checked = sel.has(c);
			}
			D.facets[f].groups.forEach((g, gi) => {
				G.setText(ce.groups[gi], '(' + G.fmt(M.fg[k][gi]) + ')');
				let on = 0;
				for (let c = g.first; c < g.first + g.count; c++) if (sel.has(c)) on++;
				const all = on === g.count, part = on > 0 && on < g.count;
				if (ce.gboxes[gi].checked !== all) ce.gboxes[gi].checked = all;
				if (ce.gboxes[gi].indeterminate !== part) ce.gboxes[gi].indeterminate = part;
			});
		});
		if (document.activeElement !== els.qInput) els.qInput.value = st.q;
		if (els.yearFrom) {
			if (document.activeElement !== els.yearFrom) els.yearFrom.value = st.from == null ? '' : st.from;
			if (document.activeElement !== els.yearTo) els.yearTo.value = st.to == null ? '' : st.to;
		}
		if (els.since) {
			const v = st.since == null ? '' : String(st.since);
			if (els.since.value !== v) els.since.value = v;
		}
		const n = F.activeCount();
		G.setText(els.summary, 'Filters' + (n ? ' (' + n + ' active)' : ''));
		if (els.reset.disabled !== !n) els.reset.disabled = !n;
		const chips = F.active();
		G.setHidden(els.chips, !chips.length);
		let h = '<span class="gm-chips-title">Active filters:</span><ul>';
		chips.forEach((a, j) => {
			h += '<li><button type="button" class="gm-chip" data-chip="' + j + '"><span class="gm-chip-facet">' + G.esc(a.facet) + ':</span> ' + G.esc(a.label) +
				'<span class="gm-chip-x" aria-hidden="true">×</span><span class="visually-hidden"> (remove this filter)</span></button></li>';
		});
		G.setHTML(els.chips, h + '</ul>');
		G.setText(els.printSum, n ? 'Filters applied: ' + F.sentence() + '.' : 'No filters applied: all studies are shown.');
	};

	/* Wires the form; update() re-renders after a change. */
	F.bind = function (update) {
		const D = G.data;
		els.form.addEventListener('change', (e) => {
			const t = e.target, st = G.state;
			if (t.name && t.name.startsWith('gm-mode')) {
				st.mode.set(D.filterFacets[+t.name.slice(8)], t.value);
				update();
				return;
			}
			if (t === els.since) {
				st.since = t.value === '' ? null : +t.value;
				update();
				return;
			}
			if (t.dataset.k == null) return;
			const f = D.filterFacets[+t.dataset.k];
			const sel = st.sel.get(f) || new Set();
			if (t.dataset.group != null) {
				const g = D.facets[f].groups[+t.dataset.group];
				for (let c = g.first; c < g.first + g.count; c++) {
					if (t.checked) sel.add(c);
					else sel.delete(c);
				}
			} else if (t.checked) sel.add(+t.dataset.code);
			else sel.delete(+t.dataset.code);
			st.sel.set(f, sel);
			update();
		});
		els.qInput.addEventListener('input', () => {
			G.state.q = els.qInput.value.trim();
			update();
			if (G.state.q && !G.hasText()) G.loadText().then(update);
		});
		const yearChange = () => {
			const v = (i) => {
				const n = parseInt(i.value, 10);
				return Number.isFinite(n) ? n : null;
			};
			G.state.from = v(els.yearFrom);
			G.state.to = v(els.yearTo);
			update();
		};
		if (els.yearFrom) {
			els.yearFrom.addEventListener('input', yearChange);
			els.yearTo.addEventListener('input', yearChange);
		}
		els.reset.addEventListener('click', () => {
			const st = G.state;
			const keep = { view: st.view, unit: st.unit, collapsed: st.collapsed, collapsedCols: st.collapsedCols };
			Object.assign(keep, { sort: st.sort, dir: st.dir, split: st.split, swap: st.swap });
			G.state = Object.assign(G.freshState(), keep);
			update();
			els.qInput.focus();
		});
		/* On a phone the form is a sheet over the map: "Show the map" closes it. */
		const closeSheet = () => {
			els.box.open = false;
			els.summary.focus();
		};
		els.done.addEventListener('click', closeSheet);
		els.box.addEventListener('keydown', (e) => {
			if (e.key === 'Escape' && els.box.open && getComputedStyle(els.box).position === 'fixed') closeSheet();
		});
		els.chips.addEventListener('click', (e) => {
			const b = e.target.closest('button.gm-chip');
			if (!b) return;
			const list = F.active(), j = +b.dataset.chip;
			if (!list[j]) return;
			list[j].remove();
			update();
			const next = els.chips.querySelector('button.gm-chip[data-chip="' + Math.min(j, list.length - 2) + '"]');
			(next || els.summary).focus();
		});
	};
})((window.gapmap = window.gapmap || {}));
