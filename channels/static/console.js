// The specialist console's one script (no inline scripts: the pages run under a strict CSP).
// Every page: times in the reader's time zone, the flash message focused, confirmations.
// The queue: /console/queue.json every 5 s, new handoffs announced. A conversation: its
// transcript.json every 5 s, the reply box's SMS segment counter and canned replies, and the
// reply sent with fetch (the form also works without this script); each new message from the
// person gets its "The assistant misunderstood this" button.
(function () {
  "use strict";
  const POLL_MILLISECONDS = 5000;

  function csrfToken() {
    const input = document.querySelector('input[name="csrf_token"]');
    return input ? input.value : "";
  }

  function toLogin() {
    window.location.assign("/console/login?next=" + encodeURIComponent(window.location.pathname));
  }

  async function getJSON(url) {
    const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
    if (response.status === 401) {
      toLogin();
      return null;
    }
    if (!response.ok) throw new Error(`the console answered ${response.status}`);
    return response.json();
  }

  // Polls while the page is visible, and at once when it becomes visible again.
  function poll(refresh) {
    setInterval(() => {
      if (document.visibilityState === "visible") refresh();
    }, POLL_MILLISECONDS);
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible") refresh();
    });
  }

  function showLocalTime(element) {
    const moment = new Date(element.dateTime);
    if (!Number.isNaN(moment.getTime())) {
      element.textContent = moment.toLocaleString([], { dateStyle: "short", timeStyle: "short" });
    }
  }

  function timeElement(iso) {
    const element = document.createElement("time");
    element.dateTime = iso;
    showLocalTime(element);
    return element;
  }

  document.querySelectorAll("time[datetime]").forEach(showLocalTime);

  // After an action the page comes back with what happened: read it first.
  const flash = document.getElementById("flash");
  if (flash && flash.textContent.trim()) {
    flash.tabIndex = -1;
    flash.focus();
  }

  document.querySelectorAll("form[data-confirm]").forEach((form) =>
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    })
  );

  // -- the queue ----------------------------------------------------------------------------------
  const queueRows = document.getElementById("queue-rows");
  if (queueRows) {
    const table = document.getElementById("queue");
    const live = document.getElementById("queue-live");
    const count = document.getElementById("queue-count");
    const queueError = document.getElementById("queue-error");
    let known = new Set([...queueRows.querySelectorAll("tr[data-id]")].map((row) => row.dataset.id));

    function cell(label, content) {
      const td = document.createElement("td");
      td.dataset.label = label;
      td.append(content);
      return td;
    }

    function queueRow(item) {
      const row = document.createElement("tr");
      row.dataset.id = item.id;
      row.className = "priority-" + item.priority;
      const badge = document.createElement("span");
      badge.className = "badge badge-" + item.priority;
      badge.textContent = item.priority.charAt(0).toUpperCase() + item.priority.slice(1);
      const link = document.createElement("a");
      link.href = item.url;
      link.textContent = item.reason_label;
      const which = document.createElement("span");
      which.className = "visually-hidden";
      which.textContent = ` (conversation ${item.id.slice(0, 8)})`;
      link.append(which);
      row.append(
        cell("Priority", badge),
        cell("Reason", link),
        cell("Language", item.language_label),
        cell("Channel", item.channel_label),
        cell("Waiting", item.waiting),
        cell("Status", item.status_label),
        cell("Assignee", item.assignee || "—")
      );
      return row;
    }

    function emptyRow() {
      const row = document.createElement("tr");
      row.className = "empty";
      const td = document.createElement("td");
      td.colSpan = 7;
      td.textContent = "Nobody is waiting for a specialist.";
      row.append(td);
      return row;
    }

    async function refreshQueue() {
      let data;
      try {
        data = await getJSON(table.dataset.pollUrl);
      } catch (error) {
        queueError.textContent = "Could not refresh the queue: " + error.message;
        return;
      }
      if (!data) return;
      queueError.textContent = "";
      // Keep the keyboard where it was: the same row's link gets the focus back.
      const focused = document.activeElement && document.activeElement.closest("#queue-rows tr");
      const focusedId = focused ? focused.dataset.id : null;
      const rows = data.handoffs.map(queueRow);
      queueRows.replaceChildren(...(rows.length ? rows : [emptyRow()]));
      if (focusedId) {
        const again = queueRows.querySelector(`tr[data-id="${CSS.escape(focusedId)}"] a`);
        if (again) again.focus();
      }
      count.textContent = `${data.handoffs.length} open`;
      const fresh = data.handoffs.filter((item) => !known.has(item.id));
      known = new Set(data.handoffs.map((item) => item.id));
      if (fresh.length) {
        live.textContent = fresh
          .map((item) => `New handoff: ${item.priority}, ${item.reason_label}, ${item.language_label}.`)
          .join(" ");
      }
    }

    poll(refreshQueue);
  }

  // -- one conversation: the transcript -----------------------------------------------------------
  const transcript = document.getElementById("transcript");
  let refreshTranscript = async () => {};
  if (transcript) {
    const changed = document.getElementById("changed");
    const ids = [...transcript.querySelectorAll("li[data-id]")].map((item) => Number(item.dataset.id));
    let lastId = ids.length ? Math.max(...ids) : 0;
    transcript.scrollTop = transcript.scrollHeight;

    function messageItem(message) {
      const item = document.createElement("li");
      item.className = "msg msg-" + message.direction;
      item.dataset.id = message.id;
      const meta = document.createElement("span");
      meta.className = "msg-meta";
      meta.append(message.direction === "inbound" ? "Person" : "Hotline", " · ", timeElement(message.at));
      const body = document.createElement("span");
      body.className = "msg-body";
      body.textContent = message.body;
      item.append(meta, body);
      if (message.direction === "inbound" && transcript.dataset.flagUrl) item.append(flagForm(message.id));
      return item;
    }

    // "The assistant misunderstood this" beside a new message from the person, as the page has it.
    function flagForm(id) {
      const form = document.createElement("form");
      form.className = "flag-form";
      form.method = "post";
      form.action = transcript.dataset.flagUrl.replace("/messages/0/flag", `/messages/${id}/flag`);
      const token = document.createElement("input");
      token.type = "hidden";
      token.name = "csrf_token";
      token.value = csrfToken();
      const button = document.createElement("button");
      button.type = "submit";
      button.className = "secondary flag";
      button.id = "flag-" + id;
      button.textContent = "The assistant misunderstood this";
      form.append(token, button);
      return form;
    }

    refreshTranscript = async function () {
      let data;
      try {
        data = await getJSON(transcript.dataset.pollUrl);
      } catch (error) {
        return; // the next poll tries again
      }
      if (!data) return;
      const fresh = data.messages.filter((message) => message.id > lastId);
      fresh.forEach((message) => {
        transcript.append(messageItem(message));
        lastId = message.id;
      });
      if (fresh.length) transcript.scrollTop = transcript.scrollHeight;
      if (data.status !== transcript.dataset.status || (data.assignee || "") !== transcript.dataset.assignee) {
        changed.hidden = false;
      }
    };

    poll(refreshTranscript);
  }

  // -- one conversation: the reply box ------------------------------------------------------------
  // SMS segments as the simulator counts them: GSM-7 holds 160 characters (153 each when split),
  // anything else makes the whole text UCS-2: 70 (67). The GSM-7 extension characters take two.
  const GSM7 = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
  const GSM7_EXTENSION = "^{}\\[~]|€\f";

  function segments(text) {
    const characters = [...text];
    const gsm = characters.every((ch) => GSM7.includes(ch) || GSM7_EXTENSION.includes(ch));
    const units = gsm
      ? characters.reduce((sum, ch) => sum + (GSM7_EXTENSION.includes(ch) ? 2 : 1), 0)
      : text.length; // UTF-16 code units: an emoji takes two
    const single = gsm ? 160 : 70;
    const multi = gsm ? 153 : 67;
    const count = units === 0 ? 0 : units <= single ? 1 : Math.ceil(units / multi);
    return { characters: characters.length, count, encoding: gsm ? "GSM-7" : "UCS-2" };
  }

  const replyForm = document.getElementById("reply-form");
  if (replyForm) {
    const box = document.getElementById("reply-text");
    const counter = document.getElementById("reply-counter");
    const replyStatus = document.getElementById("reply-status");
    const sendButton = document.getElementById("reply-send");
    const canned = document.getElementById("canned");

    function updateCounter() {
      const s = segments(box.value);
      const noun = s.characters === 1 ? "character" : "characters";
      counter.textContent = s.characters
        ? `${s.characters} ${noun} · ${s.count} SMS (${s.encoding})`
        : "0 characters";
      counter.classList.toggle("long", s.count > 1);
    }

    document.getElementById("canned-insert").addEventListener("click", () => {
      if (!canned.value) {
        canned.focus();
        return;
      }
      box.value = box.value.trim() ? box.value.trimEnd() + " " + canned.value : canned.value;
      updateCounter();
      box.focus();
    });

    replyForm.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (!box.value.trim()) {
        replyStatus.className = "result error";
        replyStatus.textContent = "Write a reply first.";
        box.focus();
        return;
      }
      sendButton.disabled = true;
      replyStatus.className = "result";
      replyStatus.textContent = "Sending…";
      try {
        const response = await fetch(replyForm.action, {
          method: "POST",
          headers: { Accept: "application/json", "X-CSRF-Token": csrfToken() },
          body: new FormData(replyForm),
          credentials: "same-origin",
        });
        if (response.status === 401) {
          toLogin();
          return;
        }
        const data = await response.json();
        if (response.ok) {
          box.value = "";
          updateCounter();
          replyStatus.textContent = "Reply sent at " + new Date().toLocaleTimeString([], { timeStyle: "short" }) + ".";
          await refreshTranscript();
        } else {
          replyStatus.className = "result error";
          replyStatus.textContent = data.detail || `Not sent (${response.status}).`;
        }
      } catch (error) {
        replyStatus.className = "result error";
        replyStatus.textContent = "Not sent: could not reach the console (" + error.message + ").";
      } finally {
        sendButton.disabled = false;
      }
    });

    box.addEventListener("input", updateCounter);
    updateCounter();
  }
})();
