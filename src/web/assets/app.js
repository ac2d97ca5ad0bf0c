// strikesim serve: the single-page workbench (vanilla ES2020, no build step).
// Contract: WEB_API_CONTRACT.md. Never builds HTML from strings: every node is
// made with createElement and every server string goes in through textContent.
'use strict';
(() => {
  // ---------------------------------------------------------------- helpers
  const PROPS = new Set(['value', 'checked', 'disabled', 'hidden', 'selected', 'multiple']);

  // el('a', {class, text, dataset, onclick: fn, href: ...}, ...children): null/false props and children are skipped.
  function el(tag, props, ...kids) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(props || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'class') e.className = v;
      else if (k === 'text') e.textContent = v;
      else if (k === 'dataset') Object.assign(e.dataset, v);
      else if (k.startsWith('on') && typeof v === 'function') e.addEventListener(k.slice(2), v);
      else if (PROPS.has(k)) e[k] = v;
      else e.setAttribute(k, v === true ? '' : String(v));
    }
    return append(e, kids);
  }
  function append(parent, kids) {
    for (const k of kids.flat(Infinity)) if (k !== null && k !== undefined && k !== false) parent.append(k instanceof Node ? k : String(k));
    return parent;
  }
  const $ = (sel, root = document) => root.querySelector(sel);
  // Scenario ids look like "b:default": keep the colon readable in paths.
  const encId = (id) => encodeURIComponent(id).replace(/%3A/gi, ':');

  class ApiError extends Error {
    constructor(status, message, errors) { super(message); Object.assign(this, { status, errors: errors || [] }); }
  }

  async function api(method, url, body, raw) {
    const opt = { method, headers: { Accept: 'application/json' }, credentials: 'same-origin' };
    if (body !== undefined) {
      opt.body = raw ? body : JSON.stringify(body);
      opt.headers['Content-Type'] = raw ? 'text/csv' : 'application/json';
    }
    let res;
    try { res = await fetch(url, opt); } catch (_) {
      throw new ApiError(0, 'could not reach the strikesim server (is it still running?)');
    }
    const text = await res.text();
    let data = null;
    try { data = text ? JSON.parse(text) : null; } catch (_) { data = null; }
    if (!res.ok) {
      let msg = data && typeof data.error === 'string' ? data.error : '';
      if (!msg && text && text.length < 400 && !/^\s*</.test(text)) msg = text.trim();
      if (res.status === 413) msg = `too large for the server: ${msg || 'a scenario may be at most 4 MiB, a CSV 32 MiB'}`;
      if (!msg) msg = `the server answered ${res.status} ${res.statusText}`;
      throw new ApiError(res.status, msg, data && Array.isArray(data.errors) ? data.errors : []);
    }
    return data;
  }

  function findingText(f) {
    const where = [f.line != null && `line ${f.line}`, f.field && `field ${f.field}`].filter(Boolean); // eslint-disable-line eqeqeq
    return where.length ? `${where.join(', ')}: ${f.message}` : String(f.message);
  }

  // A clear error block: a bold "Error:" label, the message, then any findings.
  function errorBox(what, err) {
    const status = err && err.status ? ` (HTTP ${err.status})` : '';
    const msg = err instanceof Error ? err.message : String(err);
    const box = el('div', { class: 'error-box', role: 'alert' },
      el('strong', { text: 'Error: ' }), el('span', { class: 'msg', text: `${what}: ${msg}` }), el('span', { class: 'muted', text: status }));
    if (err && err.errors && err.errors.length) box.append(el('ul', { class: 'error-findings' }, err.errors.map((f) => el('li', { text: findingText(f) }))));
    return box;
  }
  const infoBox = (...kids) => el('div', { class: 'info-box', role: 'status' }, kids);
  const show = (container, ...nodes) => container.replaceChildren(...nodes.flat().filter(Boolean));

  const fmtBytes = (n) => (n === null || n === undefined ? '' : n < 1024 ? `${n} B`
    : n < 1048576 ? `${(n / 1024).toFixed(1)} kB` : `${(n / 1048576).toFixed(1)} MB`);
  const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`;
  const TERMINAL = new Set(['done', 'failed', 'cancelled']);

  // A table from {header:[...], rows:[[...]]}: first column is the measure.
  // A table from {header:[...], rows:[[...]]}: the first column heads each row; a column of numbers
  // ("12 (10 to 14)", "+£63k", "0.84") is right-aligned, one of words is not. A long one scrolls.
  function dataTable(id, table) {
    const header = (table && table.header) || [];
    const rows = (table && table.rows) || [];
    const numeric = header.map((_, i) => {
      const cells = rows.map((r) => String(r[i] ?? '').trim()).filter(Boolean);
      return i > 0 && cells.filter((c) => /^[+\-−]?[£$€]?[+\-−]?\d/.test(c)).length >= 0.8 * cells.length;
    });
    return el('div', { class: rows.length > 30 ? 'table-scroll long' : 'table-scroll' },
      el('table', { id, class: 'data' },
        el('thead', null, el('tr', null, header.map((h, i) => el('th', { scope: 'col', class: numeric[i] ? 'num' : null, text: h })))),
        el('tbody', null, rows.map((r) => el('tr', null, r.map((c, i) => (i === 0
          ? el('th', { scope: 'row', text: c })
          : el('td', { class: numeric[i] ? 'num' : null }, cellParts(c)))))))));
  }

  // "+103 (+99 to +108)": the estimate, then its interval on a line of its
  // own, so that a table of several plans fits the page.
  function cellParts(text) {
    const m = /^(.+?) (\(.+\))$/.exec(String(text ?? ''));
    return m ? [m[1], el('span', { class: 'ci', text: m[2] })] : [String(text ?? '')];
  }


  function chartsBlock(charts) {
    if (!charts || !charts.length) return el('div', { id: 'charts' }, el('p', { class: 'muted', text: 'No charts.' }));
    return el('div', { id: 'charts', class: 'charts' }, charts.map((c) => el('figure', { class: 'chart-figure' },
      el('a', { href: c.svg, target: '_blank', rel: 'noopener', title: 'Open the chart full size in a new tab' },
        el('img', { class: 'chart', src: c.svg, alt: c.title || c.name })),
      el('figcaption', { text: c.title || c.name }))));
  }

  // Downloads grouped: tables first, then the report, scenario and manifest, charts.
  function downloadsBlock(files) {
    const groups = [
      ['Tables (Excel and CSV)', (n) => /\.(xlsx|csv)$/i.test(n) && !n.startsWith('charts/')],
      ['Report', (n) => /^(report\.|compare\.(md|html)$)/i.test(n)],
      ['Scenario and manifest', (n) => /\.(toml|json)$/i.test(n) && !n.startsWith('charts/')],
      ['Charts', (n) => n.startsWith('charts/')],
      ['Other files', () => true],
    ];
    const left = (files || []).slice();
    const link = (f, text) => el('a', { class: 'download', href: f.url, download: f.name.split('/').pop(), dataset: { name: f.name } }, text || f.name);
    const root = el('div', { id: 'downloads', class: 'downloads' });
    for (const [title, test] of groups) {
      let mine = left.filter((f) => test(f.name));
      if (!mine.length) continue;
      for (const f of mine) left.splice(left.indexOf(f), 1);
      const xlsx = (f) => /\.xlsx$/i.test(f.name);
      if (title.startsWith('Tables')) mine = mine.filter(xlsx).concat(mine.filter((f) => !xlsx(f))); // Excel first
      const size = (f) => el('span', { class: 'muted', text: ` ${fmtBytes(f.bytes)}` });
      let list;
      if (title === 'Charts') { // one line per chart: its SVG and PNG side by side
        const byChart = new Map();
        for (const f of mine) {
          const base = f.name.replace(/^charts\//, '').replace(/\.[^.]+$/, '');
          byChart.set(base, (byChart.get(base) || []).concat([f]));
        }
        list = el('ul', { class: 'file-list charts-list' }, [...byChart].map(([base, fs]) => el('li', null,
          el('span', { class: 'chart-name', text: base }), ' ',
          fs.map((f, i) => [i ? ' · ' : '', link(f, f.name.split('.').pop().toUpperCase()), size(f)]))));
      } else list = el('ul', { class: 'file-list' }, mine.map((f) => el('li', null, link(f), size(f))));
      root.append(el('section', { class: 'download-group' }, el('h3', { text: title }), list));
    }
    if (!root.childElementCount) root.append(el('p', { class: 'muted', text: 'No files.' }));
    return root;
  }

  // ----------------------------------------------------------------- router
  let routeGen = 0;
  let cleanups = [];
  let flash = null; // nodes to show at the top of the next view
  const onLeave = (fn) => cleanups.push(fn);
  function takeFlash() { const f = flash; flash = null; return f; }
  function go(hash) { location.hash = hash; }

  function route() {
    for (const fn of cleanups) { try { fn(); } catch (_) { /* ignore */ } }
    cleanups = [];
    const gen = ++routeGen;
    const live = () => gen === routeGen;
    const app = $('#app');
    const h = location.hash.replace(/^#/, '') || '/';
    const m = h.match(/^\/(edit|runs|compare)\/(.+)$/);
    let arg = m ? m[2] : '';
    try { arg = decodeURIComponent(arg); } catch (_) { /* keep it raw */ }
    window.scrollTo(0, 0);
    if (h === '/') return viewHome(app, live);
    const view = m && { edit: viewEditor, runs: viewRun, compare: viewCompare }[m[1]];
    if (view) return view(app, live, arg);
    document.title = 'Not found · strikesim';
    show(app, el('h1', { text: 'Page not found' }), el('p', null, el('a', { href: '#/', text: 'Back to the home page' })));
    return undefined;
  }

  // A view's frame: its heading and "Loading…", then {root, data} or an error with a way home (null).
  async function loadView(app, live, id, title, url) {
    document.title = `${title} · strikesim`;
    const root = el('div', { id }, el('h1', { text: title }), el('p', { class: 'muted', text: 'Loading…' }));
    show(app, root);
    try {
      const data = await api('GET', url);
      if (!live()) return null;
      root.lastChild.remove();
      return { root, data };
    } catch (e) {
      if (live()) show(root, el('h1', { text: title }), errorBox('Could not load this page', e), el('p', null, el('a', { href: '#/', text: 'Back to the home page' })));
      return null;
    }
  }

  // ------------------------------------------------------------------- home
  async function viewHome(app, live) {
    const flashNode = takeFlash();
    const got = await loadView(app, live, 'home', 'Scenarios and runs', '/api/home');
    if (!got) return;
    const { root, data } = got;
    document.title = 'strikesim';
    append(root, [flashNode]);

    const homeError = el('div', { id: 'home-error', 'aria-live': 'polite' });
    const scenarioLink = (s, meta) => el('li', null,
      el('a', { class: 'scenario-link', href: `#/edit/${s.id}`, dataset: { id: s.id } }, s.title || s.name),
      el('span', { class: 'muted meta', text: meta }));

    const bundled = el('section', { class: 'panel' }, el('h2', { text: 'Bundled scenarios' }),
      el('p', { class: 'muted', text: 'Read-only examples shipped with strikesim. Open one to look at it, or save a copy to change it.' }),
      (data.bundled || []).length
        ? el('ul', { class: 'scenario-list' }, data.bundled.map((s) => scenarioLink(s, `${s.name} · ${s.file || ''}`)))
        : el('p', { class: 'muted', text: 'None.' }));

    const saved = el('section', { class: 'panel' }, el('h2', { text: 'Your saved scenarios' }),
      (data.saved || []).length
        ? el('ul', { class: 'scenario-list' }, data.saved.map((s) => scenarioLink(s,
          `${s.name} · saved ${s.updated || ''}${s.files && s.files.length ? ` · CSV: ${s.files.join(', ')}` : ''}`)))
        : el('p', { class: 'muted', text: 'None yet. Start from the default scenario or upload a .toml file.' }));

    const newFromDefault = async (e) => { // a saved copy of b:default, opened in the editor
      const btn = e.currentTarget;
      btn.disabled = true;
      show(homeError);
      try {
        const def = await api('GET', '/api/scenarios/b:default');
        const r = await api('POST', '/api/scenarios', { text: def.text, filename: def.file || 'default.toml' });
        flash = infoBox('A new copy of the default scenario, saved under your scenarios. Change it and save.');
        go(`#/edit/${r.id}`);
      } catch (err) { show(homeError, errorBox('Could not make a new scenario', err)); } finally { btn.disabled = false; }
    };
    const newBtn = el('button', { id: 'new-from-default', type: 'button', class: 'primary', onclick: newFromDefault }, 'New from the default scenario');

    const upload = el('input', { type: 'file', id: 'upload-scenario', accept: '.toml' });
    upload.addEventListener('change', () => {
      const file = upload.files && upload.files[0];
      if (!file) return;
      show(homeError);
      const reader = new FileReader();
      reader.onerror = () => show(homeError, errorBox('Could not read the file', new Error(file.name)));
      reader.onload = async () => {
        try {
          const r = await api('POST', '/api/scenarios', { text: String(reader.result), filename: file.name });
          flash = infoBox(`Uploaded ${file.name}: it is now one of your saved scenarios.`);
          go(`#/edit/${r.id}`);
        } catch (e) { show(homeError, errorBox(`Could not upload ${file.name}`, e)); } finally { upload.value = ''; }
      };
      reader.readAsText(file);
    });

    const start = el('section', { class: 'panel start' }, el('h2', { text: 'Start a scenario' }),
      el('div', { class: 'actions' }, newBtn),
      el('div', { class: 'field' }, el('label', { for: 'upload-scenario', text: 'Or upload a scenario file (.toml)' }), upload),
      homeError);

    root.append(el('div', { class: 'home-grid' }, start, saved, bundled), runsSection(data, live));
  }

  function runsSection(data, live) {
    const runs = data.runs || [];
    const cmpErr = el('div', { id: 'compare-error', 'aria-live': 'polite' });
    const statusCells = new Map();
    const statusText = (r) => {
      const p = r.progress || {};
      return r.status === 'running' && p.total ? `running (${p.done || 0} of ${p.total})`
        : r.status === 'queued' && r.queue_position ? `queued (${r.queue_position} in line)` : r.status;
    };
    const rows = runs.map((r, i) => {
      const pickId = `pick-${i}`;
      const cell = el('span', { class: `status status-${r.status}`, text: statusText(r) });
      statusCells.set(r.id, cell);
      return el('tr', { dataset: { runId: r.id } },
        el('td', { class: 'pick' },
          el('label', { for: pickId, class: 'visually-hidden', text: `Compare the run of ${r.name} at ${r.created}` }),
          el('input', { type: 'checkbox', id: pickId, class: 'compare-pick', value: r.id })),
        el('td', { class: 'nowrap' }, el('a', { href: `#/runs/${encodeURIComponent(r.id)}`, class: 'run-link', text: r.created || r.id })),
        el('td', null, el('a', { href: `#/runs/${encodeURIComponent(r.id)}`, class: 'run-name', text: r.title || r.name }),
          r.title ? el('div', { class: 'muted small', text: r.name }) : null),
        el('td', { class: 'num', text: String(r.replications ?? '') }),
        el('td', { class: 'num', text: String(r.seed ?? 'scenario’s') }),
        el('td', null, cell),
        el('td', { text: r.origin || '' }));
    });
    const heads = ['Compare', 'Date', 'Scenario', 'Replications', 'Seed', 'Status', 'Origin'];
    const table = el('div', { class: 'table-scroll' }, el('table', { id: 'runs-table', class: 'data' },
      el('thead', null, el('tr', null, heads.map((h) => el('th', { scope: 'col', class: /^(Rep|Seed)/.test(h) ? 'num' : null, text: h })))),
      el('tbody', null, rows)));

    const cmpBtn = el('button', { id: 'compare-selected', type: 'button' }, 'Compare selected');
    cmpBtn.addEventListener('click', async () => {
      const ids = [...document.querySelectorAll('#runs-table .compare-pick:checked')].map((c) => c.value);
      show(cmpErr, ids.length < 2 && errorBox('Cannot compare', new Error('tick two or more finished runs first')));
      if (ids.length < 2) return;
      cmpBtn.disabled = true;
      try {
        const r = await api('POST', '/api/compare', { runs: ids });
        const names = ids.map((id) => { const x = runs.find((y) => y.id === id); return x ? `${x.name} (${x.created})` : id; });
        try { sessionStorage.setItem(`compare:${r.id}`, JSON.stringify(Object.assign({ runNames: names }, r))); } catch (_) { /* full */ }
        go(`#/compare/${encodeURIComponent(r.id)}`);
      } catch (e) { show(cmpErr, errorBox('These runs cannot be compared', e)); } finally { cmpBtn.disabled = false; }
    });

    // While runs are queued or running, refresh their status every 3 seconds.
    if (runs.some((r) => !TERMINAL.has(r.status))) {
      const timer = setInterval(async () => {
        try {
          const d = await api('GET', '/api/home');
          if (!live()) return;
          for (const r of d.runs || []) {
            const c = statusCells.get(r.id);
            if (c) { c.textContent = statusText(r); c.className = `status status-${r.status}`; }
          }
          if (!(d.runs || []).some((r) => !TERMINAL.has(r.status))) clearInterval(timer);
        } catch (_) { /* try again next tick */ }
      }, 3000);
      onLeave(() => clearInterval(timer));
    }

    return el('section', { class: 'panel runs' }, el('h2', { text: 'Past runs' }),
      el('p', { class: 'muted', text: `Newest first. ${data.workers ? `${plural(data.workers, 'run goes', 'runs go')} at once; the rest wait in a queue. ` : ''}`
        + 'Tick two or more finished runs of the same scenario world to compare their plans side by side.' }),
      runs.length ? table : el('p', { class: 'muted', text: 'No runs yet: open a scenario and press Run.' }),
      el('div', { class: 'actions' }, cmpBtn), cmpErr);
  }

  // ----------------------------------------------------------------- editor
  async function viewEditor(app, live, id) {
    const flashNode = takeFlash();
    const got = await loadView(app, live, 'editor', 'Scenario', `/api/scenarios/${encId(id)}`);
    if (got) new Editor(got.root, got.data, live).start(flashNode);
  }

  class Editor {
    constructor(root, sc, live) {
      Object.assign(this, { root, sc, live, bundled: sc.kind === 'bundled', savedText: sc.text || '' });
      Object.assign(this, { files: (sc.files || []).slice(), valid: null, vSeq: 0, fSeq: 0, formSig: '', marked: [] });
    }

    fileName() { return `${String(this.sc.name || 'scenario').replace(/[^A-Za-z0-9._-]+/g, '-')}.toml`; }

    start(flashNode) {
      const sc = this.sc;
      document.title = `${sc.title || sc.name} · strikesim`;
      const button = (id, text, fn, cls) => el('button', { id, type: 'button', class: cls, onclick: fn }, text);
      this.ta = el('textarea', {
        id: 'editor-text', wrap: 'off', spellcheck: 'false', autocomplete: 'off', autocapitalize: 'off',
        'aria-describedby': 'validation-status',
      });
      this.ta.value = this.savedText;
      this.gutter = el('div', { id: 'editor-gutter', 'aria-hidden': 'true' });
      this.status = el('div', { id: 'validation-status', role: 'status', 'aria-live': 'polite' });
      this.pending = el('span', { class: 'pending muted', hidden: true, text: 'checking…' });
      this.list = el('ul', { id: 'validation', class: 'findings' });
      this.msg = el('div', { id: 'editor-message', 'aria-live': 'polite' });
      this.dirty = el('span', { class: 'dirty', hidden: true, text: 'Unsaved changes' });
      this.filesLine = el('p', { class: 'muted small files-line' });
      this.form = el('form', { id: 'scenario-form', novalidate: true, onsubmit: (e) => e.preventDefault() });
      this.formErr = el('div', { id: 'form-error', 'aria-live': 'polite' });

      const csv = el('input', { type: 'file', id: 'upload-csv', accept: '.csv', onchange: () => this.uploadCsv(csv) });

      this.reps = el('input', { id: 'run-replications', type: 'number', min: '1', max: '100000', step: '1', value: '20', inputmode: 'numeric' });
      this.seed = el('input', { id: 'run-seed', type: 'number', min: '0', step: '1', placeholder: "the scenario's", inputmode: 'numeric' });
      this.prec = el('input', { id: 'run-precision', type: 'number', min: '0.001', max: '0.999', step: 'any', placeholder: 'none' });
      this.runBtn = el('button', { id: 'run-start', type: 'button', class: 'primary', disabled: true, onclick: () => this.run() }, 'Run');
      this.estimate = el('p', { class: 'muted small', id: 'run-estimate' });
      this.runMsg = el('div', { id: 'run-message', 'aria-live': 'polite' });

      const kindNote = this.bundled ? 'Bundled scenario: read-only. Save a copy to keep your changes.' : `Saved scenario ${sc.id}.`;
      const runPanel = el('section', { class: 'panel run-panel', 'aria-labelledby': 'run-h' },
        el('h2', { id: 'run-h', text: 'Run' }),
        el('div', { class: 'field' }, el('label', { for: 'run-replications', text: 'Replications' }), this.reps),
        el('div', { class: 'field' }, el('label', { for: 'run-seed', text: 'Seed (blank = the scenario’s)' }), this.seed),
        el('div', { class: 'field' }, el('label', { for: 'run-precision', text: 'Precision (optional)' }), this.prec,
          el('p', { class: 'help', text: 'e.g. 0.05: keep adding batches of replications until each plan’s headline effects are within 5% of their mean. Blank = exactly the replications above.' })),
        el('div', { class: 'actions' }, this.runBtn),
        el('p', { class: 'muted small', text: this.bundled ? 'Run saves your text as a copy, then starts.' : 'Run saves your text, then starts.' }),
        this.estimate, this.runMsg);
      const formPanel = el('section', { class: 'panel form-panel', 'aria-labelledby': 'form-h' },
        el('h2', { id: 'form-h', text: 'Common settings' }),
        el('p', { class: 'muted small', text: 'The settings changed most often. Changing one rewrites the file on the left; comments and layout are kept.' }),
        this.formErr, this.form);

      show(this.root,
        el('div', { class: 'editor-head' },
          el('div', null, el('h1', { text: sc.title || sc.name }),
            el('p', { class: 'muted' }, `${sc.name} · ${kindNote} `, this.dirty))),
        flashNode,
        el('div', { class: 'toolbar', role: 'group', 'aria-label': 'Scenario file' },
          // A bundled scenario is read-only: its one save makes a copy.
          this.bundled
            ? button('save-copy', 'Save a copy', () => this.saveCopy(), 'primary')
            : [button('save', 'Save', () => this.save(), 'primary'),
              button('save-copy', 'Save a copy', () => this.saveCopy())],
          button('download', 'Download', () => this.download()),
          el('span', { class: 'csv-upload' },
            el('label', { for: 'upload-csv', text: 'Upload an RTT CSV' }), csv)),
        this.filesLine, this.msg,
        el('div', { class: 'editor-grid' },
          el('section', { class: 'editor-main', 'aria-labelledby': 'text-h' },
            el('h2', { id: 'text-h', class: 'inline-h' }, el('label', { for: 'editor-text', text: 'Scenario file (TOML)' })),
            el('div', { class: 'code-wrap' }, this.gutter, this.ta),
            el('div', { class: 'validation-head' }, this.status, this.pending),
            this.list),
          el('div', { class: 'editor-side' }, runPanel, formPanel)));

      this.renderFiles();
      this.ta.addEventListener('input', () => this.textChanged());
      this.ta.addEventListener('scroll', () => { this.gutter.scrollTop = this.ta.scrollTop; }); // the gutter follows
      // Unsaved edits are kept in this browser and offered back when the scenario is opened again
      // (no "leave this page?" prompt: it would stop the user, and any scripted browser, mid-way).
      let draft = null;
      try { draft = JSON.parse(localStorage.getItem(`draft:${sc.id}`) || 'null'); } catch (_) { draft = null; }
      if (draft && typeof draft.text === 'string' && draft.text !== this.savedText) {
        const done = () => show(this.msg);
        show(this.msg, infoBox(`This scenario has unsaved edits from ${draft.at || 'earlier'} in this browser. `,
          el('button', { type: 'button', onclick: () => { done(); this.replaceText(draft.text); } }, 'Restore them'), ' ',
          el('button', { type: 'button', onclick: () => { done(); this.keepDraft(); } }, 'Discard them')));
      }
      const keep = () => this.keepDraft();
      window.addEventListener('pagehide', keep);
      onLeave(() => {
        window.removeEventListener('pagehide', keep);
        [this.vTimer, this.fTimer, this.dTimer].forEach(clearTimeout);
        keep();
      });
      this.syncGutter();
      this.validateNow();
      this.refreshForm();
    }

    isDirty() { return this.ta.value !== this.savedText; }
    updateDirty() {
      this.dirty.hidden = !this.isDirty();
      clearTimeout(this.dTimer);
      this.dTimer = setTimeout(() => this.keepDraft(), 1000);
    }

    keepDraft() {
      try {
        const key = `draft:${this.sc.id}`;
        if (this.isDirty()) localStorage.setItem(key, JSON.stringify({ text: this.ta.value, at: new Date().toLocaleString('en-GB') }));
        else localStorage.removeItem(key);
      } catch (_) { /* storage full or switched off: nothing kept */ }
    }

    renderFiles() { this.filesLine.textContent = this.files.length ? `Uploaded CSV files: ${this.files.join(', ')}` : ''; }

    textChanged() {
      this.syncGutter();
      this.updateDirty();
      clearTimeout(this.vTimer);
      this.pending.hidden = false;
      this.vTimer = setTimeout(() => this.validateNow(), 400);
      clearTimeout(this.fTimer);
      this.fTimer = setTimeout(() => this.refreshForm(), 900);
    }

    // One .gutter-line per line of text, kept at the same line height as the textarea.
    syncGutter() {
      const text = this.ta.value;
      let n = 1;
      for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n += 1;
      const g = this.gutter;
      const frag = document.createDocumentFragment();
      for (let k = g.childElementCount + 1; k <= n; k += 1) frag.append(el('div', { class: 'gutter-line', dataset: { line: String(k) }, text: String(k) }));
      g.append(frag);
      while (g.childElementCount > n) g.lastElementChild.remove();
      g.scrollTop = this.ta.scrollTop;
    }

    markGutter(errors, warnings) {
      for (const d of this.marked) { d.classList.remove('has-error', 'has-warning'); d.removeAttribute('title'); }
      this.marked = [];
      const mark = (f, cls) => {
        const d = f.line && this.gutter.children[f.line - 1];
        if (!d) return;
        d.classList.add(cls);
        d.title = d.title ? `${d.title}\n${f.message}` : String(f.message); // the message on hover
        this.marked.push(d);
      };
      warnings.forEach((f) => mark(f, 'has-warning'));
      errors.forEach((f) => mark(f, 'has-error'));
    }

    async validateNow() {
      clearTimeout(this.vTimer);
      const seq = ++this.vSeq;
      this.pending.hidden = false;
      let r, failed = null; // eslint-disable-line one-var
      try { r = await api('POST', '/api/validate', { text: this.ta.value, scenario: this.sc.id }); } catch (e) { failed = e; }
      if (seq !== this.vSeq || !this.live()) return;
      this.pending.hidden = true;
      if (failed) r = { ok: false, errors: [], warnings: [] };
      const errors = (r.errors || []).length || r.ok || !r.message ? r.errors || [] : [{ line: null, field: null, message: r.message }];
      const warnings = r.warnings || [];
      this.valid = !!r.ok && errors.length === 0;
      this.runBtn.disabled = !this.valid;
      this.status.className = this.valid ? 'valid' : 'invalid';
      const warn = warnings.length ? ` · ${warnings.length} warning(s)` : '';
      const summary = String(r.summary || '');
      if (failed) this.status.textContent = `Could not check the file: ${failed.message}`;
      // The summary may come as "valid scenario ...: 1 trust(s), ..." or as just "1 trust(s), ...".
      else if (this.valid && /^valid\b/i.test(summary)) this.status.textContent = `Valid${summary.slice(5)}${warn}`;
      else if (this.valid) this.status.textContent = `Valid${summary ? `: ${summary}` : ''}${warn}`;
      else this.status.textContent = `${errors.length} error(s)${warn}${errors.length ? ': fix them to run' : ': the file is not valid'}`;
      this.estimate.textContent = r.estimate ? `Estimate for the file’s own replications: ${r.estimate}` : '';
      const item = (f, cls) => {
        const goTo = () => { if (f.line) this.goToLine(f.line); };
        return el('li', {
          class: `finding ${cls}`, tabindex: '0', role: 'button', onclick: goTo,
          onkeydown: (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); goTo(); } },
          dataset: { line: String(f.line ?? ''), field: f.field || '' },
        }, el('span', { class: 'finding-kind', text: cls === 'error' ? 'Error' : 'Warning' }), ' ', findingText(f));
      };
      this.list.replaceChildren(...errors.map((f) => item(f, 'error')), ...warnings.map((f) => item(f, 'warning')));
      this.markGutter(errors, warnings);
    }

    goToLine(line) {
      const text = this.ta.value;
      let pos = 0;
      for (let i = 1; i < line; i += 1) {
        const nl = text.indexOf('\n', pos);
        if (nl === -1) break;
        pos = nl + 1;
      }
      this.ta.focus({ preventScroll: true });
      this.ta.setSelectionRange(pos, pos);
      const lh = parseFloat(getComputedStyle(this.ta).lineHeight) || 20;
      this.ta.scrollTop = Math.max(0, (line - 1) * lh - this.ta.clientHeight / 3);
      this.ta.scrollLeft = 0;
      this.gutter.scrollTop = this.ta.scrollTop;
      this.ta.scrollIntoView({ block: 'nearest', behavior: 'auto' });
      const d = this.gutter.children[line - 1];
      if (d) { d.classList.add('flash'); setTimeout(() => d.classList.remove('flash'), 1200); }
    }

    // ------------------------------------------------------------- the form
    async refreshForm() {
      clearTimeout(this.fTimer);
      const seq = ++this.fSeq;
      let r;
      try { r = await api('POST', '/api/form', { text: this.ta.value }); } catch (e) {
        if (seq !== this.fSeq || !this.live()) return;
        show(this.formErr, errorBox('The settings form is not available', e));
        this.form.classList.add('stale');
        for (const x of this.form.querySelectorAll('input, select')) x.disabled = true;
        return;
      }
      if (seq !== this.fSeq || !this.live()) return;
      show(this.formErr);
      this.form.classList.remove('stale');
      const fields = r.fields || [];
      const sig = fields.map((f) => `${f.key}|${f.kind}|${f.group}|${(f.options || []).join(',')}`).join('\n');
      if (sig !== this.formSig) {
        this.buildForm(fields);
        this.formSig = sig;
        return;
      }
      for (const f of fields) {
        const input = this.form.querySelector(`[data-key="${CSS.escape(f.key)}"]`);
        if (!input) continue;
        input.disabled = false;
        if (input !== document.activeElement) input.value = String(f.value ?? '');
      }
    }

    buildForm(fields) {
      const groups = new Map();
      for (const f of fields) groups.set(f.group || 'Settings', (groups.get(f.group || 'Settings') || []).concat([f]));
      let i = 0;
      const sets = [];
      for (const [g, fs] of groups) {
        const set = el('fieldset', null, el('legend', { text: g }));
        for (const f of fs) {
          const fid = `field-${i++}`;
          const value = String(f.value ?? '');
          let input;
          if (f.kind === 'select') {
            const opts = (f.options || []).slice();
            if (value && !opts.includes(value)) opts.unshift(value);
            input = el('select', null, opts.map((o) => el('option', { value: o, text: o })));
          } else if (f.kind === 'number') {
            input = el('input', { type: 'number', min: f.min, max: f.max, step: f.step ?? 'any' });
          } else input = el('input', { type: f.kind === 'datetime' ? 'datetime-local' : 'text' });
          Object.assign(input, { id: fid, value });
          input.dataset.key = f.key;
          const help = f.help && el('p', { class: 'help', id: `${fid}-help`, text: f.help });
          if (help) input.setAttribute('aria-describedby', help.id);
          input.addEventListener('change', () => this.apply(f.key, input));
          set.append(el('div', { class: 'field' },
            el('label', { for: fid, title: f.key }, f.label, el('span', { class: 'key', text: f.key })), input, help));
        }
        sets.push(set);
      }
      if (!sets.length) sets.push(el('p', { class: 'muted', text: 'No common settings in this file.' }));
      this.form.replaceChildren(...sets);
    }

    async apply(key, input) {
      show(this.formErr);
      input.removeAttribute('aria-invalid');
      const sent = this.ta.value;
      input.classList.add('applying');
      try {
        const r = await api('POST', '/api/form/apply', { text: sent, changes: [{ key, value: input.value }] });
        if (!this.live()) return;
        if (this.ta.value !== sent) {
          show(this.formErr, errorBox(`Did not change ${key}`, new Error('the text changed while the change was on its way: change the field again')));
          return;
        }
        this.replaceText(r.text);
      } catch (e) {
        if (!this.live()) return;
        input.setAttribute('aria-invalid', 'true');
        show(this.formErr, errorBox(`Could not change ${key}`, e));
      } finally { input.classList.remove('applying'); }
    }

    // Replace the whole text, keeping where the user was looking.
    replaceText(text) {
      const { scrollTop, scrollLeft } = this.ta;
      const old = this.ta.value.split('\n');
      this.ta.value = text;
      Object.assign(this.ta, { scrollTop, scrollLeft });
      this.syncGutter();
      // Mark the lines the change rewrote: skip the common head and tail.
      const now = text.split('\n');
      let a = 0;
      let z = 0;
      while (a < now.length && a < old.length && now[a] === old[a]) a += 1;
      while (z < now.length - a && z < old.length - a && now[now.length - 1 - z] === old[old.length - 1 - z]) z += 1;
      const changed = [...this.gutter.children].slice(a, Math.min(now.length - z, a + 40));
      changed.forEach((d) => d.classList.add('changed'));
      setTimeout(() => changed.forEach((d) => d.classList.remove('changed')), 2500);
      this.updateDirty();
      this.validateNow();
      clearTimeout(this.fTimer);
      this.fTimer = setTimeout(() => this.refreshForm(), 150);
    }

    // --------------------------------------------------------- save / files
    async saveCopyId() { return (await api('POST', '/api/scenarios', { text: this.ta.value, filename: this.fileName() })).id; }

    async save() {
      if (this.bundled) return this.saveCopy('Bundled scenarios are read-only, so your text was saved as a copy: this one.');
      show(this.msg);
      try {
        const text = this.ta.value;
        await api('POST', `/api/scenarios/${encId(this.sc.id)}`, { text });
        this.savedText = text;
        this.updateDirty();
        show(this.msg, infoBox(`Saved at ${new Date().toLocaleTimeString('en-GB')}.`));
      } catch (e) { show(this.msg, errorBox('Could not save', e)); }
      return undefined;
    }

    async saveCopy(note) {
      show(this.msg);
      try {
        const id = await this.saveCopyId();
        this.savedText = this.ta.value;
        flash = infoBox(note || 'Saved as a new copy: this one. The original is unchanged.');
        go(`#/edit/${id}`);
      } catch (e) { show(this.msg, errorBox('Could not save a copy', e)); }
    }

    download() {
      const url = URL.createObjectURL(new Blob([this.ta.value], { type: 'application/toml' }));
      const a = el('a', { href: url, download: this.fileName(), class: 'visually-hidden' });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 30000);
    }

    async uploadCsv(input) {
      const file = input.files && input.files[0];
      if (!file) return;
      show(this.msg);
      if (file.size > 32 * 1024 * 1024) {
        show(this.msg, errorBox(`Could not upload ${file.name}`, new Error(`it is ${fmtBytes(file.size)}; an RTT CSV may be at most 32 MiB`)));
        input.value = '';
        return;
      }
      // The server takes [A-Za-z0-9][A-Za-z0-9._-]*\.csv: make the file's name fit.
      const stem = file.name.replace(/\.csv$/i, '').replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '');
      const name = `${stem || 'rtt'}.csv`;
      try {
        let target = this.sc.id;
        if (this.bundled) target = await this.saveCopyId();
        const up = await api('POST', `/api/scenarios/${encId(target)}/files?name=${encodeURIComponent(name)}`, file, true);
        const used = (up && up.name) || name;
        const note = infoBox(
          el('strong', { text: `Uploaded ${used}.` }), ' Refer to it in the scenario as ',
          el('code', { text: `initial_list_from = { file = "${used}", provider = "CODE" }` }),
          ', with the trust’s organisation code (for example RWG) in place of CODE.',
          this.bundled ? ' Bundled scenarios are read-only, so your text was first saved as a copy: this one.' : '');
        if (target !== this.sc.id) {
          this.savedText = this.ta.value;
          flash = note;
          go(`#/edit/${target}`);
          return;
        }
        if (!this.files.includes(used)) this.files.push(used);
        this.renderFiles();
        show(this.msg, note);
        this.validateNow();
      } catch (e) {
        show(this.msg, errorBox(`Could not upload ${file.name}`, e));
      } finally { input.value = ''; }
    }

    // ------------------------------------------------------------------ run
    readRunSettings() {
      const body = {};
      const take = (input, key, ok, msg) => {
        const v = input.value.trim();
        if (!v) return;
        if (!ok(Number(v))) throw new Error(msg);
        body[key] = Number(v);
      };
      take(this.reps, 'replications', (n) => Number.isInteger(n) && n >= 1, 'replications must be a whole number, 1 or more');
      take(this.seed, 'seed', (n) => Number.isInteger(n) && n >= 0, 'the seed must be a whole number, 0 or more (or blank)');
      take(this.prec, 'precision', (n) => n > 0 && n < 1, 'precision must be between 0 and 1, e.g. 0.05 (or blank)');
      return body;
    }

    async run() {
      show(this.runMsg);
      let body;
      try { body = this.readRunSettings(); } catch (e) { show(this.runMsg, errorBox('Cannot run', e)); return; }
      this.runBtn.disabled = true;
      this.runBtn.textContent = 'Starting…';
      let copy = null;
      try {
        const text = this.ta.value;
        if (this.bundled) copy = await this.saveCopyId();
        else await api('POST', `/api/scenarios/${encId(this.sc.id)}`, { text });
        body.scenario = copy || this.sc.id;
        this.savedText = text;
        this.updateDirty();
        const r = await api('POST', '/api/runs', body);
        go(`#/runs/${encodeURIComponent(r.id)}`);
      } catch (e) {
        if (!this.live()) return;
        const box = errorBox('Could not start the run', e);
        if (copy) {
          flash = [box, infoBox('Your text was saved as a copy first: this one.')];
          go(`#/edit/${copy}`);
          return;
        }
        show(this.runMsg, box);
        if (e.errors && e.errors.length) this.markGutter(e.errors, []);
      } finally {
        if (this.live()) {
          this.runBtn.textContent = 'Run';
          this.runBtn.disabled = !this.valid;
        }
      }
    }
  }

  // -------------------------------------------------------------------- run
  async function viewRun(app, live, id) {
    const flashNode = takeFlash();
    const got = await loadView(app, live, 'run', 'Run', `/api/runs/${encodeURIComponent(id)}`);
    if (got) new RunPage(got.root, id, live).start(got.data, flashNode);
  }

  class RunPage {
    constructor(root, id, live) { Object.assign(this, { root, id, live, rendered: false, ended: false }); }

    start(info, flashNode) {
      this.title = el('h1');
      this.meta = el('p', { class: 'muted' });
      this.statusEl = el('span', { id: 'run-status', class: 'status' });
      this.queue = el('span', { class: 'muted' });
      this.stage = el('p', { id: 'run-stage', class: 'stage' });
      this.bar = el('progress', { id: 'run-progress', max: '1', value: '0' });
      this.barText = el('p', { id: 'run-progress-text' });
      this.cancel = el('button', { id: 'cancel-run', type: 'button', onclick: () => this.doCancel() }, 'Cancel the run');
      this.err = el('div', { id: 'run-error', hidden: true, role: 'alert' });
      this.msg = el('div', { 'aria-live': 'polite' });
      this.links = el('p', { class: 'run-links' });
      this.results = el('div', { id: 'run-results' });
      this.progressBox = el('section', { class: 'panel progress-panel', 'aria-label': 'Progress' },
        el('p', { class: 'status-line' }, 'Status: ', this.statusEl, ' ', this.queue),
        this.stage, el('label', { for: 'run-progress', class: 'visually-hidden', text: 'Progress' }),
        this.bar, this.barText, el('div', { class: 'actions' }, this.cancel), this.msg);
      show(this.root, this.title, this.meta, this.links, flashNode, this.progressBox, this.err, this.results);
      this.update(info);
      if (!TERMINAL.has(info.status)) this.follow();
    }

    update(info) {
      if (!this.live() || !info) return;
      this.info = Object.assign({}, this.info || {}, info);
      const r = this.info;
      document.title = `${r.title || r.name || 'Run'} · strikesim`;
      this.title.textContent = r.title || r.name || `Run ${r.id}`;
      const has = (v) => v !== null && v !== undefined;
      this.meta.textContent = [r.name, plural(r.replications, 'replication', 'replications'), has(r.seed) ? `seed ${r.seed}` : 'the scenario’s seed',
        has(r.precision) && `precision ${r.precision}`, `started ${r.created}`, r.finished && `finished ${r.finished}`,
        r.origin && (r.origin === 'cli' ? 'run from the command line' : 'run from the web')].filter(Boolean).join(' · ');
      this.links.replaceChildren(...(r.scenario
        ? [el('a', { href: `#/edit/${r.scenario}`, text: 'Open its scenario in the editor' })] : []));

      Object.assign(this.statusEl, { textContent: r.status, className: `status status-${r.status}` });
      this.queue.textContent = r.status === 'queued' && r.queue_position ? `(number ${r.queue_position} in the queue)` : '';
      const p = r.progress || {};
      const total = p.total || r.replications || 0;
      const done = r.status === 'done' ? total : Math.min(p.done || 0, total);
      Object.assign(this.bar, { max: Math.max(total, 1), value: done });
      const stopped = r.status === 'failed' || r.status === 'cancelled';
      this.barText.textContent = stopped
        ? `Stopped at ${done} of ${total} replications; no results were kept`
        : `${done} of ${total} replications`;
      const stages = { queued: 'Waiting in the queue', starting: 'Starting', 'warming up trusts': 'Warming up the trusts', replications: 'Running the replications', 'writing outputs': 'Writing the tables, charts and report' };
      this.stage.textContent = r.status === 'running' || r.status === 'queued'
        ? `Stage: ${stages[p.stage] || p.stage || r.status}` : '';
      const finished = TERMINAL.has(r.status);
      this.cancel.hidden = finished;
      // "Cancelling..." and the like are over once the run is.
      if (finished) show(this.msg);
      this.progressBox.classList.toggle('finished', finished);

      if (r.status === 'failed' || r.status === 'cancelled') this.showFailure(r);
      else this.err.hidden = true;
      if (r.status === 'done' && !this.rendered) {
        if (r.headline || r.files) this.renderResults(r);
        else this.refetch();
      }
    }

    showFailure(r) {
      const what = { failed: 'The run failed', cancelled: 'The run was cancelled; no run folder was written' }[r.status];
      const label = r.status === 'cancelled' ? 'Cancelled: ' : 'Error: ';
      const again = r.scenario && el('button', { id: 'run-again', type: 'button', class: 'primary', onclick: (e) => this.runAgain(e.currentTarget) }, 'Run again');
      show(this.err, el('div', { class: 'error-box' }, el('strong', { text: label }), what, r.error ? `: ${r.error}` : '.'),
        again && el('div', { class: 'actions' }, again));
      this.err.hidden = false;
    }

    async runAgain(btn) {
      const r = this.info;
      const body = { scenario: r.scenario };
      for (const k of ['replications', 'seed', 'precision']) if (r[k] !== null && r[k] !== undefined) body[k] = r[k];
      btn.disabled = true;
      try {
        go(`#/runs/${encodeURIComponent((await api('POST', '/api/runs', body)).id)}`);
      } catch (e) { this.err.append(errorBox('Could not start the run again', e)); } finally { btn.disabled = false; }
    }

    async refetch() {
      try { this.update(await api('GET', `/api/runs/${encodeURIComponent(this.id)}`)); } catch (e) {
        if (this.live()) show(this.msg, errorBox('Could not load the results', e));
      }
    }

    follow() {
      if (!window.EventSource) { this.poll(); return; }
      const es = new EventSource(`/api/runs/${encodeURIComponent(this.id)}/events`);
      this.es = es;
      onLeave(() => es.close());
      const parse = (ev) => { try { return JSON.parse(ev.data); } catch (_) { return null; } };
      es.addEventListener('progress', (ev) => this.update(parse(ev)));
      es.addEventListener('end', (ev) => {
        this.ended = true;
        es.close();
        const d = parse(ev);
        if (d) this.update(d); else this.refetch();
      });
      // No stream (a proxy, an old browser, a dropped connection): ask every second instead.
      es.onerror = () => { if (!this.ended) { es.close(); this.poll(); } };
    }

    poll() {
      if (this.polling) return;
      this.polling = true;
      let busy = false;
      const timer = setInterval(async () => {
        if (busy) return;
        busy = true;
        try {
          const d = await api('GET', `/api/runs/${encodeURIComponent(this.id)}`);
          this.update(d);
          if (TERMINAL.has(d.status)) clearInterval(timer);
        } catch (_) { /* the server may be busy: try again */ } finally { busy = false; }
      }, 1000);
      onLeave(() => clearInterval(timer));
    }

    async doCancel() {
      this.cancel.disabled = true;
      show(this.msg);
      try {
        this.update(await api('POST', `/api/runs/${encodeURIComponent(this.id)}/cancel`, {}));
        if (!TERMINAL.has(this.info.status)) show(this.msg, infoBox('Cancelling: the run stops within a second.'));
      } catch (e) {
        show(this.msg, errorBox('Could not cancel', e));
        this.refetch();
      } finally { this.cancel.disabled = false; }
    }

    renderResults(r) {
      this.rendered = true;
      show(this.msg);
      const report = r.report && el('p', { class: 'report-line' },
        el('a', { id: 'report-link', href: r.report, target: '_blank', rel: 'noopener', class: 'button-link primary' }, 'Open the board report in a new tab'));
      const frameHolder = el('div');
      const toggle = (e) => {
        const on = !frameHolder.firstChild;
        e.currentTarget.setAttribute('aria-expanded', String(on));
        e.currentTarget.textContent = on ? 'Hide the report' : 'Show the report on this page';
        show(frameHolder, on && el('iframe', { id: 'report-frame', src: r.report, title: 'Board report' }));
      };
      const frameBtn = r.report && el('button', { type: 'button', 'aria-expanded': 'false', onclick: toggle }, 'Show the report on this page');
      show(this.results,
        el('section', { class: 'panel' },
          el('h2', { text: 'Headline results' }),
          el('p', { class: 'note', text: 'Each plan’s column is the strike’s effect under that plan (the plan minus no strike in the same replication), with its 95% interval in brackets. A column marked “own figure” is that plan’s own total, not an effect.' }),
          dataTable('headline-table', r.headline),
          report),
        el('section', { class: 'panel' }, el('h2', { text: 'Charts' }), chartsBlock(r.charts)),
        el('section', { class: 'panel' }, el('h2', { text: 'Downloads' }),
          el('p', { class: 'muted small', text: 'report.xlsx opens in Excel: the Summary sheet is the table above.' }),
          downloadsBlock(r.files)),
        frameBtn ? el('section', { class: 'panel' }, el('h2', { text: 'Report' }), frameBtn, frameHolder) : null);
    }
  }

  // ---------------------------------------------------------------- compare
  function viewCompare(app, live, id) {
    document.title = 'Comparison · strikesim';
    let data = null;
    try { data = JSON.parse(sessionStorage.getItem(`compare:${id}`) || 'null'); } catch (_) { data = null; }
    const root = el('div', { id: 'compare' }, el('h1', { text: 'Comparison of runs' }), el('div', { id: 'compare-error' }));
    show(app, root);
    if (!data) {
      root.append(el('div', { class: 'info-box' },
        'This comparison is no longer held in this browser tab: open it again from the home page (tick the runs, then Compare selected). ',
        el('a', { href: '#/', text: 'Go to the home page' })));
      return;
    }
    append(root, [
      data.runNames ? el('p', { class: 'muted', text: `Runs: ${data.runNames.join('; ')}` }) : null,
      el('section', { class: 'panel' },
        el('h2', { text: 'The plans side by side' }),
        el('p', { class: 'note', text: 'Each plan’s column is the strike’s effect under that plan: the plan minus the same world without the strike, in the same replication, with its 95% interval in brackets. The no-strike column is that world’s own figure. compare.csv has every measure; compare.xlsx has them for Excel.' }),
        dataTable('compare-table', data.table)),
      el('section', { class: 'panel' }, el('h2', { text: 'Charts' }), chartsBlock(data.charts)),
      el('section', { class: 'panel' }, el('h2', { text: 'Downloads' }), downloadsBlock(data.files))]);
  }

  // On a move within the app, focus goes to the page's content (for keyboards and screen readers).
  window.addEventListener('hashchange', () => { route(); $('#app').focus({ preventScroll: true }); });
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', route);
  else route();
})();
