/// The dashboard at `/`: one HTML document with its style sheet and script inlined, built
/// from the constants below (no CDN, no external file: it works offline).
///
/// Stable hooks for browser tests: `.panel[data-id]` per stream, with one of the classes
/// `pending`, `receiving`, `stopped`, `done`, `error` (and `stalled` once pending for 2 s),
/// `data-state` and `data-tokens`; `button.stop` in each panel; `#protocol`,
/// `#browser-protocol`, `#live-count`, `#pending-count`, `#pending-now`,
/// `#events-per-second`, `#total-events`, and `body[data-ready]` once the streams are opened.
public enum DashboardPage {
    public static var html: String {
        """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>sse-server: streams over one connection</title>
        <link rel="icon" href="data:,">
        <style>
        \(DashboardStyle.css)
        </style>
        </head>
        <body>
        \(body)
        <script>
        \(DashboardScript.javascript)
        </script>
        </body>
        </html>

        """
    }

    static let body = #"""
    <header id="top">
      <h1>sse-server <span class="sub">many Server-Sent Event streams, one connection</span></h1>
      <div class="stats">
        <div class="stat"><span class="label">protocol (server)</span><span id="protocol" class="value">?</span></div>
        <div class="stat"><span class="label">protocol (browser)</span><span id="browser-protocol" class="value">?</span></div>
        <div class="stat"><span class="label">streams</span><span id="stream-count" class="value">0</span></div>
        <div class="stat live"><span class="label">live</span><span id="live-count" class="value">0</span></div>
        <div class="stat pending"><span class="label">pending &gt; 2 s</span><span id="pending-count" class="value">0</span></div>
        <div class="stat"><span class="label">not started yet</span><span id="pending-now" class="value">0</span></div>
        <div class="stat"><span class="label">events / s</span><span id="events-per-second" class="value">0</span></div>
        <div class="stat"><span class="label">events</span><span id="total-events" class="value">0</span></div>
      </div>
      <p id="verdict">Opening streams&hellip;</p>
      <nav>
        streams: <a href="?streams=6">6</a> <a href="?streams=12">12</a> <a href="?streams=20">20</a>
        <a href="?streams=100">100</a> <a href="?streams=200">200</a>
        &middot; <button id="stop-all" type="button">Stop all</button>
        <button id="start-all" type="button">Start all</button>
        &middot; <a href="/metrics">/metrics</a> <a href="/whoami">/whoami</a>
      </nav>
    </header>
    <main id="panels"></main>
    """#
}

enum DashboardStyle {
    static let css = #"""
    :root { color-scheme: dark; --bg: #0f1218; --panel: #171c25; --line: #2a3140; --text: #d6dbe4;
            --dim: #7d8799; --live: #3ecf8e; --wait: #e5a445; --bad: #e5534b; --accent: #6cb6ff; }
    * { box-sizing: border-box; }
    body { margin: 0; background: var(--bg); color: var(--text);
           font: 13px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
    header#top { position: sticky; top: 0; z-index: 1; background: #0b0e13ee; border-bottom: 1px solid var(--line);
                 padding: 10px 16px 8px; }
    h1 { margin: 0 0 8px; font-size: 18px; font-weight: 600; }
    h1 .sub { font-weight: 400; color: var(--dim); font-size: 14px; margin-left: 8px; }
    .stats { display: flex; flex-wrap: wrap; gap: 8px; }
    .stat { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 4px 10px;
            display: flex; flex-direction: column; min-width: 92px; }
    .stat .label { color: var(--dim); font-size: 11px; text-transform: uppercase; letter-spacing: .04em; }
    .stat .value { font: 600 18px/1.3 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
    .stat.live .value { color: var(--live); }
    .stat.pending .value { color: var(--wait); }
    #verdict { margin: 8px 0 4px; color: var(--text); }
    #verdict.warn { color: var(--wait); }
    nav { color: var(--dim); font-size: 12px; }
    nav a { color: var(--accent); margin-right: 4px; }
    nav button, .panel button { background: #232a36; color: var(--text); border: 1px solid var(--line);
                                border-radius: 4px; font-size: 11px; padding: 1px 6px; cursor: pointer; }
    nav button:hover, .panel button:hover { border-color: var(--accent); }
    main#panels { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: 6px; padding: 10px 16px; }
    .panel { background: var(--panel); border: 1px solid var(--line); border-left: 3px solid var(--dim);
             border-radius: 6px; height: 104px; display: flex; flex-direction: column; overflow: hidden; }
    .panel header { display: flex; align-items: center; gap: 6px; padding: 3px 6px; border-bottom: 1px solid var(--line);
                    font-size: 11px; }
    .panel .name { font-weight: 600; }
    .panel .state { color: var(--dim); flex: 1; }
    .panel .tokens { color: var(--dim); font-family: ui-monospace, monospace; }
    .panel .text { flex: 1; padding: 3px 6px; font-size: 11px; line-height: 1.35; white-space: pre-wrap;
                   overflow: hidden; display: flex; flex-direction: column; justify-content: flex-end; word-break: break-word; }
    .panel.receiving { border-left-color: var(--live); }
    .panel.receiving .state { color: var(--live); }
    .panel.pending .state { color: var(--wait); }
    .panel.pending.stalled { border-left-color: var(--wait); border-style: dashed; border-left-style: solid; }
    .panel.pending .text::before { content: "waiting for the server\2026"; color: var(--dim); font-style: italic; }
    .panel.pending.stalled .text::before { content: "pending: no connection or stream slot free"; color: var(--wait); }
    .panel.stopped, .panel.done { opacity: .6; }
    .panel.error { border-left-color: var(--bad); }
    .panel.error .state { color: var(--bad); }
    """#
}

enum DashboardScript {
    static let javascript = #"""
    (() => {
      'use strict';
      const params = new URLSearchParams(location.search);
      const intParam = (name, fallback, low, high) => {
        const value = parseInt(params.get(name) || '', 10);
        return Number.isFinite(value) ? Math.min(high, Math.max(low, value)) : fallback;
      };
      const STREAMS = intParam('streams', 12, 1, 200);
      const INTERVAL = params.get('interval');
      const PENDING_AFTER_MS = 2000;
      const MAX_TEXT = 600;
      const $ = (id) => document.getElementById(id);
      const grid = $('panels');
      const panels = [];
      const dirty = new Set();
      let totalEvents = 0;
      let bucketEvents = 0;
      const buckets = [0, 0, 0, 0];
      let serverInfo = null;

      const navigation = performance.getEntriesByType && performance.getEntriesByType('navigation')[0];
      $('browser-protocol').textContent = (navigation && navigation.nextHopProtocol) || '?';
      $('stream-count').textContent = String(STREAMS);

      function streamURL(id) {
        let url = '/stream-ai?id=' + id;
        if (INTERVAL) url += '&interval=' + encodeURIComponent(INTERVAL);
        return url;
      }

      function makePanel(id) {
        const el = document.createElement('section');
        el.className = 'panel pending';
        el.id = 'panel-' + id;
        el.dataset.id = String(id);
        el.dataset.state = 'pending';
        el.dataset.tokens = '0';
        el.innerHTML = '<header><span class="name">#' + id + '</span><span class="state">pending</span>' +
          '<span class="tokens">0</span><button class="stop" type="button">Stop</button></header><div class="text"></div>';
        const text = document.createTextNode('');
        const box = el.querySelector('.text');
        const line = document.createElement('div');
        line.appendChild(text);
        box.appendChild(line);
        grid.appendChild(el);
        const panel = { id, el, text, stateEl: el.querySelector('.state'), tokensEl: el.querySelector('.tokens'),
                        button: el.querySelector('button.stop'), source: null, tokens: 0, openedAt: 0,
                        buffer: '', status: 'pending' };
        panel.button.addEventListener('click', () => (panel.source ? stop(panel) : start(panel)));
        return panel;
      }

      function setStatus(panel, status) {
        panel.status = status;
        panel.el.classList.remove('pending', 'receiving', 'stopped', 'done', 'error', 'stalled');
        panel.el.classList.add(status);
        panel.el.dataset.state = status;
        panel.stateEl.textContent = status;
      }

      function start(panel) {
        panel.openedAt = performance.now();
        setStatus(panel, 'pending');
        panel.button.textContent = 'Stop';
        const source = new EventSource(streamURL(panel.id));
        panel.source = source;
        source.onmessage = (event) => {
          if (panel.source !== source) return;
          if (panel.status !== 'receiving') setStatus(panel, 'receiving');
          panel.tokens += 1;
          totalEvents += 1;
          bucketEvents += 1;
          panel.buffer += event.data;
          dirty.add(panel);
        };
        source.addEventListener('done', () => {
          if (panel.source !== source) return;
          source.close();
          panel.source = null;
          setStatus(panel, 'done');
          panel.button.textContent = 'Restart';
        });
        source.onerror = () => {
          if (panel.source !== source) return;
          if (source.readyState === EventSource.CLOSED) {
            panel.source = null;
            setStatus(panel, 'error');
            panel.button.textContent = 'Restart';
          }
        };
      }

      // Closing an EventSource cancels its request: over h2 the browser resets the stream
      // (RST_STREAM CANCEL), over HTTP/1.1 it closes the connection; either way the server
      // cancels the generator and counts it in sse_streams_cancelled_total.
      function stop(panel) {
        if (!panel.source) return;
        panel.source.close();
        panel.source = null;
        setStatus(panel, 'stopped');
        panel.button.textContent = 'Restart';
      }

      function render() {
        for (const panel of dirty) {
          if (panel.buffer) {
            let data = panel.text.data + panel.buffer;
            if (data.length > MAX_TEXT) data = data.slice(data.length - MAX_TEXT / 2);
            panel.text.data = data;
            panel.buffer = '';
          }
          panel.tokensEl.textContent = String(panel.tokens);
          panel.el.dataset.tokens = String(panel.tokens);
        }
        dirty.clear();
      }

      function updateStats() {
        const now = performance.now();
        let live = 0, stalled = 0, waiting = 0;
        for (const panel of panels) {
          if (panel.status === 'receiving') live += 1;
          if (panel.status === 'pending') {
            waiting += 1;
            if (now - panel.openedAt >= PENDING_AFTER_MS) {
              stalled += 1;
              panel.el.classList.add('stalled');
            }
          }
        }
        buckets.shift();
        buckets.push(bucketEvents);
        bucketEvents = 0;
        $('live-count').textContent = String(live);
        $('pending-count').textContent = String(stalled);
        $('pending-now').textContent = String(waiting);
        $('events-per-second').textContent = String(buckets.reduce((a, b) => a + b, 0));
        $('total-events').textContent = String(totalEvents);
        const verdict = $('verdict');
        const protocol = serverInfo ? serverInfo.protocol : '?';
        verdict.className = stalled > 0 ? 'warn' : '';
        if (stalled > 0 && protocol === 'http/1.1') {
          verdict.textContent = 'HTTP/1.1: the browser opens at most 6 connections to this origin, one per stream; ' +
            stalled + ' streams wait for a connection to free up (the "7th tab" symptom).';
        } else if (stalled > 0 && protocol === 'h2') {
          verdict.textContent = 'h2, but the server allows only ' + serverInfo.max_concurrent_streams +
            ' concurrent streams (SETTINGS_MAX_CONCURRENT_STREAMS): ' + stalled + ' streams wait for a slot.';
        } else if (live > 0 && protocol === 'h2') {
          verdict.textContent = live + ' streams live, multiplexed over one h2 connection.';
        } else if (live > 0) {
          verdict.textContent = live + ' streams live over ' + protocol + '.';
        }
      }

      function openAll() {
        if (document.body.dataset.ready) return;
        document.body.dataset.ready = 'true';
        for (const panel of panels) start(panel);
      }

      for (let id = 0; id < STREAMS; id += 1) panels.push(makePanel(id));
      $('stop-all').addEventListener('click', () => panels.forEach(stop));
      $('start-all').addEventListener('click', () => panels.forEach((panel) => { if (!panel.source) start(panel); }));
      setInterval(render, 100);
      setInterval(updateStats, 250);

      // Ask the server which protocol it sees before the streams take the connections
      // (over HTTP/1.1, a request after six open streams would wait forever).
      const fallback = setTimeout(openAll, 1500);
      fetch('/whoami', { cache: 'no-store' })
        .then((response) => response.json())
        .then((info) => {
          serverInfo = info;
          $('protocol').textContent = info.protocol;
          document.body.dataset.protocol = info.protocol;
        })
        .catch(() => { $('protocol').textContent = 'unknown'; })
        .finally(() => { clearTimeout(fallback); openAll(); });
    })();
    """#
}
