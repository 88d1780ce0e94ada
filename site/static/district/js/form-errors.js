// After a full-page submit that failed, put the keyboard and screen reader on
// the first error instead of the top of the page. Loaded by base.html on
// every page (no inline script); does nothing where no field is invalid.
const invalid = document.querySelector(
  "main form [aria-invalid='true'], main form .field-invalid input, main form .field-invalid select, main form .field-invalid textarea",
);
const summary = document.querySelector("main form .errors[role='alert']:not([hidden])");
const target = invalid || summary;
if (target) {
  if (target === summary && !summary.hasAttribute("tabindex")) summary.setAttribute("tabindex", "-1");
  target.focus({ preventScroll: false });
  target.scrollIntoView({ block: "center" });
}
