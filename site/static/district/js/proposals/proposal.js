// A proposal page: the support count and meter follow every change live; a status change shows a banner.
import { announce, on, start } from "../live.js";

const count = document.querySelector("[data-supports]");
const meter = document.querySelector("[data-meter]");
const announcer = document.getElementById("live-announcer");

function showCounts(data) {
  if (!count || typeof data.supports !== "number") return;
  const changed = count.textContent !== String(data.supports);
  count.textContent = String(data.supports);
  if (meter && data.threshold) {
    meter.max = data.threshold;
    meter.value = Math.min(data.supports, data.threshold);
  }
  if (changed && announcer) announce(`${announcer.dataset.label}: ${data.supports}`);
}

function showChanged() {
  const banner = document.querySelector("[data-proposal-changed]");
  if (!banner) return;
  banner.hidden = false;
  announce(banner.querySelector("span").textContent);
}

on("support.changed", showCounts);
on("proposal.status_changed", (data) => {
  showCounts(data);
  showChanged();
});
on("proposal.edited", showChanged);
on("proposal.progress", showChanged);

start();
