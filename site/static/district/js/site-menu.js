// The header on a phone: the account links, the language switcher and the
// display toggle fold behind one "Menu" button; on a wide screen everything
// shows. Without JavaScript nothing is folded.
const header = document.querySelector(".site-header");
const toggle = header && header.querySelector(".menu-toggle");
const menu = document.getElementById("site-menu");
const narrow = window.matchMedia("(max-width: 47.99rem)");

function setOpen(open) {
  toggle.setAttribute("aria-expanded", String(open));
  if (open) menu.removeAttribute("data-collapsed");
  else menu.setAttribute("data-collapsed", "");
}

function fit() {
  if (!toggle || !menu) return;
  toggle.hidden = !narrow.matches;
  setOpen(!narrow.matches);
}

if (toggle && menu) {
  toggle.addEventListener("click", () => setOpen(toggle.getAttribute("aria-expanded") !== "true"));
  menu.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && narrow.matches) {
      setOpen(false);
      toggle.focus();
    }
  });
  narrow.addEventListener("change", fit);
  fit();
}

const display = document.querySelector("[data-display-toggle]");
if (display) {
  const root = document.documentElement;
  const sync = () => display.setAttribute("aria-pressed", String(root.classList.contains("large-text")));
  display.hidden = false;
  sync();
  display.addEventListener("click", () => {
    const large = root.classList.toggle("large-text");
    try {
      window.localStorage.setItem("dongne-display", large ? "large" : "normal");
    } catch (e) {
      /* storage refused: this page only */
    }
    sync();
  });
}
