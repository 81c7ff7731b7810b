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
// Phone layout (see app.css): every table scrolls sideways inside a .table-responsive
// wrapper, and each cell of a .sy-cards list is labelled with its column's header.
function syPhoneTables(root) {
  root.querySelectorAll("main table.table").forEach(function (table) {
    var parent = table.parentElement;
    if (!table.classList.contains("sy-cards") && !(parent && parent.classList.contains("table-responsive"))) {
      var wrapper = document.createElement("div");
      wrapper.className = "table-responsive";
      parent.insertBefore(wrapper, table);
      wrapper.appendChild(table);
    }
    if (!table.classList.contains("sy-cards") || !table.tHead) {
      return;
    }
    var headRow = table.tHead.rows[table.tHead.rows.length - 1];
    var labels = [];
    Array.prototype.forEach.call(headRow.cells, function (cell) {
      var text = cell.classList.contains("visually-hidden") || cell.querySelector(".visually-hidden") ? "" : cell.textContent.trim();
      for (var i = 0; i < (cell.colSpan || 1); i++) {
        labels.push(text);
      }
    });
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.forEach.call(body.rows, function (row) {
        var column = 0;
        Array.prototype.forEach.call(row.cells, function (cell) {
          if (!cell.hasAttribute("data-label") && labels[column] && cell.colSpan === 1) {
            cell.setAttribute("data-label", labels[column]);
          }
          column += cell.colSpan || 1;
        });
      });
    });
  });
}
document.addEventListener("DOMContentLoaded", function () {
  syPhoneTables(document);
});
document.addEventListener("htmx:afterSettle", function (event) {
  syPhoneTables(event.target.closest ? (event.target.closest("main") || document) : document);
});
