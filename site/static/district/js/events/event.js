// An event page: going, waiting and places-left counts, and cancellations, follow every change live.
import { announce, on, start } from "../live.js";

const announcer = document.getElementById("live-announcer");

function cardFor(occurrenceId) {
  return document.querySelector(`.occurrence[data-occurrence-id="${occurrenceId}"]`);
}

function showCancelled(card) {
  card.classList.add("is-cancelled");
  card.querySelector("[data-cancelled]").hidden = false;
  const area = card.querySelector("[data-rsvp-area]");
  if (area) area.hidden = true;
}

on("rsvp.changed", (data) => {
  const card = cardFor(data.occurrence_id);
  if (!card) return;
  card.querySelector("[data-going]").textContent = String(data.going);
  card.querySelector("[data-waiting]").textContent = String(data.waitlisted);
  const entered = card.querySelector("[data-entered]");
  if (entered && data.entered !== undefined) entered.textContent = String(data.entered);
  const left = card.querySelector("[data-left]");
  if (left && data.places_left !== null) {
    const changed = left.textContent !== String(data.places_left);
    left.textContent = String(data.places_left);
    if (changed && announcer) announce(`${announcer.dataset.left}: ${data.places_left}`);
  }
  if (data.cancelled) showCancelled(card);
});

// Moved up from the waiting list (sent on your own stream): the date's card is
// fetched again, so it shows exactly what a reload would.
on("rsvp.promoted", async (data) => {
  const card = cardFor(data.occurrence_id);
  if (!card) return;
  try {
    const response = await fetch(window.location.href, { credentials: "same-origin", headers: { Accept: "text/html" } });
    if (!response.ok) return;
    const fresh = new DOMParser()
      .parseFromString(await response.text(), "text/html")
      .querySelector(`.occurrence[data-occurrence-id="${data.occurrence_id}"]`);
    if (!fresh) return;
    card.replaceWith(fresh);
    const status = fresh.querySelector(".my-rsvp");
    if (status) announce(status.textContent.trim());
  } catch (error) {
    /* the next reload shows it */
  }
});

on("event.cancelled", () => {
  const banner = document.querySelector("[data-event-cancelled]");
  if (banner) banner.hidden = false;
  for (const card of document.querySelectorAll(".occurrence")) showCancelled(card);
  document.querySelector(".organiser-tools")?.remove();
  if (banner) announce(banner.textContent);
});

on("event.changed", () => {
  const banner = document.querySelector("[data-event-changed]");
  if (!banner) return;
  banner.hidden = false;
  announce(banner.querySelector("span").textContent);
});

start();
