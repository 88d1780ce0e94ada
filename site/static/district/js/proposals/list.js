// Proposal lists: support counts follow live; a new status shows a "refresh" banner.
import { on, start } from "../live.js";

function rowFor(id) {
  return document.querySelector(`.proposal-row[data-proposal-id="${id}"]`);
}

on("support.changed", (data) => {
  const cell = rowFor(data.proposal_id)?.querySelector("[data-supports]");
  if (cell) cell.textContent = String(data.supports);
});

function showNews() {
  const banner = document.getElementById("list-news");
  if (banner) banner.hidden = false;
}

on("proposal.status_changed", (data) => {
  const cell = rowFor(data.proposal_id)?.querySelector("[data-supports]");
  if (cell) cell.textContent = String(data.supports);
  showNews();
});
on("cycle.phase_changed", showNews);

start();
