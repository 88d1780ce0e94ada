// A ballot page: the participation count follows every vote live; closing and certification show a banner.
// Payloads never carry anyone's choices (see votes/services.py).
import { announce, on, start } from "../live.js";

on("participation.changed", (data) => {
  for (const node of document.querySelectorAll("[data-participants]")) node.textContent = String(data.participants);
});

function showClosed() {
  const banner = document.querySelector("[data-closed]");
  if (banner && banner.hidden) {
    banner.hidden = false;
    announce(banner.textContent);
  }
}

on("ballot.closed", showClosed);
on("ballot.certified", () => {
  showClosed();
  window.setTimeout(() => window.location.reload(), 1500);
});

start();
