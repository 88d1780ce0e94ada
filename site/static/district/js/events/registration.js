// Registration countdown: counts down to the opening second by the server's clock
// (the page carries the server's time when it was made), then enables the sign-up
// buttons. The server refuses anything early whatever this script does.

function format(ms) {
  const total = Math.ceil(ms / 1000);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const two = (n) => String(n).padStart(2, "0");
  return hours > 0 ? `${hours}:${two(minutes)}:${two(seconds)}` : `${two(minutes)}:${two(seconds)}`;
}

// Start the countdowns under `root` (the page, or cards fetched again after an
// organiser changed the registration times); each box is started once.
export function startCountdowns(root = document) {
  for (const box of root.querySelectorAll("[data-countdown]")) {
    if (box.dataset.started) continue;
    box.dataset.started = "1";
    countDown(box);
  }
}

function countDown(box) {
  const opensAt = Number(box.dataset.opensAtMs);
  // Server time minus client time, measured when the page arrived (late by the transfer at most).
  const offset = Number(box.dataset.serverNowMs) - Date.now();
  const left = box.querySelector("[data-countdown-left]");
  const shown = box.querySelector("[data-countdown-shown]"); // "Time left:", shown once it counts
  if (shown) shown.hidden = false;
  const card = box.closest("[data-occurrence-id]") || document;
  const status = card.querySelector("[data-countdown-status]");
  const tick = () => {
    const remaining = opensAt - (Date.now() + offset);
    if (remaining <= 0) {
      for (const button of card.querySelectorAll("[data-opens-button]")) {
        button.disabled = false;
        button.removeAttribute("aria-disabled");
      }
      if (left) left.textContent = "";
      box.hidden = true;
      if (status) status.textContent = status.dataset.openText || "";
      return;
    }
    if (left) left.textContent = format(remaining);
    // Wake just after the next whole second, so the button turns on in the opening second.
    setTimeout(tick, Math.min(1000, (remaining % 1000) + 5));
  };
  tick();
}

startCountdowns();
