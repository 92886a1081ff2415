// Quick exit: leave at once and keep this page out of the back button; Escape does the same.
(function () {
  var link = document.querySelector("a.quick-exit");
  if (!link) return;
  function leave(event) { if (event) event.preventDefault(); window.location.replace(link.href); }
  link.addEventListener("click", leave);
  document.addEventListener("keydown", function (event) { if (event.key === "Escape") leave(event); });
})();
