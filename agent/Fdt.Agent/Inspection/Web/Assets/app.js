// The fdt inspector page: a list of captured requests kept up to date over server-sent events,
// details with readable bodies, replay (as is or changed), curl and HAR export. Captured data is
// only ever inserted as text, never as HTML.
'use strict';
(() => {
  const $ = (id) => document.getElementById(id);
  const CSRF = { 'X-Fdt-Inspector': '1' };
  // Headers the replay sets itself (the API refuses to set them).
  const FRAMING = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'upgrade', 'expect']);
  let selected = null;
  let current = null;
  let originalBody = null;
  let listTimer = null;
  let detailTimer = null;

  function el(tag, props, ...children) {
    const e = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value === undefined || value === null) continue;
      if (key === 'class') e.className = value;
      else if (key === 'text') e.textContent = value;
      else e.setAttribute(key, value);
    }
    for (const child of children) if (child !== null && child !== undefined) e.append(child);
    return e;
  }

  function bytes(n) {
    if (n < 1024) return `${n} B`;
    if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
    return `${(n / 1024 / 1024).toFixed(1)} MiB`;
  }

  function ms(value) { return value === undefined || value === null ? '' : `${value.toFixed(1)} ms`; }

  function statusClass(status) { return `s${status ? Math.floor(status / 100) : 0}`; }

  function showMessage(text, info) {
    const m = $('message');
    m.textContent = text;
    m.className = info ? 'message info' : 'message';
    m.hidden = !text;
  }

  function listQuery() {
    const params = new URLSearchParams({ limit: '500' });
    if ($('filter-path').value) params.set('path', $('filter-path').value);
    if ($('filter-method').value) params.set('method', $('filter-method').value);
    if ($('filter-status').value) params.set('status', $('filter-status').value);
    return params.toString();
  }

  async function loadList() {
    const response = await fetch(`/api/requests?${listQuery()}`);
    if (!response.ok) return;
    const data = await response.json();
    const body = $('list').tBodies[0];
    body.replaceChildren(...data.requests.map((r) => {
      const row = el('tr', { 'data-id': r.id, class: r.id === selected ? 'selected' : null },
        el('td', { text: new Date(r.startedAt).toLocaleTimeString() }),
        el('td', { text: r.method }),
        el('td', { class: 'path', text: (r.replayOf ? '↻ ' : '') + r.target }),
        el('td', { class: statusClass(r.status), text: r.status ? `${r.status}` : r.state }),
        el('td', { class: 'num', text: ms(r.durationMs) }));
      row.addEventListener('click', () => select(r.id));
      return row;
    }));
    $('empty').hidden = data.requests.length > 0;
    const l = data.limits;
    $('footer').textContent = `${data.total} kept (at most ${l.maxRequests}) · ${bytes(data.memoryBytes)} of ${bytes(l.memoryBytes)} · bodies up to ${bytes(l.bodyBytes)} each`;
  }

  function scheduleList() {
    clearTimeout(listTimer);
    listTimer = setTimeout(loadList, 100);
  }

  function headerTable(headers) {
    return el('table', { class: 'headers' }, el('tbody', null, ...headers.map((h) => el('tr', null, el('td', { text: h.name }), el('td', { text: h.value })))));
  }

  function bodyBlock(body, id, which) {
    const block = el('div');
    if (body.kind === 'none') {
      block.append(el('p', { class: 'meta', text: 'No body' }));
      return block;
    }
    const meta = [`${bytes(body.size)}`];
    if (body.contentType) meta.push(body.contentType);
    if (body.decodedFrom) meta.push(`decoded from ${body.decodedFrom}`);
    block.append(el('p', { class: 'meta' }, meta.join(' · '), ' · ',
      el('a', { href: `/api/requests/${encodeURIComponent(id)}/${which}/body`, text: 'download raw' })));
    if (body.truncated) {
      const why = body.truncation === 'memory-limit' ? 'the inspector\'s memory was full' : 'the body limit';
      block.append(el('p', { class: 'truncated', text: `Truncated: ${bytes(body.capturedSize)} of ${bytes(body.size)} captured (${why}).` }));
    }
    if (body.kind === 'form' && body.form) {
      block.append(headerTable(body.form));
    }
    if (body.kind === 'binary') {
      block.append(el('p', { class: 'meta', text: 'Binary; the first bytes:' }), el('pre', { text: body.hexHead }));
    } else if (body.text !== undefined) {
      block.append(el('pre', { text: body.text }));
    }
    return block;
  }

  function renderDetail(d) {
    $('detail').hidden = false;
    const status = d.response ? `${d.response.status} ${d.response.reason}` : d.state;
    const parts = [`${d.request.method} ${d.url || d.request.target}`, `→ ${status}`];
    if (d.durationMs !== undefined) parts.push(`in ${ms(d.durationMs)}`);
    if (d.timeToFirstByteMs !== undefined) parts.push(`(first byte ${ms(d.timeToFirstByteMs)})`);
    const summary = $('summary');
    summary.replaceChildren(parts.join(' '));
    const facts = [`${new Date(d.startedAt).toLocaleString()}`, `tunnel ${d.tunnel}`, `local ${d.local}`, d.state];
    if (d.remoteAddress) facts.push(`from ${d.remoteAddress}`);
    summary.append(el('br'), el('span', { class: 'meta', text: facts.join(' · ') }));
    if (d.replayOf) {
      const link = el('a', { href: '#', text: d.replayOf });
      link.addEventListener('click', (e) => { e.preventDefault(); select(d.replayOf); });
      summary.append(el('span', { class: 'meta', text: ' · replay of ' }), link);
    }
    $('har').href = `/api/requests/${encodeURIComponent(d.id)}/har`;
    $('har').setAttribute('download', `${d.id}.har`);
    $('request').replaceChildren(el('h3', { text: `${d.request.method} ${d.request.target} ${d.request.httpVersion}` }),
      headerTable(d.request.headers), bodyBlock(d.request.body, d.id, 'request'));
    const response = $('response');
    if (!d.response) {
      response.replaceChildren(el('p', { class: 'meta', text: d.state === 'pending' ? 'Waiting for the response…' : 'No response.' }));
      return;
    }
    response.replaceChildren(el('h3', { class: statusClass(d.response.status), text: `${d.response.httpVersion} ${d.response.status} ${d.response.reason}` }),
      headerTable(d.response.headers));
    if (d.webSocket) {
      response.append(el('p', { text: `WebSocket: ${d.webSocket.messagesFromClient} messages from the visitor, ${d.webSocket.messagesFromServer} from the service${d.webSocket.closed ? ', closed' : ', open'}.` }));
    }
    if (d.serverSentEvents !== undefined) {
      response.append(el('p', { text: `Server-sent events so far: ${d.serverSentEvents}.` }));
    }
    response.append(bodyBlock(d.response.body, d.id, 'response'));
  }

  async function select(id) {
    if (selected !== id) {
      $('edit-form').hidden = true;
      $('curl-text').hidden = true;
      showMessage('');
    }
    selected = id;
    history.replaceState(null, '', `#${encodeURIComponent(id)}`);
    for (const row of $('list').tBodies[0].rows) row.classList.toggle('selected', row.dataset.id === id);
    const response = await fetch(`/api/requests/${encodeURIComponent(id)}`);
    if (!response.ok) {
      showMessage((await response.json()).error);
      return;
    }
    current = await response.json();
    renderDetail(current);
  }

  async function replay(changes) {
    showMessage('Replaying…', true);
    const response = await fetch(`/api/requests/${encodeURIComponent(current.id)}/replay`, {
      method: 'POST',
      headers: { ...CSRF, 'Content-Type': 'application/json' },
      body: JSON.stringify(changes || {}),
    });
    const data = await response.json();
    if (!response.ok) {
      showMessage(`Replay failed: ${data.error}`);
      return;
    }
    $('edit-form').hidden = true;
    await loadList();
    await select(data.id);
    showMessage(`Replayed as ${data.id}.`, true);
  }

  async function openEditor() {
    const d = current;
    $('edit-method').value = d.request.method;
    $('edit-path').value = d.request.target;
    $('edit-headers').value = d.request.headers.filter((h) => !FRAMING.has(h.name.toLowerCase())).map((h) => `${h.name}: ${h.value}`).join('\n');
    const body = $('edit-body');
    const note = $('edit-body-note');
    originalBody = null;
    body.disabled = false;
    note.textContent = '';
    const raw = await fetch(`/api/requests/${encodeURIComponent(d.id)}/request/body`);
    try {
      originalBody = new TextDecoder('utf-8', { fatal: true }).decode(await raw.arrayBuffer());
      body.value = originalBody;
    } catch {
      body.value = '';
      body.disabled = true;
      note.textContent = '(binary: sent as captured)';
    }
    if (d.request.body.truncated) note.textContent = '(truncated when captured: give the whole body to replay)';
    $('edit-form').hidden = false;
    $('edit-method').focus();
  }

  function editedChanges() {
    const d = current;
    const set = {};
    for (const line of $('edit-headers').value.split('\n')) {
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      const name = line.slice(0, colon).trim();
      const value = line.slice(colon + 1).trim();
      const existing = Object.keys(set).find((k) => k.toLowerCase() === name.toLowerCase());
      if (existing) set[existing] += `, ${value}`; else set[name] = value;
    }
    const kept = new Set(Object.keys(set).map((k) => k.toLowerCase()));
    const remove = [...new Set(d.request.headers.map((h) => h.name).filter((n) => !kept.has(n.toLowerCase()) && !FRAMING.has(n.toLowerCase())))];
    const changes = { method: $('edit-method').value.trim(), path: $('edit-path').value.trim(), headers: { set, remove } };
    const body = $('edit-body');
    if (!body.disabled && (body.value !== originalBody || d.request.body.truncated)) changes.body = body.value;
    return changes;
  }

  async function showCurl() {
    const response = await fetch(`/api/requests/${encodeURIComponent(current.id)}/curl`);
    const text = await response.text();
    const pre = $('curl-text');
    pre.textContent = text;
    pre.hidden = false;
    try {
      await navigator.clipboard.writeText(text);
      showMessage('The curl command is on the clipboard.', true);
    } catch {
      showMessage('Copy the curl command below.', true);
    }
  }

  function connect() {
    const events = new EventSource('/api/events');
    events.addEventListener('open', () => { $('live').textContent = 'live'; $('live').classList.add('on'); scheduleList(); });
    events.addEventListener('error', () => { $('live').textContent = 'reconnecting…'; $('live').classList.remove('on'); });
    for (const kind of ['added', 'removed', 'cleared']) events.addEventListener(kind, scheduleList);
    events.addEventListener('updated', (e) => {
      scheduleList();
      if (selected && JSON.parse(e.data).id === selected && $('edit-form').hidden) {
        clearTimeout(detailTimer);
        detailTimer = setTimeout(() => select(selected), 200);
      }
    });
  }

  $('filter').addEventListener('input', scheduleList);
  $('filter').addEventListener('submit', (e) => { e.preventDefault(); loadList(); });
  $('clear').addEventListener('click', async () => {
    await fetch('/api/requests', { method: 'DELETE', headers: CSRF });
    selected = null;
    current = null;
    history.replaceState(null, '', '/');
    $('detail').hidden = true;
    loadList();
  });
  $('replay').addEventListener('click', () => replay(null));
  $('edit').addEventListener('click', openEditor);
  $('edit-cancel').addEventListener('click', () => { $('edit-form').hidden = true; });
  $('edit-form').addEventListener('submit', (e) => { e.preventDefault(); replay(editedChanges()); });
  $('curl').addEventListener('click', showCurl);
  loadList();
  connect();
  if (location.hash.length > 1) select(decodeURIComponent(location.hash.slice(1)));
})();
