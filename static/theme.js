// Loaded in <head>, before the first paint, so a reader who prefers the dark
// theme never sees a flash of the light one. app.js owns the toggle.
(() => {
  const root = document.documentElement;
  root.classList.add("js");
  let theme = null;
  try {
    // app.js stores every value as JSON.
    theme = JSON.parse(localStorage.getItem("gatewaytour.theme"));
  } catch {
    // Storage disabled or a mangled value: the system preference applies.
  }
  if (theme !== "light" && theme !== "dark") {
    theme = matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
  }
  root.dataset.theme = theme;
})();
