// Machine translation controls ({% translation_control %}): ask, wait, show beside the original.
// The result arrives live (translation.finished / translation.failed on the object's topic)
// when the page has live topics; otherwise, and as a fallback, the page polls with back-off.
import { on, start } from "./live.js";

const controls = new Map();
for (const node of document.querySelectorAll("[data-translation]")) {
  if (!controls.has(node.dataset.translation)) controls.set(node.dataset.translation, []);
  controls.get(node.dataset.translation).push(node);
}

function setExpanded(node, expanded) {
  const button = node.querySelector("[data-translate-button]");
  const result = node.querySelector(".translation-result");
  result.hidden = !expanded;
  button.setAttribute("aria-expanded", expanded ? "true" : "false");
  button.textContent = expanded ? button.dataset.labelHide : button.dataset.labelShow;
}

function show(item) {
  for (const node of controls.get(item.key) || []) {
    if (item.same_language) {
      node.remove();
      continue;
    }
    node.dataset.status = item.status;
    node.querySelector("[data-translation-pending]").hidden = item.status !== "pending";
    node.querySelector("[data-translation-failed]").hidden = item.status !== "failed";
    const text = node.querySelector("[data-translation-text]");
    text.hidden = item.status !== "done";
    if (item.status === "done") {
      text.innerHTML = item.html; // rendered and sanitised on the server
      const label = node.querySelector("[data-translation-label]");
      label.textContent = item.source_language_name
        ? label.dataset.template.replace("%(language)s", item.source_language_name)
        : label.dataset.unknown;
    }
  }
}

let pollDelay = 1500;
let pollTimer = null;

function pendingKeys() {
  return [...controls.keys()].filter((key) =>
    controls.get(key).some((node) => node.dataset.status === "pending" && !node.querySelector(".translation-result").hidden),
  );
}

function schedulePoll() {
  if (pollTimer !== null || pendingKeys().length === 0) return;
  pollTimer = window.setTimeout(async () => {
    pollTimer = null;
    const keys = pendingKeys();
    if (keys.length === 0) return;
    await exchange("GET", keys);
    pollDelay = Math.min(30000, pollDelay * 2);
    schedulePoll();
  }, pollDelay);
}

async function exchange(method, keys, retry = false) {
  const params = new URLSearchParams();
  for (const key of keys) params.append("key", key);
  if (retry) params.append("retry", "1");
  const options = { method, credentials: "same-origin", headers: { Accept: "application/json" } };
  let url = "/translations/";
  if (method === "POST") {
    options.body = params;
    options.headers["X-Dongne-Translate"] = "1";
  } else {
    url += `?${params}`;
  }
  try {
    const response = await fetch(url, options);
    if (!response.ok) throw new Error(String(response.status));
    const data = await response.json();
    for (const item of Object.values(data.items || {})) {
      if (item.status === "none") item.status = "pending";
      show(item);
    }
  } catch (error) {
    for (const key of keys) show({ key, status: "failed" });
  }
}

function request(keys, retry = false) {
  for (const key of keys) show({ key, status: "pending" });
  pollDelay = 1500;
  exchange("POST", keys, retry).then(schedulePoll);
}

for (const [key, nodes] of controls) {
  for (const node of nodes) {
    node.querySelector("[data-translate-button]").addEventListener("click", () => {
      const expand = node.querySelector(".translation-result").hidden;
      setExpanded(node, expand);
      if (expand && (node.dataset.status === "none" || node.dataset.status === "failed")) request([key]);
      else if (expand && node.dataset.status === "pending") schedulePoll();
    });
    node.querySelector("[data-translation-retry]").addEventListener("click", () => request([key], true));
  }
}

// "Always translate": everything on the page is asked for at once.
const automatic = [...controls.keys()].filter((key) =>
  controls.get(key).some((node) => node.hasAttribute("data-auto")),
);
for (const key of automatic) for (const node of controls.get(key)) setExpanded(node, true);
const missing = automatic.filter((key) => controls.get(key).some((node) => node.dataset.status === "none"));
if (missing.length) request(missing);
else schedulePoll();

function fromLive(data) {
  if (data.language !== document.documentElement.lang && data.language !== document.documentElement.dataset.language) return;
  if (!controls.has(data.key)) return;
  show(data);
}
on("translation.finished", fromLive);
on("translation.failed", fromLive);
if (document.getElementById("live-topics")) start();
