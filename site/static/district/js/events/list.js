// A board's event list: places left and cancellations follow live; a new event is announced, not inserted.
import { on, start } from "../live.js";

const strings = document.getElementById("event-strings").dataset;
const banner = document.getElementById("board-news");

function rowsFor(data) {
  const selector = data.occurrence_id
    ? `.event-row[data-occurrence-id="${data.occurrence_id}"]`
    : `.event-row[data-event-id="${data.event_id}"]`;
  return document.querySelectorAll(selector);
}

function cancel(row) {
  row.classList.add("is-cancelled");
  row.querySelector("[data-cancelled]").hidden = false;
}

on("rsvp.changed", (data) => {
  for (const row of rowsFor(data)) {
    const places = row.querySelector("[data-places]");
    if (places && data.places_left !== null) {
      places.textContent =
        data.places_left === 0
          ? strings.full
          : data.places_left === 1
            ? strings.leftOne
            : strings.leftMany.replace("%s", data.places_left);
    }
    if (data.cancelled) cancel(row);
  }
});
on("event.cancelled", (data) => {
  for (const row of rowsFor({ event_id: data.event_id })) cancel(row);
});
on("event.created", () => {
  banner.querySelector("[data-live-text]").textContent = strings.newEvent;
  banner.hidden = false;
});
start();
