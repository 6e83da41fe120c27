// The checklist's Print button; a file of its own because the Content Security Policy allows no
// inline script.
document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("button.print")) {
    button.addEventListener("click", () => window.print());
  }
});
