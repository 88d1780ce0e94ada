// An event page: going, waiting and places-left counts follow every RSVP live.
import { on, start } from "../live.js";

on("rsvp.changed", (data) => {
  const card = document.querySelector(`[data-occurrence-id="${data.occurrence_id}"]`);
  if (!card) return;
  card.querySelector("[data-going]").textContent = String(data.going);
  card.querySelector("[data-waiting]").textContent = String(data.waitlisted);
  const left = card.querySelector("[data-left]");
  if (left && data.places_left !== null) left.textContent = String(data.places_left);
});
on("event.cancelled", () => window.location.reload());
start();
