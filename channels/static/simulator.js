// The simulator page: posts each message to /simulator/sms, which signs it like Twilio and
// sends it to the real /twilio/sms webhook, then shows the hotline's answer. Beside the phone:
// the outbox for this phone's number (/simulator/outbox, polled while the page is visible) and
// a form that records a sample custody event (/simulator/custody-event). Call mode, the other
// side of the phone, is simulator_call.js.
(function () {
  "use strict";
  const thread = document.getElementById("thread");
  const form = document.getElementById("composer");
  const input = document.getElementById("message");
  const sendButton = document.getElementById("send");
  const fromInput = document.getElementById("from");
  const counter = document.getElementById("counter");
  const status = document.getElementById("status");

  // A fictional number (555-0100 to 555-0199 in a real area code): no real phone has it, yet it
  // is valid, so the person can also give it as the contact for codes and alerts.
  const AREA_CODES = ["713", "832", "281", "210", "512", "214", "469", "915", "956", "305",
    "786", "212", "718", "312", "213", "415", "602", "404", "702", "619"];
  function randomPhone() {
    const area = AREA_CODES[Math.floor(Math.random() * AREA_CODES.length)];
    return "+1" + area + "55501" + String(Math.floor(Math.random() * 100)).padStart(2, "0");
  }

  // SMS segments: GSM-7 holds 160 characters (153 when split), anything else UCS-2: 70 (67).
  const GSM7 = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
  function segments(text) {
    if (!text) return { count: 0, encoding: "GSM-7" };
    const gsm = [...text].every((ch) => GSM7.includes(ch));
    const single = gsm ? 160 : 70, multi = gsm ? 153 : 67;
    const length = [...text].length;
    return { count: length <= single ? 1 : Math.ceil(length / multi), encoding: gsm ? "GSM-7" : "UCS-2" };
  }

  function updateCounter() {
    const s = segments(input.value);
    counter.textContent = input.value ? `${[...input.value].length} chars, ${s.count} SMS (${s.encoding})` : "";
  }

  function bubble(text, kind) {
    const item = document.createElement("li");
    item.className = "bubble " + kind;
    item.textContent = text;
    thread.appendChild(item);
    thread.scrollTop = thread.scrollHeight;
    return item;
  }

  async function send(text) {
    bubble(text, "out");
    sendButton.disabled = true;
    status.textContent = "Sending…";
    try {
      const response = await fetch("/simulator/sms", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ from: fromInput.value, body: text }),
      });
      const data = await response.json();
      if (!response.ok) {
        bubble(`Error: ${data.error || response.status}${data.detail ? " – " + data.detail : ""}`, "error");
      } else if (data.replies.length === 0) {
        bubble("(no reply)", "none");
      } else {
        data.replies.forEach((reply) => bubble(reply, "in"));
      }
      status.textContent = "";
    } catch (error) {
      bubble("Could not reach the gateway: " + error.message, "error");
      status.textContent = "";
    } finally {
      sendButton.disabled = false;
      input.focus();
      refreshOutbox();
    }
  }

  // -- the outbox: what the hotline "sent" to this phone --------------------------------------
  const outboxList = document.getElementById("outbox");
  const outboxEmpty = document.getElementById("outbox-empty");
  const outboxStatus = document.getElementById("outbox-status");
  const POLL_MILLISECONDS = 2000;
  const KINDS = { code: "Verification code", notification: "Custody alert", reminder: "Reminder", other: "Message" };
  const CHANNELS = { sms: "text", voice: "call", email: "e-mail" };
  let shown = new Set();
  let outboxUnavailable = false;
  let outboxLoading = false;

  function outboxItem(message) {
    const item = document.createElement("li");
    item.className = "outbox-item kind-" + (KINDS[message.kind] ? message.kind : "other");
    item.dataset.sid = message.sid;
    const meta = document.createElement("div");
    meta.className = "outbox-meta";
    const kind = document.createElement("span");
    kind.className = "badge";
    kind.textContent = KINDS[message.kind] || KINDS.other;
    const when = document.createElement("time");
    when.dateTime = message.created_at;
    when.textContent = new Date(message.created_at).toLocaleTimeString();
    meta.append(kind, ` by ${CHANNELS[message.channel] || message.channel} · `, when);
    const body = document.createElement("div");
    body.className = "outbox-body";
    body.textContent = message.call ? `📞 call: ${message.body}` : message.body;
    item.append(meta, body);
    return item;
  }

  function resetOutbox() {
    shown = new Set();
    outboxList.replaceChildren();
    outboxEmpty.hidden = false;
    outboxStatus.textContent = "";
    outboxUnavailable = false;
  }

  // New messages are added on top (newest first), so the live region announces only them.
  function showOutbox(messages) {
    const fresh = messages.filter((message) => !shown.has(message.sid));
    fresh.reverse().forEach((message) => {
      shown.add(message.sid);
      outboxList.prepend(outboxItem(message));
    });
    outboxEmpty.hidden = shown.size > 0;
  }

  async function refreshOutbox() {
    const phone = fromInput.value.trim();
    if (outboxLoading || !/[0-9]/.test(phone)) return;
    outboxLoading = true;
    try {
      const response = await fetch("/simulator/outbox?to=" + encodeURIComponent(phone));
      const data = await response.json();
      if (phone !== fromInput.value.trim()) return; // the number changed meanwhile
      if (response.ok) {
        outboxUnavailable = false;
        outboxStatus.textContent = "";
        showOutbox(data.messages);
      } else {
        outboxUnavailable = response.status === 404; // Twilio/SMTP send for real: stop polling
        outboxStatus.textContent = "Outbox unavailable: " + (data.detail || response.status);
      }
    } catch (error) {
      outboxStatus.textContent = "Could not reach the gateway: " + error.message;
    } finally {
      outboxLoading = false;
    }
  }

  setInterval(() => {
    if (document.visibilityState === "visible" && !outboxUnavailable) refreshOutbox();
  }, POLL_MILLISECONDS);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") refreshOutbox();
  });
  document.getElementById("outbox-refresh").addEventListener("click", refreshOutbox);

  // -- a sample custody event, as the custody feed would post it --------------------------------
  const eventForm = document.getElementById("custody-event");
  const eventButton = document.getElementById("event-send");
  const eventResult = document.getElementById("event-result");
  const aNumberInput = document.getElementById("event-a-number");
  const eventType = document.getElementById("event-type");

  function describeEvent(data) {
    if (data.matched === null || data.matched === undefined) {
      return `Event recorded (${data.type}); still matching registrations: alerts will appear in the outbox.`;
    }
    const registrations = data.matched === 1 ? "registration" : "registrations";
    return `Event recorded (${data.type}): ${data.matched} ${registrations} matched.`;
  }

  eventForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    eventButton.disabled = true;
    eventResult.className = "result";
    eventResult.textContent = "Recording…";
    aNumberInput.removeAttribute("aria-invalid");
    try {
      const response = await fetch("/simulator/custody-event", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ a_number: aNumberInput.value.trim(), type: eventType.value }),
      });
      const data = await response.json();
      if (response.ok) {
        eventResult.textContent = describeEvent(data);
      } else {
        const fields = data.fields || {};
        if (fields.a_number) aNumberInput.setAttribute("aria-invalid", "true");
        const problems = Object.entries(fields).map(([name, hint]) => `${name}: ${hint}`);
        eventResult.className = "result error";
        eventResult.textContent = "Not recorded. " + (problems.join("; ") || data.detail || response.status);
      }
    } catch (error) {
      eventResult.className = "result error";
      eventResult.textContent = "Could not reach the gateway: " + error.message;
    } finally {
      eventButton.disabled = false;
      refreshOutbox();
    }
  });

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = "";
    updateCounter();
    send(text);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  input.addEventListener("input", updateCounter);
  // In call mode the examples are said instead (simulator_call.js).
  const textMode = document.getElementById("text-mode");
  document.querySelectorAll(".example").forEach((button) =>
    button.addEventListener("click", () => {
      if (!textMode.hidden) send(button.textContent);
    })
  );
  document.getElementById("new-phone").addEventListener("click", () => {
    fromInput.value = randomPhone();
    thread.innerHTML = "";
    resetOutbox();
    refreshOutbox();
  });
  fromInput.addEventListener("change", () => {
    resetOutbox();
    refreshOutbox();
  });
  fromInput.value = randomPhone();
  refreshOutbox();
  input.focus();
})();
