// A board: announces new threads and replies without moving the list under the reader.
import { on, start } from "../live.js";

const banner = document.getElementById("board-news");
const text = banner.querySelector("[data-live-text]");
let threads = 0;
let replies = 0;

function update() {
  const parts = [];
  if (threads) parts.push((threads === 1 ? banner.dataset.thread : banner.dataset.threads).replace("%s", threads));
  if (replies) parts.push((replies === 1 ? banner.dataset.reply : banner.dataset.replies).replace("%s", replies));
  text.textContent = parts.join(" · ");
  banner.hidden = parts.length === 0;
}

on("thread.created", () => {
  threads += 1;
  update();
});
on("post.created", () => {
  replies += 1;
  update();
});
start();
