// The simulator page's call mode: phone the hotline in the browser. Each step posts to
// /simulator/call, which signs it like Twilio and posts it to the real /twilio/voice webhooks,
// then answers with what the hotline did: what it said (and in which voice), how it listens for
// the answer (speech or keys, how many), a transfer to the specialists' line, or the hang-up.
// The last step of an answer is the one the caller answers; the ones before are fillers.
(function () {
  "use strict";
  const modeText = document.getElementById("mode-text");
  const modeCall = document.getElementById("mode-call");
  const textPanel = document.getElementById("text-mode");
  const callPanel = document.getElementById("call-mode");
  const fromInput = document.getElementById("from");
  const transcript = document.getElementById("call-transcript");
  const startButton = document.getElementById("call-start");
  const hangupButton = document.getElementById("call-hangup");
  const callStatus = document.getElementById("call-status");
  const phone = document.querySelector(".phone");
  const ringing = document.getElementById("call-ringing");
  const answerArea = document.getElementById("call-answer");
  const ringingTitle = document.getElementById("call-ringing-title");
  const whisper = document.getElementById("call-whisper");
  const answeredButton = document.getElementById("call-answered");
  const noAnswerButton = document.getElementById("call-no-answer");
  const listening = document.getElementById("call-listening");
  const keysOutput = document.getElementById("call-keys");
  const sayForm = document.getElementById("call-say");
  const speechInput = document.getElementById("call-speech");
  const sayButton = document.getElementById("call-say-send");
  const silentButton = document.getElementById("call-silent");
  const keyButtons = [...document.querySelectorAll("#call-keypad .key")];

  const KEYS = "0123456789*#";
  const MAX_KEYS = 20; // what /simulator/call takes at once
  const MAX_HINTS_SHOWN = 60;
  const LANGUAGES = { en: ["EN", "English"], es: ["ES", "Spanish"] };

  // The call in progress: {sid, from, listen, transfer}; null when there is none.
  let call = null;
  // Bumped when a call ends, so that an answer still on its way to an ended call is dropped.
  let generation = 0;
  let busy = false; // a step is on its way
  let keys = ""; // keys pressed so far for the current question

  function languageOf(locale) {
    return LANGUAGES[String(locale || "").slice(0, 2)] || LANGUAGES.en;
  }

  // -- the transcript ---------------------------------------------------------------------------

  function line(kind, text) {
    const item = document.createElement("li");
    item.className = "bubble " + kind;
    item.textContent = text;
    transcript.appendChild(item);
    transcript.scrollTop = transcript.scrollHeight;
    return item;
  }

  function spoken(text, locale) {
    const [tag, name] = languageOf(locale);
    const item = line("in said", "");
    item.lang = tag.toLowerCase();
    const label = document.createElement("span");
    label.className = "lang";
    label.lang = "en";
    const shown = document.createElement("span");
    shown.setAttribute("aria-hidden", "true");
    shown.textContent = tag;
    const heard = document.createElement("span");
    heard.className = "visually-hidden";
    heard.textContent = `Hotline, in ${name}:`;
    label.append(shown, heard);
    const words = document.createElement("span");
    words.className = "words";
    words.textContent = text;
    item.append(label, " ", words);
    return item;
  }

  // -- what the caller can do now -------------------------------------------------------------

  function canAnswer() {
    return call !== null && call.listen !== null && !busy;
  }

  function describeListen(listen) {
    const wanted = listen.num_digits;
    const how = wanted
      ? `speech or ${wanted} ${wanted === 1 ? "key" : "keys"}`
      : "speech or keys, end with #";
    let hints = listen.hints || "";
    if (hints.length > MAX_HINTS_SHOWN) hints = hints.slice(0, MAX_HINTS_SHOWN - 1) + "…";
    return `Listening (${languageOf(listen.language)[1]}): ${how}` + (hints ? ` · expects: ${hints}` : "");
  }

  function render() {
    const on = call !== null;
    const answering = canAnswer();
    startButton.disabled = on || busy;
    hangupButton.disabled = !on;
    [speechInput, sayButton, silentButton, ...keyButtons].forEach((control) => {
      control.disabled = !answering;
    });
    const transfer = on ? call.transfer : null;
    ringing.hidden = !transfer;
    answerArea.hidden = Boolean(transfer); // the ringing panel takes its place
    answeredButton.disabled = noAnswerButton.disabled = busy;
    if (transfer) {
      ringingTitle.textContent = transfer.kind === "enqueue"
        ? `Waiting in the specialists' queue ${transfer.to}`
        : `Ringing the specialists' line ${transfer.to}`;
      whisper.textContent = transfer.whisper ? `The specialist hears first: ${transfer.whisper}` : "";
      whisper.hidden = !transfer.whisper;
    }
    listening.textContent = on && call.listen ? describeListen(call.listen) : "";
    keysOutput.textContent = keys ? `Keys: ${keys}` : "";
  }

  // Focus goes back where it was (a key, the speech box) or, if that is gone or disabled, to
  // what comes next: the speech box, the transfer's outcome, or "Call the hotline"; never away
  // from another part of the page the person went to meanwhile.
  function refocus(previous, always) {
    const active = document.activeElement;
    if (!always && active && active !== document.body && !callPanel.contains(active)) return;
    if (callPanel.hidden) return;
    if (previous && callPanel.contains(previous) && !previous.disabled && !previous.closest("[hidden]")) {
      previous.focus();
    } else if (call && call.transfer) {
      answeredButton.focus();
    } else if (call && call.listen) {
      speechInput.focus();
    } else {
      startButton.focus();
    }
  }

  function setStatus() {
    if (busy) {
      callStatus.textContent = call ? "Hotline answering…" : "Calling…";
    } else if (call && call.transfer) {
      callStatus.textContent = "Transferring";
    } else if (call) {
      callStatus.textContent = "On the call";
    } else if (callStatus.textContent !== "Call ended") {
      callStatus.textContent = ""; // the call could not start
    }
  }

  // -- steps ------------------------------------------------------------------------------------

  function ended(caller) {
    if (caller) line("note", "You hung up.");
    line("note", "Call ended");
    call = null;
    keys = "";
    generation += 1;
    busy = false;
    callStatus.textContent = "Call ended";
  }

  function follow(steps) {
    steps.forEach((step) => step.said.forEach((said) => spoken(said.text, said.language)));
    const last = steps[steps.length - 1];
    if (last && last.listen) {
      call.listen = last.listen;
      call.transfer = null;
    } else if (last && last.transfer) {
      call.listen = null;
      call.transfer = last.transfer;
      line("note", last.transfer.kind === "enqueue"
        ? `📞 Waiting in the specialists' queue ${last.transfer.to}`
        : `📞 Ringing the specialists' line ${last.transfer.to}`);
    } else {
      ended(false); // a hang-up, or TwiML with nothing more to do: Twilio ends the call too
    }
  }

  async function post(fields) {
    const previous = document.activeElement;
    const mine = generation;
    const body = call
      ? { from: call.from, call_sid: call.sid, ...fields }
      : { from: fromInput.value.trim() };
    busy = true;
    setStatus();
    render();
    try {
      const response = await fetch("/simulator/call", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body),
      });
      const data = await response.json().catch(() => ({}));
      if (mine !== generation) return; // hung up meanwhile
      if (!response.ok) {
        const detail = data.detail ? " – " + data.detail : "";
        line("error", `Error: ${data.error || response.status}${detail}`);
      } else {
        call = call || { from: body.from, listen: null, transfer: null };
        call.sid = data.call_sid;
        busy = false;
        follow(data.steps);
      }
    } catch (error) {
      if (mine === generation) line("error", "Could not reach the gateway: " + error.message);
    } finally {
      if (mine === generation) busy = false;
      setStatus();
      render();
      refocus(previous);
    }
  }

  // The caller's answer to the current question: what is shown, then what is sent.
  function answer(shown, fields) {
    if (!canAnswer()) return;
    line("out", shown);
    keys = "";
    post({ url: call.listen.action, ...fields });
  }

  function press(key) {
    if (!canAnswer()) return;
    if (key === "#") { // ends the keys (Twilio's finishOnKey), and is not one of them
      const typed = keys;
      answer(typed ? `🔢 ${typed}` : "🔢 #", { digits: typed });
      return;
    }
    keys += key;
    const wanted = call.listen.num_digits;
    if ((wanted && keys.length >= wanted) || keys.length >= MAX_KEYS) {
      answer(`🔢 ${keys}`, { digits: keys });
    } else {
      render();
    }
  }

  function say(text) {
    const words = text.trim();
    if (!words || !canAnswer()) return false;
    answer(words, { speech: words });
    return true;
  }

  function transferEnds(outcome) {
    if (!call || !call.transfer || busy) return;
    line("note", outcome === "completed"
      ? "A specialist answered, talked with you, and hung up."
      : "Nobody answered the specialists' line.");
    post({ url: call.transfer.action, transfer: outcome });
  }

  function hangUp() {
    if (!call) return;
    // Twilio's status callback tells the hotline the call is over (best effort).
    fetch("/simulator/call", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ from: call.from, call_sid: call.sid, hangup: true }),
    }).catch(() => {});
    ended(true);
    render();
    startButton.focus();
  }

  // -- the mode switch --------------------------------------------------------------------------

  function setMode(mode) {
    const calling = mode === "call";
    modeText.setAttribute("aria-pressed", String(!calling));
    modeCall.setAttribute("aria-pressed", String(calling));
    textPanel.hidden = calling;
    callPanel.hidden = !calling;
    phone.classList.toggle("calling", calling);
    if (calling) {
      refocus(null, true);
    } else {
      document.getElementById("message").focus();
    }
  }

  modeText.addEventListener("click", () => setMode("text"));
  modeCall.addEventListener("click", () => setMode("call"));
  startButton.addEventListener("click", () => {
    if (call || busy) return;
    line("note", `📞 Calling the hotline from ${fromInput.value.trim()}`);
    post({});
  });
  hangupButton.addEventListener("click", hangUp);
  answeredButton.addEventListener("click", () => transferEnds("completed"));
  noAnswerButton.addEventListener("click", () => transferEnds("no-answer"));
  silentButton.addEventListener("click", () => answer("🤐 (silence)", {}));
  sayForm.addEventListener("submit", (event) => {
    event.preventDefault();
    if (say(speechInput.value)) speechInput.value = "";
  });
  keyButtons.forEach((button) => button.addEventListener("click", () => press(button.dataset.key)));
  // Keys typed on the keyboard press the keypad's, but not while typing in a field.
  document.addEventListener("keydown", (event) => {
    if (callPanel.hidden || event.ctrlKey || event.metaKey || event.altKey) return;
    if (!KEYS.includes(event.key) || event.key.length !== 1) return;
    if (event.target.closest && event.target.closest("input, textarea, select")) return;
    if (!canAnswer()) return;
    event.preventDefault();
    press(event.key);
  });
  // In call mode the help's examples are said (simulator.js texts them in text mode).
  document.querySelectorAll(".example").forEach((button) =>
    button.addEventListener("click", () => {
      if (!callPanel.hidden) say(button.textContent);
    })
  );
  // "New conversation" is a new phone: any call on the old one ends.
  document.getElementById("new-phone").addEventListener("click", () => {
    call = null;
    keys = "";
    generation += 1;
    busy = false;
    transcript.replaceChildren();
    callStatus.textContent = "";
    render();
  });
  render();
})();
