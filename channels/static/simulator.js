// The simulator page: posts each message to /simulator/sms, which signs it like Twilio and
// sends it to the real /twilio/sms webhook, then shows the hotline's answer.
(function () {
  "use strict";
  const thread = document.getElementById("thread");
  const form = document.getElementById("composer");
  const input = document.getElementById("message");
  const sendButton = document.getElementById("send");
  const fromInput = document.getElementById("from");
  const counter = document.getElementById("counter");
  const status = document.getElementById("status");

  function randomPhone() {
    return "+1555" + String(Math.floor(1000000 + Math.random() * 8999999));
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
    }
  }

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
  document.querySelectorAll(".example").forEach((button) =>
    button.addEventListener("click", () => send(button.textContent))
  );
  document.getElementById("new-phone").addEventListener("click", () => {
    fromInput.value = randomPhone();
    thread.innerHTML = "";
  });
  fromInput.value = randomPhone();
  input.focus();
})();
