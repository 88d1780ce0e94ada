// The assembly's projector: the item under way, the number of people who took part, the certified result.
import { on, start } from "../live.js";

const body = document.body;

on("participation.changed", (data) => {
  const node = document.querySelector("[data-participants]");
  if (node) node.textContent = String(data.participants);
});

on("agenda.changed", (data) => {
  let title = "—";
  for (const li of document.querySelectorAll(".agenda li")) {
    const current = String(data.item_id) === li.dataset.itemId;
    li.classList.toggle("current", current);
    if (current) {
      li.setAttribute("aria-current", "step");
      title = li.textContent;
    } else {
      li.removeAttribute("aria-current");
    }
  }
  const node = document.querySelector("[data-current-item]");
  if (node) node.textContent = title;
});

on("ballot.closed", () => {
  const node = document.querySelector("[data-closed]");
  if (node) node.hidden = false;
});

on("ballot.certified", async () => {
  const node = document.querySelector("[data-closed]");
  if (node) node.hidden = false;
  const response = await fetch(body.dataset.resultUrl, { credentials: "same-origin" });
  if (!response.ok) return;
  document.querySelector("[data-result-body]").innerHTML = await response.text();
  document.querySelector("[data-result-area]").hidden = false;
});

start();
