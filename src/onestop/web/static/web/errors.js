// A page that comes back with errors puts the focus on its error summary, so that keyboard and
// screen-reader users start from the list of what to correct, whose links lead to each field.
// A file of its own because the Content Security Policy allows no inline script.
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.querySelector(".error-summary");
  if (!summary) {
    return;
  }
  if (!summary.hasAttribute("tabindex")) {
    summary.setAttribute("tabindex", "-1");
  }
  summary.focus();
});
