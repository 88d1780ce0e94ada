// The month calendar: arrow keys move between days (a roving tabindex), Home/End to the week's ends.
const table = document.querySelector("[data-calendar]");
const cells = Array.from(table.querySelectorAll("tbody td"));
const start = cells.find((cell) => cell.getAttribute("aria-current") === "date") ||
  cells.find((cell) => !cell.classList.contains("outside")) || cells[0];
start.tabIndex = 0;

const moves = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -7, ArrowDown: 7 };

table.addEventListener("keydown", (event) => {
  const cell = event.target.closest("td");
  if (!cell || event.target !== cell) return;
  const index = cells.indexOf(cell);
  let next = index;
  if (event.key in moves) next = index + moves[event.key];
  else if (event.key === "Home") next = index - (index % 7);
  else if (event.key === "End") next = index - (index % 7) + 6;
  else return;
  event.preventDefault();
  if (next < 0 || next >= cells.length) return;
  cell.tabIndex = -1;
  cells[next].tabIndex = 0;
  cells[next].focus();
});
table.addEventListener("focusin", (event) => {
  const cell = event.target.closest("td");
  if (!cell) return;
  for (const other of cells) other.tabIndex = other === cell ? 0 : -1;
});
