// Sign-up: the guardian's e-mail field is shown only to someone under 14.
// Without JavaScript it is always shown, with a help text that says when it is needed.
const age = document.getElementById("id_age_band");
const guardian = document.getElementById("id_guardian_email");
const field = guardian?.closest(".field");
if (age && field) {
  const needsGuardian = (band) => band === "under13" || band === "13";
  const update = () => {
    const shown = needsGuardian(age.value) || guardian.value !== "" || field.classList.contains("field-invalid");
    field.hidden = !shown;
    guardian.required = needsGuardian(age.value);
  };
  age.addEventListener("change", update);
  update();
}
