/* The Kanban board: SortableJS drags cards between stage columns; a drop posts the move
   through htmx and swaps the board with the server's answer. Dropping on a lost stage opens
   the loss-reason dialog first. No inline scripts (the Content-Security-Policy forbids them). */
(function () {
  "use strict";

  function board() {
    return document.getElementById("board");
  }

  function reload() {
    var el = board();
    if (el) {
      htmx.ajax("GET", el.dataset.boardUrl, { target: "#board", swap: "outerHTML" });
    }
  }

  function post(values) {
    var el = board();
    values.owner = el.dataset.owner || "";
    htmx.ajax("POST", el.dataset.moveUrl, {
      target: "#board",
      swap: "outerHTML",
      values: values,
      headers: { "X-CSRFToken": el.dataset.csrf },
    });
  }

  function askLostReason(opportunityId, stageId) {
    var dialog = document.getElementById("lost-dialog");
    var form = document.getElementById("lost-form");
    form.elements.opportunity_id.value = opportunityId;
    form.elements.stage_id.value = stageId;
    form.elements.close_note.value = "";
    dialog.showModal();
  }

  function onDrop(event) {
    if (event.from === event.to) {
      return;
    }
    var opportunityId = event.item.dataset.id;
    var stageId = event.to.dataset.stageId;
    if (event.to.dataset.lost === "1") {
      askLostReason(opportunityId, stageId);
    } else {
      post({ opportunity_id: opportunityId, stage_id: stageId });
    }
  }

  function init(root) {
    if (typeof Sortable === "undefined") {
      return;
    }
    var lists = root.querySelectorAll ? root.querySelectorAll(".board-cards") : [];
    Array.prototype.forEach.call(lists, function (list) {
      if (list.dataset.sortable) {
        return;
      }
      list.dataset.sortable = "1";
      Sortable.create(list, {
        group: "board",
        animation: 120,
        delay: 150,
        delayOnTouchOnly: true,
        draggable: ".board-card",
        onEnd: onDrop,
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    htmx.onLoad(init);
    init(document);
    var dialog = document.getElementById("lost-dialog");
    if (!dialog) {
      return;
    }
    var form = document.getElementById("lost-form");
    form.addEventListener("htmx:afterRequest", function () {
      dialog.close();
    });
    dialog.querySelector("[data-lost-cancel]").addEventListener("click", function () {
      dialog.close();
      reload(); // put the card back where the server says it is
    });
    dialog.addEventListener("cancel", reload);
  });
})();
