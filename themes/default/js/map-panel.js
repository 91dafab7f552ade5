/* gapmap map, part 7: the panel of one cell, a modal dialog listing its
 * studies under the active filters. Opening it from the map adds a history
 * entry, so Back closes it; Previous and Next step through its studies. */
'use strict';
(function (G) {
	const P = (G.panel = {});
	const esc = G.esc;
	let panel = null;
	let cell = null; /* [r, c] shown */
	let opener = null;
	let limit = 100;
	let pushed = false; /* this panel added the current history entry */
	let list = [];
	let step = -1; /* the study Previous and Next stepped to */

	P.build = function () {
		panel = G.el('dialog', { class: 'gm-panel', 'aria-labelledby': 'gm-panel-title' });
		panel.innerHTML = '<div class="gm-panel-head"><h2 id="gm-panel-title" tabindex="-1"></h2><button type="button" class="gm-close">Close' +
			'<span class="visually-hidden"> the list of studies</span></button></div>' +
			'<p class="gm-panel-sum"></p><div class="gm-panel-tools"><p class="gm-panel-dl">Download these studies: <button type="button" data-dl="csv">CSV</button> ' +
			'<button type="button" data-dl="ris">RIS</button></p><p class="gm-panel-step"><button type="button" data-step="-1">Previous study</button> ' +
			'<button type="button" data-step="1">Next study</button> <span class="gm-step-at" aria-live="polite"></span></p></div><div class="gm-panel-body"></div>';
		return panel;
	};
	P.isOpen = () => !!(panel && panel.open);
	P.list = () => list;
	P.fileName = () => {
		const A = G.axes();
		return 'gapmap-' + A.R.codes[cell[0]].id + '-' + A.C.codes[cell[1]].id;
	};

	function studyItem(s, j) {
		const A = G.axes(), D = G.data, t = G.textOf(s);
		let h = '<li class="gm-study" data-j="' + j + '"><p class="gm-study-title"><a href="' + esc(G.studyUrl(s)) + '">' + esc(s.title) +
			'</a>' + G.views.newBadge(s) + '</p><p class="gm-study-meta">' + esc(s.authors || 'Anonymous') + ' (' + s.year + ')';
		if (A.S) {
			const text = G.views.segmentText(s, A.S.direction ? cell[D.rows === A.ri ? 0 : 1] : null);
			if (text) h += ' · <span class="gm-tagname">' + esc(A.S.label) + ':</span> ' + esc(text);
		}
		if (s.codes[A.ci].length) h += ' · <span class="gm-tagname">' + esc(D.facets[A.ci].label) + ':</span> ' + esc(G.labels(s, A.ci));
		if (s.nreports > 1) h += ' · ' + G.many(s.nreports, 'report');
		h += '</p>';
		if (t.summary) h += '<p class="gm-study-sum">' + esc(t.summary) + '</p>';
		if (t.abstract) h += '<details class="gm-abstract"><summary>Abstract</summary><p>' + esc(t.abstract) + '</p></details>';
		h += '<p class="gm-study-links"><a href="' + esc(G.studyUrl(s)) + '">Study page<span class="visually-hidden">: ' + esc(s.title) + '</span></a>';
		if (t.doi) h += ' · <a href="' + esc(G.doiUrl(t.doi)) + '">doi:' + esc(t.doi) + '</a>';
		return h + '</p></li>';
	}

	/* "3 studies under the active filters: an evidence gap." */
	function summary(n, nlist) {
		const st = G.state, active = G.filters.activeCount();
		let h = G.fmt(n) + ' ' + G.unitWord(n, st.unit);
		if (st.unit === 'reports') h += ' in ' + G.many(nlist, 'study');
		if (active) h += ' under the active filters';
		return h + (n && n < G.data.thin ? ': thin evidence' : n ? '' : ': an evidence gap') + '.';
	}

	P.fill = function () {
		if (!P.isOpen() || !cell) return;
		const A = G.axes(), [r, c] = cell;
		const got = G.counting.cellStudies(G.M.shown, r, c);
		list = got.list;
		panel.querySelector('h2').textContent = A.R.codes[r].label + ' × ' + A.C.codes[c].label;
		panel.querySelector('.gm-panel-sum').textContent = summary(got.n, list.length);
		let h = '<ol class="gm-studies">';
		for (let j = 0; j < Math.min(list.length, limit); j++) h += studyItem(list[j], j);
		h += '</ol>';
		if (list.length > limit) h += '<p><button type="button" class="gm-more">Show ' + G.fmt(Math.min(100, list.length - limit)) + ' more</button></p>';
		panel.querySelector('.gm-panel-body').innerHTML = h;
		panel.querySelector('.gm-panel-step').hidden = list.length < 2;
		stepTo(step, false);
	};

	/* Previous and Next: move to a study of the list, and say which. */
	function stepTo(j, focus) {
		const items = panel.querySelectorAll('.gm-study');
		for (const li of items) li.classList.toggle('gm-current', +li.dataset.j === j);
		const at = panel.querySelector('.gm-step-at');
		if (j < 0 || j >= items.length) {
			step = -1;
			at.textContent = '';
			return;
		}
		step = j;
		at.textContent = 'Study ' + (j + 1) + ' of ' + list.length;
		panel.querySelector('[data-step="-1"]').disabled = j === 0;
		panel.querySelector('[data-step="1"]').disabled = j === items.length - 1;
		if (focus) {
			const a = items[j].querySelector('a');
			a.focus();
			a.scrollIntoView({ block: 'nearest' });
		}
	}

	/* Opens the panel of cell (r, c); push: add a history entry (a reader's
	 * click), not when the URL already names the cell. */
	P.open = function (r, c, from, push) {
		cell = [r, c];
		limit = 100;
		step = -1;
		G.state.cell = [r, c];
		opener = from || null;
		if (!panel.open) panel.showModal();
		P.fill();
		panel.querySelector('h2').focus();
		if (push && !pushed) {
			G.pushHash();
			pushed = true;
		} else {
			/* Reopened by Forward: this entry is still the panel's own. */
			if (history.state && history.state.gapmapPanel) pushed = true;
			G.saveHash();
		}
		G.loadText().then(() => {
			if (panel.open && cell && cell[0] === r && cell[1] === c) P.fill();
		});
	};
	/* Closed from the URL (Back): the history entry is already gone. */
	P.closeFromHistory = function () {
		pushed = false;
		if (panel.open) panel.close();
	};

	P.bind = function (download) {
		panel.addEventListener('close', () => {
			G.state.cell = null;
			cell = null;
			if (pushed) {
				/* Closing what Back would close: go back, so Forward reopens it. */
				pushed = false;
				history.back();
			} else G.saveHash();
			const o = opener && opener.isConnected ? opener : null;
			const back = o || G.views.firstCell();
			if (back) back.focus();
		});
		panel.addEventListener('click', (e) => {
			const t = e.target;
			if (t === panel) panel.close();
			else if (t.closest('.gm-close')) panel.close();
			else if (t.closest('.gm-more')) {
				limit += 100;
				P.fill();
			} else if (t.closest('[data-step]')) {
				const d = +t.closest('[data-step]').dataset.step;
				stepTo(Math.max(0, Math.min(Math.min(list.length, limit) - 1, step < 0 ? (d > 0 ? 0 : 0) : step + d)), true);
			} else if (t.closest('[data-dl]')) download(t.closest('[data-dl]').dataset.dl, list, P.fileName());
		});
	};
})((window.gapmap = window.gapmap || {}));
