/* The member page's events: when an event's kind is chosen or changed, mark the fields that kind
   does not use (and that are empty) with data-other-kind, which admin.css hides; the table of
   which kinds use which field comes from the server, on the kind's select (members.admin,
   members.lifecycle.EVENT_FIELDS). The page works without this script: the server marks every
   event as it is loaded, and an event being added shows all its fields. */
"use strict";
(function () {
  function mark(select) {
    var table = JSON.parse(select.getAttribute("data-event-fields") || "{}");
    var block = select.closest(".inline-related");
    var prefix = select.name.slice(0, -"kind".length);
    if (!block) return;
    Object.keys(table).forEach(function (field) {
      var control = block.querySelector('[name="' + prefix + field + '"]');
      if (!control) return;
      var used = !select.value || table[field].indexOf(select.value) !== -1;
      if (used || control.value) control.removeAttribute("data-other-kind");
      else control.setAttribute("data-other-kind", "");
    });
  }
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches && target.matches("select[data-event-fields]")) mark(target);
  });
})();
