// Live updates: one WebSocket per page (protocol: docs/live.md).
// The page embeds the last sequence number it rendered for each topic
// (<script id="live-topics">); after a (re)connect the client asks for what
// came after it, so nothing is lost or duplicated. Reconnects back off with jitter.

const handlers = new Map();
const seqs = {};
let socket = null;
let attempt = 0;
let started = false;

function readTopics() {
  const node = document.getElementById("live-topics");
  if (!node) return;
  const topics = JSON.parse(node.textContent || "{}") || {};
  for (const [topic, seq] of Object.entries(topics)) {
    if (!(topic in seqs)) seqs[topic] = seq;
  }
}

function send(frame) {
  if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(frame));
}

function dispatch(name, data, frame) {
  for (const fn of handlers.get(name) || []) {
    try {
      fn(data, frame);
    } catch (error) {
      console.error("live handler failed", name, error);
    }
  }
}

function receive(frame) {
  switch (frame.type) {
    case "event":
      if (frame.topic in seqs && frame.seq <= seqs[frame.topic]) return;
      if (frame.topic in seqs || !frame.topic.startsWith("user:")) seqs[frame.topic] = frame.seq;
      dispatch(frame.event, frame.data, frame);
      break;
    case "resync":
      dispatch("resync", {}, frame);
      saveDrafts();
      window.location.reload();
      break;
    case "error":
      console.warn("live:", frame.code, frame.topic || "");
      break;
    default:
      break;
  }
}

function connect() {
  const scheme = window.location.protocol === "https:" ? "wss" : "ws";
  socket = new WebSocket(`${scheme}://${window.location.host}/ws/live/`);
  socket.addEventListener("open", () => {
    attempt = 0;
    document.documentElement.dataset.live = "open";
    for (const [topic, seq] of Object.entries(seqs)) send({ type: "subscribe", topic, after: seq });
  });
  socket.addEventListener("message", (event) => {
    try {
      receive(JSON.parse(event.data));
    } catch (error) {
      console.error("live: bad frame", error);
    }
  });
  socket.addEventListener("close", (event) => {
    document.documentElement.dataset.live = "closed";
    if (event.code === 4001) return; // signed out elsewhere
    if (event.code === 4029) return; // too many tabs open: this one stays without live updates
    const ceiling = Math.min(30000, 500 * 2 ** attempt);
    attempt += 1;
    window.setTimeout(connect, ceiling / 2 + Math.random() * (ceiling / 2));
  });
}

export function on(name, fn) {
  if (!handlers.has(name)) handlers.set(name, []);
  handlers.get(name).push(fn);
}

export function start() {
  readTopics();
  if (started) return;
  started = true;
  restoreDrafts();
  connect();
}

export function isOpen() {
  return socket !== null && socket.readyState === WebSocket.OPEN;
}

// Polite announcements for screen readers; never moves focus or scrolls.
export function announce(text) {
  const region = document.getElementById("live-announcer");
  if (!region) return;
  region.textContent = "";
  window.setTimeout(() => {
    region.textContent = text;
  }, 50);
}

export function formatTime(iso) {
  const lang = document.documentElement.lang || "ko";
  return new Intl.DateTimeFormat(lang, { dateStyle: "short", timeStyle: "short", timeZone: "Asia/Seoul" }).format(
    new Date(iso),
  );
}

// Drafts survive a reload (resync) or a failed submit: nothing typed is lost.
function draftKey(field) {
  return `draft:${window.location.pathname}:${field.name}`;
}

export function saveDrafts() {
  for (const field of document.querySelectorAll("textarea[data-draft]")) {
    if (field.value.trim()) sessionStorage.setItem(draftKey(field), field.value);
  }
}

export function clearDraft(field) {
  sessionStorage.removeItem(draftKey(field));
}

function restoreDrafts() {
  for (const field of document.querySelectorAll("textarea[data-draft]")) {
    const saved = sessionStorage.getItem(draftKey(field));
    if (saved && !field.value.trim()) field.value = saved;
    field.addEventListener("input", saveDrafts);
  }
}
