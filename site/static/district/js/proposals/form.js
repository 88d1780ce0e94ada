// The proposal form: while the title is typed, up to five similar proposals of the cycle are shown.
const form = document.querySelector("form[data-similar-url]");
const title = form?.querySelector("input[name='title']");
const box = document.getElementById("similar");
let timer = null;
let lastQuery = "";

async function look() {
  const query = title.value.trim();
  if (query === lastQuery) return;
  lastQuery = query;
  if (query.length < 2) {
    box.hidden = true;
    return;
  }
  const url = new URL(form.dataset.similarUrl, window.location.href);
  url.searchParams.set("q", query);
  if (form.dataset.exclude) url.searchParams.set("exclude", form.dataset.exclude);
  try {
    const response = await fetch(url, { headers: { Accept: "application/json" } });
    if (!response.ok) return;
    const { results } = await response.json();
    const list = box.querySelector("ul");
    list.replaceChildren(
      ...results.map((item) => {
        const li = document.createElement("li");
        const link = document.createElement("a");
        link.href = item.url;
        link.textContent = item.title;
        link.target = "_blank";
        li.append(link, ` · ${item.status} · ♥ ${item.supports}`);
        return li;
      }),
    );
    box.hidden = results.length === 0;
  } catch (error) {
    console.warn("similar proposals:", error);
  }
}

if (form && title && box) {
  title.addEventListener("input", () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(look, 300);
  });
  look();
}
