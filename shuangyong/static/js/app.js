// Behaviour that would otherwise need inline handlers, which the CSP forbids.
document.addEventListener("change", function (event) {
  var el = event.target;
  if (el.matches && el.matches("[data-autosubmit]") && el.form) {
    el.form.submit();
  }
});
document.addEventListener("click", function (event) {
  var el = event.target.closest && event.target.closest("[data-confirm]");
  if (el && !window.confirm(el.getAttribute("data-confirm"))) {
    event.preventDefault();
  }
  var printer = event.target.closest && event.target.closest("[data-print]");
  if (printer) {
    window.print();
  }
});
