// The event form: show "how many times" only for a repeat, and the RRULE field only for a custom rule.
// Without JavaScript every field stays visible and the server explains what is missing.
const repeat = document.getElementById("id_repeat");

function update() {
  const value = repeat.value;
  for (const box of document.querySelectorAll("[data-show-when]")) {
    const wanted = box.dataset.showWhen === "custom" ? value === "custom" : value !== "" && value !== "custom";
    const invalid = box.querySelector(".field-invalid");
    box.hidden = !wanted && !invalid;
  }
}

if (repeat) {
  repeat.addEventListener("change", update);
  update();
}
