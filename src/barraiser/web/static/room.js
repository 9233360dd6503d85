// The interview room, enhanced: send without a page load, save the draft as it is typed,
// tick the countdown. Without this script the same form posts and the page reloads.
(function () {
  var clocks = document.getElementById("clocks");
  var form = document.getElementById("answer-form");
  var box = document.getElementById("answer");
  if (!clocks || !form || !box) return;
  var id = clocks.dataset.session;
  var minutes = parseFloat(clocks.dataset.minutes);
  var elapsed = parseFloat(clocks.dataset.elapsed);
  var status = clocks.dataset.status;
  var started = performance.now();
  var draftState = document.getElementById("draft-state");
  var warning = document.getElementById("warning");
  var saveTimer = null, lastSaved = box.value, sending = false;

  function mmss(s) {
    s = Math.max(0, Math.round(s));
    var m = Math.floor(s / 60), r = s % 60;
    return (m < 10 ? "0" : "") + m + ":" + (r < 10 ? "0" : "") + r;
  }
  function now() { return status === "active" ? elapsed + (performance.now() - started) / 1000 : elapsed; }
  function setClocks(c) {
    elapsed = c.elapsed_s; status = c.status; started = performance.now();
    document.getElementById("spoken").textContent = mmss(c.spoken_s);
  }
  function tick() {
    var t = now(), left = minutes * 60 - t;
    document.getElementById("left").textContent = mmss(left);
    document.querySelectorAll("#phasebar li").forEach(function (li) {
      var a = parseFloat(li.dataset.start), b = parseFloat(li.dataset.end);
      var share = t >= b ? 100 : t <= a ? 0 : Math.round((t - a) / (b - a) * 100);
      li.querySelector(".fill").style.width = share + "%";
      var current = (t >= a && t < b) || (t >= b && !li.nextElementSibling);
      li.classList.toggle("current", current);
      if (current) document.getElementById("phase-now").textContent = li.title;
    });
    var text = left <= 0 ? "Time is up: send your last answer or end the interview."
      : left <= 60 ? "One minute left." : left <= 300 ? "Five minutes left." : "";
    if (warning.textContent !== text) warning.textContent = text;
  }
  setInterval(tick, 1000);

  function api(method, path, body) {
    return fetch("/api/sessions/" + id + path, {
      method: method, headers: {"Content-Type": "application/json", "Accept": "application/json"},
      body: body === undefined ? undefined : JSON.stringify(body)
    }).then(function (r) {
      return r.json().then(function (data) {
        if (!r.ok) throw new Error(data.message || ("HTTP " + r.status));
        return data;
      });
    });
  }
  function saveDraft() {
    if (box.value === lastSaved) return;
    var text = box.value;
    api("PUT", "/draft", {text: text}).then(function (d) {
      lastSaved = text; draftState.textContent = "Draft saved."; setClocks(d.clocks);
    }).catch(function (e) { draftState.textContent = "Draft not saved: " + e.message; });
  }
  box.addEventListener("input", function () {
    draftState.textContent = "";
    clearTimeout(saveTimer);
    saveTimer = setTimeout(saveDraft, 700);
  });
  window.addEventListener("pagehide", function () {
    if (box.value !== lastSaved && navigator.sendBeacon) {
      // a closing tab cannot wait for fetch; the page route takes the draft as a form post
      var data = new FormData(); data.append("text", box.value);
      navigator.sendBeacon("/sessions/" + id + "/draft", data);
    }
  });

  function addTurn(t) {
    var li = document.createElement("li");
    li.className = "turn " + t.role; li.id = "turn-" + t.seq;
    var who = document.createElement("p"); who.className = "who";
    who.textContent = (t.role === "candidate" ? "You" : t.speaker) + " ";
    var when = document.createElement("span"); when.className = "muted"; when.textContent = mmss(t.wall_s);
    who.appendChild(when);
    var said = document.createElement("p"); said.className = "said"; said.textContent = t.text;
    li.appendChild(who); li.appendChild(said);
    document.getElementById("turns").appendChild(li);
    return li;
  }
  function send() {
    var text = box.value.trim();
    if (!text || sending) return;
    sending = true; clearTimeout(saveTimer);
    document.getElementById("send").disabled = true;
    api("POST", "/turns", {text: text}).then(function (d) {
      addTurn({role: "candidate", speaker: "You", text: text, wall_s: now(), seq: "c" + Date.now()});
      box.value = ""; lastSaved = "";
      var last = null;
      d.replies.forEach(function (t) { last = addTurn(t); });
      setClocks(d.clocks);
      if (d.ended) { window.location = "/sessions/" + id + "/debrief"; return; }
      if (last) last.scrollIntoView({block: "nearest"});
    }).catch(function (e) {
      draftState.textContent = "Not sent (" + e.message + "). Your text is still here.";
    }).then(function () { sending = false; document.getElementById("send").disabled = false; box.focus(); });
  }
  form.addEventListener("submit", function (event) {
    if (event.submitter && event.submitter.id !== "send") return;  // pause and end post normally
    event.preventDefault();
    send();
  });
  box.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { event.preventDefault(); send(); }
  });
  tick();
})();
