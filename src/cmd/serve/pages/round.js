// uppfolj serve: the round's unit page. Live preview of commentary (rendered by the server,
// sanitised as in the reports), saving with the version each edit is based on (a 409 shows
// the saved text beside the user's own), the measures' rows, and the state buttons.
"use strict";
(function () {
  var root = document.getElementById("round");
  if (!root) { return; }
  var unit = root.dataset.unit;
  var meta = document.querySelector('meta[name="csrf-token"]');
  var token = meta ? meta.content : "";
  var msg = document.getElementById("msg");

  function say(text) { msg.textContent = text; }

  // The report language's words for the API's error codes; the API's own message when a
  // code has none.
  var errors = {};
  try { errors = JSON.parse(root.dataset.errors || "{}"); } catch (e) { errors = {}; }
  function why(body) {
    var words = body && body.code ? errors[body.code] : undefined;
    if (words) { return words.replace("{row}", body.row === undefined ? "" : String(body.row)); }
    return (body && body.error) || root.dataset.failed;
  }

  function call(method, path, body) {
    var opts = { method: method, credentials: "same-origin",
      headers: { "X-CSRF-Token": token, "Content-Type": "application/json" } };
    if (body !== undefined) { opts.body = JSON.stringify(body); }
    return fetch(path, opts).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (j) {
        return { status: r.status, body: j };
      });
    }, function () {
      return { status: 0, body: { error: root.dataset.failed } };
    });
  }

  function base() { return "/api/units/" + encodeURIComponent(unit); }

  function status(box, text) {
    var s = box.querySelector(".status");
    if (s) { s.textContent = text; }
  }

  // Commentary editors.
  Array.prototype.forEach.call(document.querySelectorAll(".editor"), function (ed) {
    var area = ed.querySelector("textarea:not(.theirs)");
    if (!area) { return; }
    var key = ed.dataset.section;
    var preview = ed.querySelector(".preview");
    var conflict = ed.querySelector(".conflict");
    var theirs = ed.querySelector(".theirs");
    var timer = null;
    var asked = 0;

    function refresh() {
      var n = ++asked;
      call("POST", "/api/preview", { text: area.value }).then(function (r) {
        if (n !== asked) { return; }
        if (r.status === 200) { preview.innerHTML = r.body.html; } else { say(why(r.body)); }
      });
    }
    area.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(refresh, 250);
    });

    ed.querySelector(".save").addEventListener("click", function () {
      status(ed, root.dataset.saving);
      var path = base() + "/commentary/" + encodeURIComponent(key);
      call("PUT", path, { text: area.value, version: Number(ed.dataset.version) }).then(function (r) {
        if (r.status === 200) {
          ed.dataset.version = r.body.version;
          conflict.hidden = true;
          say("");
          status(ed, root.dataset.saved + " (" + root.dataset.versionWord + " " + r.body.version + ")");
        } else if (r.status === 409 && r.body.current && r.body.current.version !== undefined) {
          var cur = r.body.current;
          theirs.value = cur.text || "";
          theirs.dataset.version = cur.version;
          conflict.hidden = false;
          status(ed, "");
          say(root.dataset.conflict + " (" + (cur.saved_by || "") + ", " +
            root.dataset.versionWord + " " + cur.version + ")");
          theirs.focus();
        } else {
          status(ed, "");
          say(why(r.body));
        }
      });
    });
    ed.querySelector(".take-theirs").addEventListener("click", function () {
      area.value = theirs.value;
      ed.dataset.version = theirs.dataset.version;
      conflict.hidden = true;
      say("");
      refresh();
      area.focus();
    });
    ed.querySelector(".keep-mine").addEventListener("click", function () {
      // The user's text stays in the editor, now based on the saved version: the next save
      // replaces it (it stays in the history).
      ed.dataset.version = theirs.dataset.version;
      conflict.hidden = true;
      say("");
      area.focus();
    });
  });

  // A save of the forecast or the measures: 200 keeps the new version, 409 tells who saved.
  function saveWhole(box, path, body) {
    status(box, root.dataset.saving);
    body.version = Number(box.dataset.version);
    call("PUT", path, body).then(function (r) {
      if (r.status === 200) {
        box.dataset.version = r.body.version;
        say("");
        status(box, root.dataset.saved + " (" + root.dataset.versionWord + " " + r.body.version + ")");
      } else if (r.status === 409 && r.body.current && r.body.current.version !== undefined) {
        // Someone else saved: what they saved is shown, the user's entries stay in the page,
        // and the next save is based on the saved version.
        var cur = r.body.current;
        box.dataset.version = cur.version;
        status(box, "");
        say(why(r.body) + " (" + (cur.saved_by || "") + "): " + JSON.stringify(
          cur.measures !== undefined ? cur.measures : cur.deviation_ore / 100) + ". " +
          root.dataset.saveAgain);
      } else {
        status(box, "");
        say(why(r.body));
      }
    });
  }

  var forecast = document.getElementById("forecast");
  var saveForecast = document.getElementById("save-forecast");
  if (saveForecast) {
    saveForecast.addEventListener("click", function () {
      saveWhole(forecast, base() + "/forecast",
        { deviation: document.getElementById("forecast-value").value.trim() });
    });
  }

  var measures = document.getElementById("measures");
  var rows = document.getElementById("measure-rows");
  var template = document.getElementById("measure-row");
  function wire(tr) {
    var b = tr.querySelector(".remove");
    if (b) {
      b.addEventListener("click", function () {
        var next = tr.nextElementSibling || tr.previousElementSibling;
        tr.remove();
        var focus = next ? next.querySelector("input") : document.getElementById("add-measure");
        if (focus) { focus.focus(); }
      });
    }
  }
  if (rows) { Array.prototype.forEach.call(rows.querySelectorAll("tr"), wire); }
  var add = document.getElementById("add-measure");
  if (add && template) {
    add.addEventListener("click", function () {
      var tr = template.content.firstElementChild.cloneNode(true);
      rows.appendChild(tr);
      wire(tr);
      var none = document.getElementById("no-measures");
      if (none) { none.hidden = true; }
      tr.querySelector("input").focus();
    });
  }
  var saveMeasures = document.getElementById("save-measures");
  if (saveMeasures) {
    saveMeasures.addEventListener("click", function () {
      var list = Array.prototype.map.call(rows.querySelectorAll("tr"), function (tr) {
        function v(name) { return tr.querySelector('[name="' + name + '"]').value.trim(); }
        return { name: v("name"), expected: v("expected"), realized: v("realized") || "0",
          decided: v("decided"), due: v("due"), status: v("status"),
          in_forecast: tr.querySelector('[name="in_forecast"]').checked };
      });
      saveWhole(measures, base() + "/measures", { measures: list });
    });
  }

  // Done, approve, send back: the page is loaded again with the new state.
  Array.prototype.forEach.call(document.querySelectorAll("[data-action]"), function (b) {
    b.addEventListener("click", function () {
      var action = b.dataset.action;
      var body;
      if (action === "return") {
        body = { comment: document.getElementById("return-comment").value };
      }
      call("POST", base() + "/" + action, body).then(function (r) {
        if (r.status === 200) { location.reload(); } else { say(why(r.body)); }
      });
    });
  });
})();
