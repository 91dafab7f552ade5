/* gapmap map, part 9 (last): start.
 *
 * Progressive enhancement of the static table in templates/index.html: when
 * data/map.js has set window.GAPMAP_DATA (see generator/formats/mapdata.h),
 * this builds bubble, heat and list views with filters, a cell panel and
 * downloads inside #gapmap-app, and hides the static table. Facets are data:
 * nothing here knows a facet or code by name. Plain ES2020, no
 * dependencies, no inline styles or scripts (the pages' Content-Security-
 * Policy forbids them). The parts are in map-*.js (see map-util.js). */
'use strict';
(function (G) {
	const app = document.getElementById('gapmap-app');
	const D = G.decode && G.decode(window.GAPMAP_DATA);
	if (!D || !app) return;
	const t0 = performance.now();
	G.data = D;
	G.state = G.freshState();
	G.M = null; /* the last counting (G.counting.compute()) */
	G.lastRender = 0;
	G.firstRender = 0;
	G.counting.init();

	/* ---- the interface, built once ---------------------------------------------- */
	const staticRegion = app.querySelector('.map-scroll');
	app.classList.add('gm-enhanced');
	const filters = G.filters.build();
	const ui = G.views.build(app);
	const panel = G.panel.build();
	const layout = G.el('div', { class: 'gm-layout' });
	layout.append(filters.box, ui.main);
	const wrap = G.el('div', { class: 'gm-ui' });
	ui.toolbar.appendChild(filters.chips);
	wrap.append(ui.toolbar, filters.printSum, layout);
	app.append(ui.defs, wrap, panel, ui.tip);
	if (staticRegion) staticRegion.hidden = true;
	/* On a phone the map comes first: the introduction starts folded. */
	const intro = document.querySelector('details.intro');
	if (intro && window.matchMedia('(max-width: 40rem)').matches) intro.open = false;
	app.classList.add('gm-ready');

	function render() {
		const t = performance.now();
		G.M = G.counting.compute();
		const tc = performance.now();
		G.views.render(G.M);
		G.filters.render(G.M);
		G.scheduleHash();
		const tr = performance.now();
		G.lastRender = tr - t;
		G.prof = { compute: tc - t, dom: tr - tc };
	}
	function update() {
		render();
		G.panel.fill();
	}
	G.render = render;
	G.ensureText = G.loadText;
	G.setHash = (h) => {
		G.state = G.fromHash(h);
		render();
	};

	/* ---- events ---------------------------------------------------------------------- */
	G.filters.bind(update);
	G.panel.bind(G.download);
	G.views.bind({
		render,
		update,
		openCell: (r, c, from) => G.panel.open(r, c, from, true),
		toggle: (set, g) => {
			if (set.has(g)) set.delete(g);
			else set.add(g);
			render();
		},
		panelOpen: G.panel.isOpen,
	});
	ui.viewset.addEventListener('change', (e) => {
		G.state.view = e.target.value;
		G.views.listLimit = 100;
		update();
	});
	if (ui.unitset) {
		ui.unitset.addEventListener('change', (e) => {
			G.state.unit = e.target.value;
			update();
		});
	}
	ui.downloads.addEventListener('click', (e) => {
		const b = e.target.closest('[data-dl]');
		if (b) G.download(b.dataset.dl, G.M.shown, 'gapmap-studies');
	});
	/* The skip link to the map lands on its one tab stop among the cells. */
	document.addEventListener('click', (e) => {
		const a = e.target.closest && e.target.closest('a[href="#map"]');
		if (!a) return;
		const cell = G.state.view !== 'list' && G.views.firstCell();
		const target = cell && !ui.matrixWrap.hidden ? cell : ui.main.querySelector('button, a, [tabindex="0"]');
		if (!target) return;
		e.preventDefault();
		target.focus();
		target.scrollIntoView({ block: 'nearest' });
	});
	window.addEventListener('hashchange', () => {
		if (!location.hash.includes('=') && location.hash.length > 1) return; /* e.g. the skip link */
		G.state = G.fromHash(location.hash);
		render();
		if (G.state.cell) G.panel.open(G.state.cell[0], G.state.cell[1], null, false);
		else G.panel.closeFromHistory();
	});

	/* ---- start ------------------------------------------------------------------------ */
	G.state = G.fromHash(location.hash.includes('=') ? location.hash : '');
	render();
	if (G.state.cell) G.panel.open(G.state.cell[0], G.state.cell[1], G.views.cellElement(G.state.cell[0], G.state.cell[1]), false);
	G.firstRender = performance.now() - t0;
	G.ready = performance.now();
	document.dispatchEvent(new CustomEvent('gapmap:ready'));
})((window.gapmap = window.gapmap || {}));
