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
// The recipient picker (notice form): typing filters the units; a group box ticks or
// clears every unit of the group (the server expands a ticked group on its own too).
function syPickerCount(list) {
  var counter = document.querySelector("[data-picker-count='" + list.id + "']");
  if (counter) {
    var n = list.querySelectorAll("input[type=checkbox]:checked").length;
    counter.textContent = counter.dataset.template ? counter.dataset.template.replace("%n", n) : String(n);
  }
}
document.addEventListener("input", function (event) {
  var search = event.target.closest && event.target.closest("[data-picker-search]");
  if (!search) {
    return;
  }
  var list = document.getElementById(search.getAttribute("data-picker-search"));
  var words = search.value.trim().toLowerCase();
  list.querySelectorAll("[data-picker-item]").forEach(function (item) {
    item.hidden = words !== "" && item.textContent.toLowerCase().indexOf(words) === -1;
  });
});
document.addEventListener("change", function (event) {
  var box = event.target;
  if (box.matches && box.matches("[data-picker-group]")) {
    var group = box.getAttribute("data-picker-group");
    var fieldset = box.closest("fieldset") || document;
    fieldset.querySelectorAll("[data-picker-item]").forEach(function (item) {
      if ((" " + item.getAttribute("data-groups") + " ").indexOf(" " + group + " ") !== -1) {
        item.querySelector("input[type=checkbox]").checked = box.checked;
      }
    });
  } else if (box.closest && box.closest("[data-picker-item]") && !box.checked) {
    var item = box.closest("[data-picker-item]");
    var holder = box.closest("fieldset") || document;
    (item.getAttribute("data-groups") || "").split(" ").forEach(function (name) {
      var groupBox = name && holder.querySelector("[data-picker-group='" + name + "']");
      if (groupBox) {
        groupBox.checked = false;
      }
    });
  }
  var list = box.closest && box.closest("fieldset") && box.closest("fieldset").querySelector(".sy-picker");
  if (list) {
    syPickerCount(list);
  }
});
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll(".sy-picker").forEach(syPickerCount);
});
// A select whose options depend on another (data-filter-by="id_street"): only the options
// of the value chosen there are shown (each option says its data-street); the server checks.
function syFilterOptions(select) {
  var source = document.getElementById(select.getAttribute("data-filter-by"));
  if (!source) {
    return;
  }
  Array.prototype.forEach.call(select.options, function (option) {
    var owner = option.getAttribute("data-street");
    var shown = !owner || !source.value || owner === source.value;
    option.hidden = !shown;
    option.disabled = !shown;
    if (!shown && option.selected) {
      select.value = "";
    }
  });
}
document.addEventListener("change", function (event) {
  if (event.target.id) {
    document.querySelectorAll("select[data-filter-by='" + event.target.id + "']").forEach(syFilterOptions);
  }
});
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("select[data-filter-by]").forEach(syFilterOptions);
});
