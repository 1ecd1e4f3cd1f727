/**
 * The in-browser explorer at /graphiql: one page and one script, served from here. GraphiQL as mercurius
 * ships it loads React and GraphiQL from unpkg.com, which offline and air-gapped installs cannot reach
 * and a strict Content-Security-Policy (script-src 'self') forbids; this page needs nothing else.
 */

export const EXPLORER_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Bazaar GraphQL explorer</title>
<link rel="stylesheet" href="/graphiql/explorer.css">
</head>
<body>
<header>
  <strong>Bazaar GraphQL explorer</strong>
  <label>API key <input id="key" type="password" placeholder="sk_… or pk_…" autocomplete="off" size="40"></label>
  <button id="run" title="Ctrl+Enter">Run ▶</button>
  <span id="status"></span>
</header>
<main>
  <section class="editors">
    <textarea id="query" spellcheck="false" aria-label="Query"></textarea>
    <textarea id="variables" spellcheck="false" aria-label="Variables (JSON)" placeholder="Variables (JSON)"></textarea>
  </section>
  <pre id="result" aria-label="Result" aria-live="polite"></pre>
  <nav id="docs" aria-label="Schema"><p>Enter a key to load the schema.</p></nav>
</main>
<script src="/graphiql/explorer.js"></script>
</body>
</html>
`;

export const EXPLORER_CSS = `
* { box-sizing: border-box; }
body { margin: 0; font: 14px system-ui, sans-serif; height: 100vh; display: flex; flex-direction: column; }
header { display: flex; gap: 1em; align-items: center; padding: .5em 1em; background: #1f2937; color: #fff; }
header input { font: inherit; }
button { font: inherit; padding: .25em 1em; cursor: pointer; }
main { flex: 1; display: grid; grid-template-columns: 2fr 2fr 1fr; min-height: 0; }
.editors { display: grid; grid-template-rows: 3fr 1fr; min-height: 0; }
textarea, pre { font: 13px ui-monospace, monospace; margin: 0; padding: .75em; border: 0; border-right: 1px solid #ddd; resize: none; overflow: auto; }
textarea + textarea { border-top: 1px solid #ddd; }
pre { background: #f9fafb; white-space: pre-wrap; }
nav { overflow: auto; padding: .5em 1em; font-size: 13px; }
nav h3 { margin: 1em 0 .25em; font-size: 13px; }
nav ul { margin: 0; padding-left: 1em; list-style: none; }
nav .type { color: #6b7280; }
`;

export const EXPLORER_JS = `'use strict';
(() => {
  const $ = (id) => document.getElementById(id);
  const key = $('key'), query = $('query'), variables = $('variables'), result = $('result'), status = $('status');
  key.value = localStorage.getItem('bazaar.key') || '';
  query.value = localStorage.getItem('bazaar.query') ||
    '{\\n  products(first: 5) {\\n    edges {\\n      node { id name variants { sku available prices { currency amount } } }\\n    }\\n    pageInfo { hasNextPage endCursor }\\n  }\\n}\\n';
  variables.value = localStorage.getItem('bazaar.variables') || '';
  const post = async (body) => {
    const response = await fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer ' + key.value.trim() },
      body: JSON.stringify(body),
    });
    return { status: response.status, json: await response.json() };
  };
  const run = async () => {
    localStorage.setItem('bazaar.key', key.value);
    localStorage.setItem('bazaar.query', query.value);
    localStorage.setItem('bazaar.variables', variables.value);
    let vars;
    try { vars = variables.value.trim() ? JSON.parse(variables.value) : undefined; }
    catch { result.textContent = 'Variables are not valid JSON.'; return; }
    status.textContent = 'running…';
    const started = performance.now();
    try {
      const { status: code, json } = await post({ query: query.value, variables: vars });
      status.textContent = 'HTTP ' + code + ', ' + Math.round(performance.now() - started) + ' ms';
      result.textContent = JSON.stringify(json, null, 2);
    } catch (error) { status.textContent = ''; result.textContent = String(error); }
  };
  const typeName = (t) => t.kind === 'NON_NULL' ? typeName(t.ofType) + '!' : t.kind === 'LIST' ? '[' + typeName(t.ofType) + ']' : t.name;
  const loadDocs = async () => {
    if (!key.value.trim()) return;
    const { json } = await post({ query: '{ __schema { types { name kind description fields { name description args { name type { ...T } } type { ...T } } } } } fragment T on __Type { kind name ofType { kind name ofType { kind name ofType { kind name } } } }' });
    const docs = $('docs');
    docs.textContent = '';
    if (!json.data) { docs.textContent = (json.errors || []).map((e) => e.message).join('; '); return; }
    for (const type of json.data.__schema.types) {
      if (type.name.startsWith('__') || !type.fields) continue;
      const h = document.createElement('h3'); h.textContent = type.name; docs.append(h);
      const ul = document.createElement('ul');
      for (const f of type.fields) {
        const li = document.createElement('li');
        const args = f.args.length ? '(' + f.args.map((a) => a.name + ': ' + typeName(a.type)).join(', ') + ')' : '';
        li.textContent = f.name + args + ': ';
        const span = document.createElement('span'); span.className = 'type'; span.textContent = typeName(f.type);
        li.append(span); if (f.description) li.title = f.description; ul.append(li);
      }
      docs.append(ul);
    }
  };
  $('run').addEventListener('click', run);
  document.addEventListener('keydown', (e) => { if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') { e.preventDefault(); void run(); } });
  key.addEventListener('change', () => { localStorage.setItem('bazaar.key', key.value); void loadDocs(); });
  void loadDocs();
})();
`;
