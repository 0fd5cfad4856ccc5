/**
 * What the console bench runs inside the page, as plain JavaScript source (not a TypeScript function handed to
 * playwright: tsx's transform would leave helpers in it that the page does not have). Installed with
 * `addInitScript` so it is in place before the console's own scripts run; it keeps, all on the page's clock
 * (`performance.timeOrigin + performance.now()`, ms since the epoch):
 * - `shown`: when each event's rendering first appeared in the DOM, from one MutationObserver on the document
 *   (childList + the `data-seq` attribute): agent view `.utt[data-seq]` (utterances), `[data-suggestion-id]`
 *   (suggestion cards), `[data-testid="agent-alerts"] li[data-alert-id]` (alerts); wall `.sv-feed-item`
 *   (by `data-call-id` + `data-seq`). The observer's callback runs right after the render's DOM commit, before
 *   the frame is painted.
 * - `wire`: every event of a raw `/v1/events` WebSocket the bench opens in the same page (`openWire`), with
 *   its arrival time: the baseline, the event on the wire at the browser.
 * - wall only: when the first `.sv-tile` and when `tiles` of them were present (ms after navigation start).
 * - long tasks (PerformanceObserver 'longtask', buffered) and, between `startWindow()` and `stopWindow()`,
 *   every requestAnimationFrame timestamp.
 */
export interface ProbeConfig {
  mode: 'agent' | 'wall';
  /** Wall: how many tiles make the wall complete. */
  tiles?: number;
}

/** One event seen on the raw socket: arrival (page clock, epoch ms), type, callId, seq, emittedAt, id, notify, status. */
export type WireRow = [arrivedAt: number, type: string, callId: string, seq: number, emittedAt: number, id: string | null, notify: string, status: string];

export interface ProbeDump {
  timeOrigin: number;
  wire: WireRow[];
  /** Key → first time in the DOM (epoch ms, page clock): agent `u<seq>`, `s<suggestionId>`, `a<seq>`; wall `f<callId>#<seq>`. */
  shown: [string, number][];
  /** [startTime, duration] (ms after navigation start). */
  longTasks: [number, number][];
  /** performance.now() at start and stop, start on the epoch clock, and the frame timestamps between. */
  win: { start: number; end: number | null; startWall: number; endWall: number | null; frames: number[] } | null;
  tiles: { first: number | null; all: number | null; target: number };
  mutationCallbacks: number;
}

export function probeSource(cfg: ProbeConfig): string {
  return `(() => {
  if (window.__probe) return;
  const cfg = ${JSON.stringify(cfg)};
  const now = () => performance.timeOrigin + performance.now();
  const shown = new Map();
  const wire = [];
  const longTasks = [];
  const tiles = { first: null, all: null, target: cfg.tiles || 0 };
  const tileList = document.getElementsByClassName('sv-tile');
  let win = null;
  let callbacks = 0;
  const agent = cfg.mode === 'agent';
  const SEL = agent ? '.utt[data-seq],[data-suggestion-id],li[data-alert-id]' : '.sv-feed-item';
  const visit = (el, t) => {
    if (el.nodeType !== 1) return;
    let key = null;
    if (agent) {
      if (el.classList.contains('utt')) key = 'u' + el.getAttribute('data-seq');
      else if (el.hasAttribute('data-suggestion-id')) key = 's' + el.getAttribute('data-suggestion-id');
      else if (el.tagName === 'LI' && el.hasAttribute('data-alert-id') && el.closest('[data-testid="agent-alerts"]')) key = 'a' + el.getAttribute('data-seq');
    } else if (el.classList.contains('sv-feed-item')) key = 'f' + el.getAttribute('data-call-id') + '#' + el.getAttribute('data-seq');
    if (key !== null && !shown.has(key)) shown.set(key, t);
  };
  const mo = new MutationObserver((records) => {
    const t = now();
    callbacks++;
    for (const r of records) {
      if (r.type === 'attributes') visit(r.target, t);
      else for (const n of r.addedNodes) {
        if (n.nodeType !== 1) continue;
        visit(n, t);
        if (n.firstElementChild) for (const d of n.querySelectorAll(SEL)) visit(d, t);
      }
    }
    if (!agent && tiles.all === null) {
      const k = tileList.length;
      if (k > 0 && tiles.first === null) tiles.first = performance.now();
      if (k >= tiles.target) tiles.all = performance.now();
    }
  });
  mo.observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-seq'] });
  try {
    new PerformanceObserver((list) => { for (const e of list.getEntries()) longTasks.push([e.startTime, e.duration]); }).observe({ type: 'longtask', buffered: true });
  } catch (err) {}
  const tick = (ts) => {
    if (!win || win.end !== null) return;
    win.frames.push(ts);
    requestAnimationFrame(tick);
  };
  window.__probe = {
    openWire(path) {
      return new Promise((resolve, reject) => {
        const ws = new WebSocket((location.protocol === 'https:' ? 'wss' : 'ws') + '://' + location.host + path);
        ws.onopen = () => resolve(true);
        ws.onerror = () => reject(new Error('the raw /v1/events socket failed: ' + path));
        ws.onmessage = (m) => {
          const t = now();
          const e = JSON.parse(m.data);
          const id = e.type === 'suggestion' ? e.suggestionId : (e.alertId || e.utteranceId || null);
          wire.push([t, e.type, e.callId, e.seq, e.emittedAt, id, e.notify ? e.notify.join(',') : '', e.status || '']);
        };
        window.__wireSocket = ws;
      });
    },
    startWindow() {
      win = { start: performance.now(), end: null, startWall: now(), endWall: null, frames: [] };
      requestAnimationFrame(tick);
    },
    stopWindow() {
      if (win && win.end === null) { win.end = performance.now(); win.endWall = now(); }
    },
    tilesDone() { return tiles.all !== null; },
    dump() {
      return { timeOrigin: performance.timeOrigin, wire, shown: [...shown], longTasks, win, tiles, mutationCallbacks: callbacks };
    },
  };
})();`;
}
