/* gapmap map, part 1 of 8: the namespace and small helpers.
 *
 * The interactive map is plain classic scripts (no modules, no build step,
 * so it works from file://) that share one namespace object, window.gapmap.
 * The templates load them in this order:
 *   map-util.js       the namespace, escaping, numbers and words, DOM helpers
 *   map-data.js       data/map.js and data/map-text.js decoded into named objects
 *   map-state.js      the view's state and its URL fragment, history
 *   map-count.js      filtering, search and counting
 *   map-filters.js    the filter form and the chips of active filters
 *   map-views.js      toolbar, matrix (bubbles, heat), legend, list, keyboard grid
 *   map-panel.js      the panel of one cell
 *   map-downloads.js  CSV and RIS of the studies shown
 *   map.js            start: builds the interface and wires the events
 * Each file adds its part to the namespace and does nothing else until
 * map.js starts the map. */
'use strict';
(function (G) {
	const ESC = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
	G.esc = (s) => String(s).replace(/[&<>"']/g, (c) => ESC[c]);
	G.fmt = (n) => (n < 1000 ? String(n) : String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ','));
	G.cap = (s) => s.charAt(0).toUpperCase() + s.slice(1);

	/* Words with proper plurals: many(3, 'study') is "3 studies". */
	const PLURALS = { study: 'studies', report: 'reports', filter: 'filters' };
	G.plural = (word, n) => (n === 1 ? word : PLURALS[word] || word + 's');
	G.many = (n, word) => G.fmt(n) + ' ' + G.plural(word, n);
	/* The counting unit's word: 'studies' or 'reports' as a singular noun. */
	G.unitWord = (n, unit) => G.plural(unit === 'reports' ? 'report' : 'study', n);

	/* Elements. */
	G.el = function (tag, attrs, html) {
		const e = document.createElement(tag);
		if (attrs) {
			for (const k in attrs) {
				const v = attrs[k];
				if (v != null && v !== false) e.setAttribute(k, v === true ? '' : v);
			}
		}
		if (html != null) e.innerHTML = html;
		return e;
	};
	const SVGNS = 'http://www.w3.org/2000/svg';
	G.svgEl = function (tag, attrs) {
		const e = document.createElementNS(SVGNS, tag);
		for (const k in attrs) e.setAttribute(k, attrs[k]);
		return e;
	};
	/* Text, markup, classes and attributes are written only when they
	 * change: each write, even of the same value, dirties style and layout. */
	G.setText = (e, v) => {
		if (e.gmText !== v) {
			e.textContent = v;
			e.gmText = v;
		}
	};
	G.setHTML = (e, v) => {
		if (e.gmHTML !== v) {
			e.innerHTML = v;
			e.gmHTML = v;
		}
	};
	G.setClass = (e, v) => {
		if (e.className !== v) e.className = v;
	};
	G.setAttr = (e, k, v) => {
		if (e.getAttribute(k) !== v) e.setAttribute(k, v);
	};
	G.setHidden = (e, v) => {
		if (e.hidden !== v) e.hidden = v;
	};
	let uid = 0;
	G.newId = (p) => 'gm-' + p + '-' + ++uid;
})((window.gapmap = window.gapmap || {}));
