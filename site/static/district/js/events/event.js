// An event page: going, waiting and places-left counts, registration times and
// cancellations follow every change live.
import { announce, on, start } from "../live.js";
import { startCountdowns } from "./registration.js";

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

// The page as a reload would show it now (null when it cannot be fetched).
async function freshPage() {
  try {
    const response = await fetch(window.location.href, { credentials: "same-origin", headers: { Accept: "text/html" } });
    if (!response.ok) return null;
    return new DOMParser().parseFromString(await response.text(), "text/html");
  } catch (error) {
    return null; /* the next reload shows it */
  }
}

function replaceWithFresh(page, selector) {
  const old = document.querySelector(selector);
  const fresh = page.querySelector(selector);
  if (old && fresh) old.replaceWith(fresh);
  return fresh;
}

// Moved up from the waiting list (sent on your own stream): the date's card is
// fetched again, so it shows exactly what a reload would.
on("rsvp.promoted", async (data) => {
  if (!cardFor(data.occurrence_id)) return;
  const page = await freshPage();
  const fresh = page && replaceWithFresh(page, `.occurrence[data-occurrence-id="${data.occurrence_id}"]`);
  const status = fresh && fresh.querySelector(".my-rsvp");
  if (status) announce(status.textContent.trim());
});

// An organiser opened, extended or closed registration: the times, the
// organiser's tools and every date's button follow, with a countdown if it
// opens later.
on("registration.changed", async () => {
  const page = await freshPage();
  if (!page) return;
  replaceWithFresh(page, "[data-facts]");
  replaceWithFresh(page, ".registration-tools");
  for (const card of document.querySelectorAll(".occurrence")) {
    replaceWithFresh(page, `.occurrence[data-occurrence-id="${card.dataset.occurrenceId}"]`);
  }
  startCountdowns(document);
  if (announcer && announcer.dataset.registrationChanged) announce(announcer.dataset.registrationChanged);
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
