// The client board: drag a card to another column to move the task there.
// Every card also has a "Move to…" form that works without this script (and by keyboard);
// dragging only fills in that same form and posts it with fetch.
// Empty columns are hidden (tandem.css) until a card is dragged: the board then shows them
// as thin drop targets (the "dragging" class on #board). Where there is no pointer to drag
// with (a phone), cards are not draggable and the "Move to…" list is the way.
(function () {
  "use strict";
  var dragged = null;
  var touch = window.matchMedia && window.matchMedia("(hover: none), (pointer: coarse)");

  function noDragging() {
    if (!touch || !touch.matches) return;
    document.querySelectorAll("[data-card][draggable]").forEach(function (card) {
      card.removeAttribute("draggable");
    });
  }
  document.addEventListener("DOMContentLoaded", noDragging);

  function announce(message, kind) {
    var live = document.getElementById("board-live");
    if (!live) return;
    live.textContent = message || "";
    live.classList.toggle("refused", kind === "refused" && !!message);
    live.classList.toggle("ok", kind !== "refused" && !!message);
  }

  function optionFor(card, statuses) {
    var select = card.querySelector("select[name=to]");
    var options = select ? Array.prototype.slice.call(select.options) : [];
    var matching = options.filter(function (option) {
      return statuses.indexOf(option.value) >= 0;
    });
    // Into the closed column: prefer a move that needs no input (the client's "done").
    var direct = matching.filter(function (option) {
      return !option.hasAttribute("data-needs-input");
    });
    return direct[0] || matching[0] || null;
  }

  // Which edges of the board hide columns: the page fades them (tandem.css).
  function markEdges() {
    var board = document.getElementById("board");
    var row = board && board.querySelector(".board-columns");
    if (!row) return;
    var hidden = row.scrollWidth - row.clientWidth;
    board.classList.toggle("more-left", row.scrollLeft > 4);
    board.classList.toggle("more-right", hidden - row.scrollLeft > 4);
  }
  document.addEventListener("scroll", markEdges, true);
  window.addEventListener("resize", markEdges);
  document.addEventListener("DOMContentLoaded", markEdges);

  function swapBoard(html) {
    var holder = document.createElement("template");
    holder.innerHTML = html;
    var fresh = holder.content.querySelector("#board");
    var current = document.getElementById("board");
    if (!fresh || !current) return false;
    current.replaceWith(fresh);
    noDragging();
    markEdges();
    announce(fresh.getAttribute("data-message"), fresh.getAttribute("data-message-kind"));
    return true;
  }

  function putBack(card, home, next, message) {
    home.insertBefore(card, next);
    announce(message, "refused");
  }

  function move(card, column) {
    var form = card.querySelector("form[data-move]");
    var statuses = (column.getAttribute("data-drop") || "").split(" ");
    var option = optionFor(card, statuses);
    var home = card.parentNode;
    var next = card.nextSibling;
    var data = new FormData(form);
    data.set("to", option ? option.value : statuses[0]);
    // Shown in its new column at once; the server's answer re-renders the board, which
    // puts the card back where it belongs when the move is refused.
    column.classList.remove("is-empty");
    var none = column.querySelector(".board-none");
    if (none) none.remove();
    column.querySelector(".board-cards").appendChild(card);
    fetch(form.action, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-CSRFToken": data.get("csrfmiddlewaretoken"), "HX-Request": "true" },
    })
      .then(function (response) {
        // A move that needs a note, a date or a deadline opens the task page's form.
        var redirect = response.headers.get("HX-Redirect");
        if (redirect) {
          window.location.assign(redirect);
          return null;
        }
        return response.text().then(function (html) {
          if ((response.status !== 200 && response.status !== 400) || !swapBoard(html)) {
            putBack(card, home, next, "The card could not be moved; reload the page and try again.");
          }
        });
      })
      .catch(function () {
        putBack(card, home, next, "The card could not be moved: the connection failed. Try again.");
      });
  }

  document.addEventListener("dragstart", function (event) {
    var card = event.target.closest && event.target.closest("[data-card][draggable=true]");
    if (!card) return;
    dragged = card;
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.querySelector("a").href);
    card.classList.add("dragging");
    var board = document.getElementById("board");
    if (board) board.classList.add("dragging");
  });

  document.addEventListener("dragend", function () {
    if (dragged) dragged.classList.remove("dragging");
    dragged = null;
    var board = document.getElementById("board");
    if (board) board.classList.remove("dragging");
    document.querySelectorAll(".drop-over").forEach(function (column) {
      column.classList.remove("drop-over");
    });
  });

  document.addEventListener("dragover", function (event) {
    var column = dragged && event.target.closest && event.target.closest("[data-drop]");
    if (!column) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    column.classList.add("drop-over");
  });

  document.addEventListener("dragleave", function (event) {
    var column = event.target.closest && event.target.closest("[data-drop]");
    if (column && !column.contains(event.relatedTarget)) column.classList.remove("drop-over");
  });

  document.addEventListener("drop", function (event) {
    var column = dragged && event.target.closest && event.target.closest("[data-drop]");
    if (!column) return;
    event.preventDefault();
    column.classList.remove("drop-over");
    var card = dragged;
    dragged = null;
    card.classList.remove("dragging");
    document.getElementById("board").classList.remove("dragging");
    if (column.contains(card)) return;
    if (column.tagName === "DETAILS") column.open = true;
    move(card, column);
  });
})();
