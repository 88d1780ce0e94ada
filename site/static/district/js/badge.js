// The notification badge in the header follows the user's own stream.
import { on, start } from "./live.js";

const badge = document.querySelector("[data-unread]");
function show(count) {
  if (!badge) return;
  badge.textContent = String(count);
  badge.hidden = count === 0;
}
on("notification.created", (data) => show(data.unread));
on("notification.read", (data) => show(data.unread));
start();
