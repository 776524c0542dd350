// Names for the controls the admin's widgets draw without one: the rich-text
// area (django-prose-editor), select2's boxes (autocomplete fields), the
// fields of tabular inlines, whose only label is their column's header, and
// the editable columns of a change list (the column's header and the row's),
// the boxes of date and time fields, and the icons of the two-list pickers.
// Screen readers announce these names. Widgets appear after this script runs
// and inline rows are added later, so every change to the page is watched.

let made = 0;

// The element naming a form field: its <label>, else its column's header.
function labelOf(field) {
  if (field.id) {
    const label = document.querySelector(`label[for="${CSS.escape(field.id)}"]`);
    if (label) return label;
  }
  const cell = field.closest("td[class*='field-']");
  const column = cell && [...cell.classList].find((name) => name.startsWith("field-"));
  return column ? cell.closest("table").querySelector(`th.column-${CSS.escape(column.slice(6))}`) : null;
}

// Let ``label`` name ``element``, before whatever names it already (a
// select2 box names itself by its current choice, empty at first).
function labelBy(element, label) {
  if (!label) return;
  if (!label.id) label.id = `accessible-name-${++made}`;
  const ids = (element.getAttribute("aria-labelledby") || "").split(" ").filter(Boolean);
  if (!ids.includes(label.id)) element.setAttribute("aria-labelledby", [label.id, ...ids].join(" "));
}

function nameAll() {
  for (const area of document.querySelectorAll(".prose-editor [contenteditable]")) {
    const source = area.closest(".prose-editor").querySelector("textarea");
    if (source) labelBy(area, labelOf(source));
  }
  for (const box of document.querySelectorAll("span.select2")) {
    const select = box.previousElementSibling;
    if (!select || select.tagName !== "SELECT") continue;
    const label = labelOf(select);
    for (const control of box.querySelectorAll("[role='combobox'], [role='textbox'], .select2-search__field")) {
      labelBy(control, label);
    }
  }
  for (const field of document.querySelectorAll(".tabular td[class*='field-'] :is(input, select, textarea)")) {
    if (field.type !== "hidden" && !field.labels?.length) labelBy(field, labelOf(field));
  }
  // A date and time field's two boxes, labelled only by text beside them ("日期：").
  for (const field of document.querySelectorAll("p.datetime input")) {
    if (field.labels?.length || field.hasAttribute("aria-label")) continue;
    const words = [field.closest(".form-row")?.querySelector("label"), field.previousSibling];
    const name = words.map((node) => (node?.textContent || "").trim().replace(/[:：]$/, "")).filter(Boolean);
    if (name.length) field.setAttribute("aria-label", name.join(" "));
  }
  // The search icons of the two-list pickers (groups, permissions) carry a
  // name, which ARIA allows only on an element with a role.
  for (const icon of document.querySelectorAll(".selector span[aria-label]:not([role])")) {
    icon.setAttribute("role", "img");
  }
  for (const field of document.querySelectorAll("#result_list td[class*='field-'] :is(input, select, textarea)")) {
    if (field.type === "hidden" || field.labels?.length) continue;
    labelBy(field, field.closest("tr").querySelector("th"));  // the row, named after the column
    labelBy(field, labelOf(field));
  }
}

nameAll();
// Not for changes inside the text being edited: one per keystroke, and nothing to name there.
new MutationObserver((records) => {
  if (records.some((record) => !record.target.closest("[contenteditable]"))) nameAll();
}).observe(document.body, { childList: true, subtree: true });
