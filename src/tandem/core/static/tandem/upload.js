// Attachments: each chosen or dropped file is uploaded at once, as the person's pending
// upload, and shown as a chip (its name, its size, a progress bar while it uploads, and a
// button that removes it); the form then sends the ids of the chips left (hidden inputs
// named "upload"). The real file input stays in the page for keyboards and screen readers,
// visually replaced by its "Choose files" label. Without this script the plain file input
// is sent with the form, and that works too.
(function () {
  "use strict";

  function sizeWords(bytes) {
    if (bytes < 1024 * 1024) return Math.max(1, Math.floor(bytes / 1024)) + " KB";
    return (bytes / (1024 * 1024)).toFixed(1) + " MB";
  }

  function parse(text) {
    try {
      return JSON.parse(text);
    } catch (error) {
      return null;
    }
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function setup(box) {
    var url = box.getAttribute("data-upload-url");
    var form = box.closest("form");
    var input = box.querySelector("input[type=file]");
    var list = box.querySelector("[data-upload-list]");
    var zone = box.querySelector("[data-dropzone]");
    if (!url || !form || !input || !list || !zone || !window.FormData) return;
    var maxBytes = parseInt(box.getAttribute("data-max-bytes"), 10);
    var maxMb = box.getAttribute("data-max-mb");
    var token = form.querySelector("input[name=csrfmiddlewaretoken]");
    var busy = 0;
    var waitNote = null;

    box.classList.add("enhanced");
    // Files a refused form kept (ticked checkboxes) become chips like the new ones.
    Array.prototype.forEach.call(list.querySelectorAll("input[name=upload]"), function (tick) {
      var item = tick.closest("li");
      var label = tick.closest("label");
      var name = label ? label.textContent.trim() : "";
      var kept = hidden(tick.value);
      if (!tick.checked) {
        item.remove();
        return;
      }
      item.replaceChild(kept, label);
      item.insertBefore(element("span", "upload-name", name), kept);
      item.appendChild(removeButton(item, name, null));
    });
    input.addEventListener("change", function () {
      addFiles(input.files);
      // The files are on their way already: the form must not send them a second time.
      input.value = "";
    });
    ["dragenter", "dragover"].forEach(function (name) {
      zone.addEventListener(name, function (event) {
        event.preventDefault();
        zone.classList.add("dragging");
      });
    });
    ["dragleave", "drop"].forEach(function (name) {
      zone.addEventListener(name, function () {
        zone.classList.remove("dragging");
      });
    });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      if (event.dataTransfer && event.dataTransfer.files.length) addFiles(event.dataTransfer.files);
    });
    form.addEventListener("submit", function (event) {
      if (busy === 0) return;
      event.preventDefault();
      if (!waitNote) {
        waitNote = element("p", "upload-wait", "Wait until the files have finished uploading, then send again.");
        waitNote.setAttribute("role", "alert");
        list.parentNode.insertBefore(waitNote, list.nextSibling);
      }
    });

    function addFiles(files) {
      Array.prototype.forEach.call(files, upload);
    }

    function hidden(id) {
      var field = element("input");
      field.type = "hidden";
      field.name = "upload";
      field.value = String(id);
      return field;
    }

    function removeButton(item, name, request) {
      var button = element("button", "chip-remove");
      button.type = "button";
      button.setAttribute("aria-label", "Remove " + name);
      button.appendChild(element("span", "", "×")).setAttribute("aria-hidden", "true");
      button.addEventListener("click", function () {
        // A file still uploading is stopped; one already stored is no longer sent, and the
        // periodic sweep deletes the pending upload nobody sent.
        if (request && request.readyState !== 4) request.abort();
        var next = item.nextElementSibling || item.previousElementSibling;
        item.remove();
        (next ? next.querySelector(".chip-remove") : input).focus();
      });
      return button;
    }

    function row(file) {
      var item = element("li", "upload chip");
      var name = element("span", "upload-name", file.name);
      var size = element("span", "upload-size small muted", sizeWords(file.size));
      var progress = element("progress");
      progress.max = 100;
      progress.value = 0;
      progress.setAttribute("aria-label", "Uploading " + file.name);
      var status = element("span", "upload-status small muted", "Uploading…");
      item.appendChild(name);
      item.appendChild(size);
      item.appendChild(progress);
      item.appendChild(status);
      list.appendChild(item);
      return { item: item, name: name, progress: progress, status: status };
    }

    function fail(parts, message) {
      var remove = parts.item.querySelector(".chip-remove");
      if (remove) remove.remove();
      parts.item.classList.add("failed");
      parts.progress.remove();
      parts.status.className = "upload-status upload-error";
      parts.status.setAttribute("role", "alert");
      parts.status.textContent = message;
      var dismiss = element("button", "upload-dismiss", "Dismiss");
      dismiss.type = "button";
      dismiss.setAttribute("aria-label", "Dismiss the message about " + parts.name.textContent);
      dismiss.addEventListener("click", function () {
        parts.item.remove();
        input.focus();
      });
      parts.item.appendChild(dismiss);
    }

    function done(parts, data) {
      parts.item.classList.add("done");
      parts.progress.remove();
      parts.name.textContent = data.name;
      parts.item.insertBefore(hidden(data.id), parts.status);
      // Said to screen readers (the list is a live region); the chip itself shows the size.
      parts.status.className = "upload-status visually-hidden";
      parts.status.textContent = data.size_label + ", ready to send";
    }

    function finished() {
      busy -= 1;
      if (busy === 0 && waitNote) {
        waitNote.remove();
        waitNote = null;
      }
    }

    function upload(file) {
      var parts = row(file);
      if (file.size === 0) return fail(parts, "“" + file.name + "” is empty; choose the file again.");
      if (file.size > maxBytes) {
        return fail(parts, "“" + file.name + "” is " + sizeWords(file.size) + "; files can be at most " +
          maxMb + " MB. Share larger files as a link instead.");
      }
      var request = new XMLHttpRequest();
      parts.item.appendChild(removeButton(parts.item, file.name, request));
      var body = new FormData();
      body.append("file", file, file.name);
      request.open("POST", url);
      request.setRequestHeader("X-CSRFToken", token ? token.value : "");
      request.setRequestHeader("Accept", "application/json");
      request.upload.addEventListener("progress", function (event) {
        if (event.lengthComputable) parts.progress.value = Math.round((event.loaded * 100) / event.total);
      });
      request.addEventListener("load", function () {
        finished();
        var answer = parse(request.responseText);
        if (request.status === 201 && answer && answer.id) return done(parts, answer);
        fail(parts, (answer && answer.error) || "The upload failed; reload the page and try again.");
      });
      request.addEventListener("abort", finished);
      request.addEventListener("error", function () {
        finished();
        fail(parts, "The upload was interrupted; check your connection and try again.");
      });
      busy += 1;
      request.send(body);
    }
  }

  document.querySelectorAll("[data-upload-url]").forEach(setup);
})();
