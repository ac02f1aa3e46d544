/* 长辈办事通 · hall kiosk front end: the page. An ES module (no build step, no libraries, nothing beyond this
   origin); loudness and the end of speech in loudness.js, the API in api.js, the microphone in mic.js, the page's own words in texts.js.
   Text from the server is always inserted with textContent (never innerHTML). */
import { Conversation, fetchGuides, fetchSpeech, kioskIdFrom, readJson } from './api.js';
import { Microphone } from './mic.js';
import { TEXT, askText, detailText, itemNamed, materialLine } from './texts.js';

function kiosk() {
  const $ = (id) => document.getElementById(id);
  const body = document.body;
  // The bar's commands (下一个, 再说一遍, 全部说一遍, 找人工): their words and payloads are the server's
  // (api/kiosk/templates/index.html from guidekit/answers/buttons.py), the same as the assistant's own buttons.
  const COMMAND_BUTTONS = [...document.querySelectorAll('#actions [data-payload]')];
  const BAR_PAYLOADS = new Set(COMMAND_BUTTONS.map((b) => b.dataset.payload));
  const el = {
    startView: $('start-view'),
    chatView: $('chat-view'),
    tiles: $('tiles'),
    tilesStatus: $('tiles-status'),
    tilesRetry: $('btn-tiles-retry'),
    stillThere: $('still-there'),
    stillThereText: $('still-there-text'),
    stillHere: $('btn-still-here'),
    log: $('log'),
    card: $('material-card'),
    cardCount: $('material-count'),
    cardName: $('material-name'),
    cardText: $('material-text'),
    form: $('ask-form'),
    input: $('ask-input'),
    send: $('btn-send'),
    read: $('btn-read'),
    mic: $('btn-mic'),
    micLevel: $('mic-level'),
    restart: $('btn-restart'),
    checklist: $('btn-checklist'),
    barOptions: $('bar-options'),
    checklistView: $('checklist-view'),
    checklistFrame: $('checklist-frame'),
    print: $('btn-print'),
    back: $('btn-back'),
  };
  // Which kiosk this is (/kiosk?kiosk=east-1): the server names its help desk and rings its staff call.
  const talk = new Conversation(kioskIdFrom(location.search));
  let state = null;              // last `state` from the server
  let lastSpoken = '';           // latest assistant text (what 朗读 reads)
  let busy = false;              // a chat / audio request is in flight
  let generation = 0;            // bumped by restart(): late answers for an old session are dropped
  let view = 'start';
  let idleTimer = 0;
  let warnTimer = 0;             // "您还在吗?" shortly before the idle reset

  // ---------- views ----------
  function showStart() {
    view = 'start';
    body.classList.add('view-start');
    body.classList.remove('view-chat');
    el.startView.hidden = false;
    el.chatView.hidden = true;
    document.querySelectorAll('.chat-only').forEach((b) => { b.hidden = true; });
    updateChecklist();
  }

  function showChat() {
    if (view === 'chat') return;
    view = 'chat';
    body.classList.add('view-chat');
    body.classList.remove('view-start');
    el.startView.hidden = true;
    el.chatView.hidden = false;
    document.querySelectorAll('.chat-only').forEach((b) => { b.hidden = false; });
    updateChecklist();
    scrollToEnd();
  }

  // ---------- conversation log ----------
  /** Newest at the bottom, in view. Only the log scrolls; the page itself never does. */
  function scrollToEnd() {
    el.log.scrollTop = el.log.scrollHeight;
  }

  function addMessage(kind, text, buttons) {
    const wrap = document.createElement('div');
    wrap.className = 'msg msg-' + kind;
    const bubble = document.createElement('div');
    bubble.className = 'bubble';
    bubble.textContent = text;
    wrap.appendChild(bubble);
    if (buttons && buttons.length) {
      const row = document.createElement('div');
      row.className = 'msg-buttons';
      addOptionButtons(row, buttons);
      if (row.childElementCount) wrap.appendChild(row);
    }
    el.log.appendChild(wrap);
    scrollToEnd();
    return wrap;
  }

  /** One big button per reply button ({title, payload}), each sending its payload (or its title). */
  function addOptionButtons(container, buttons) {
    buttons.forEach((b) => {
      if (!b || typeof b.title !== 'string') return;
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'btn btn-option';
      button.textContent = b.title;
      const payload = typeof b.payload === 'string' && b.payload ? b.payload : b.title;
      button.disabled = busy;
      button.addEventListener('click', () => ask(payload, b.title));
      container.appendChild(button);
    });
  }

  function addUser(text) { return addMessage('user', text); }

  /** An assistant bubble; `speakable` ones become what 朗读 reads. */
  function addBot(text, buttons, speakable = true) {
    const node = addMessage('bot', text, buttons);
    if (speakable && text) lastSpoken = text;
    return node;
  }



  function addWaiting() { return addMessage('wait', TEXT.wait); }

  // ---------- state: material card and checklist link ----------
  function applyState(next, latestText) {
    if (!next || typeof next !== 'object') return;
    state = next;
    // While our question waits, the walk's buttons do not apply: the options under the question are what to tap.
    body.classList.toggle('choosing', Array.isArray(next.options) && next.options.length > 0);
    const index = next.item_index;
    if (typeof index === 'number' && Number.isFinite(index)) {
      const total = next.item_count;
      el.cardCount.textContent = (typeof total === 'number' && Number.isFinite(total))
        ? `第${index}样 / 共${total}样`
        : `第${index}样`;
      const said = latestText || lastSpoken || '';
      // "第2样,户口本。…": the item's name, shown large above what it is.
      const named = itemNamed(said, index);
      el.cardName.textContent = named ? named[1] : '';
      // The count and the name are above, large: the text goes on from there.
      el.cardText.textContent = named && said.startsWith(named[0]) ? said.slice(named[0].length).trim() : said;
      el.card.hidden = false;
      el.cardText.scrollTop = 0;
    } else {
      hideCard();
    }
    updateChecklist();
    scrollToEnd();
  }

  function hideCard() {
    el.card.hidden = true;
    el.cardCount.textContent = '';
    el.cardName.textContent = '';
    el.cardText.textContent = '';
  }

  /** The checklist of the service being talked about, marked where the kiosk left off; '' when there is none. */
  function checklistUrl() {
    const id = state && typeof state.service_id === 'string' ? state.service_id : '';
    if (!id) return '';
    const query = [];
    if (Number.isInteger(state.item_index)) query.push('at=' + state.item_index);
    if (typeof state.situation === 'string' && state.situation) query.push('situation=' + encodeURIComponent(state.situation));
    return '/kiosk/checklist/' + encodeURIComponent(id) + (query.length ? '?' + query.join('&') : '');
  }

  function updateChecklist() {
    el.checklist.hidden = !(checklistUrl() && view === 'chat');
  }

  // ---------- the checklist, inside the kiosk ----------
  // Shown in a frame of this page (never a new page the next visitor would find), with 打印 and 返回.
  function openChecklist() {
    const url = checklistUrl();
    if (!url) return;
    el.checklistFrame.src = url;
    el.checklistView.hidden = false;
    body.classList.add('view-checklist');
    el.back.focus();
  }

  function closeChecklist() {
    el.checklistView.hidden = true;
    body.classList.remove('view-checklist');
    el.checklistFrame.src = 'about:blank';
  }

  function printChecklist() {
    const win = el.checklistFrame.contentWindow;
    if (win && el.checklistFrame.src !== 'about:blank') win.print();
  }

  /** Reading the list and scrolling it inside the frame count as being here. */
  function watchChecklistFrame() {
    let doc = null;
    try { doc = el.checklistFrame.contentDocument; } catch (e) { doc = null; }
    if (!doc) return;
    ['pointerdown', 'touchstart', 'keydown', 'wheel', 'scroll'].forEach((type) => {
      doc.addEventListener(type, armIdle, { capture: true, passive: true });
    });
  }

  // ---------- the bar follows the state ----------
  /** The buttons of the moment in the bar's first row: our question's options while it waits, the walk's
   *  上一个 and 这个我有了 while a material is shown; nothing otherwise. */
  function showBarOptions(buttons) {
    el.barOptions.textContent = '';
    addOptionButtons(el.barOptions, buttons || []);
    el.barOptions.hidden = el.barOptions.childElementCount === 0;
  }

  /** Show a chat-shaped reply (200 or the polite 503). */
  function renderReply(data) {
    let latest = '';
    // Buttons of earlier answers no longer apply ("1. 补办身份证" after the choice was made): hidden and disabled.
    el.log.querySelectorAll('.msg-buttons').forEach((row) => {
      row.classList.add('stale');
      row.querySelectorAll('button').forEach((b) => { b.disabled = true; });
    });
    const messages = Array.isArray(data.messages) ? data.messages : [];
    const next = data.state && typeof data.state === 'object' ? data.state : {};
    const choosing = Array.isArray(next.options) && next.options.length > 0;
    let options = [];
    messages.forEach((m) => {
      if (!m) return;
      const text = typeof m.text === 'string' ? m.text : '';
      let buttons = Array.isArray(m.buttons) ? m.buttons : [];
      if (!text && !buttons.length) return;
      if (choosing && buttons.length) {  // the question's options go to the bar, not under the bubble
        options = buttons;
        buttons = [];
      }
      // A material answer is said once: its line in the log, the whole of it in the card; its buttons are
      // the bar's (下一个, 再说一遍, 全部说一遍 are there already; 上一个, 这个我有了 join them).
      const line = materialLine(text, next.item_index);
      if (line && !choosing) {
        options = buttons.filter((b) => b && !BAR_PAYLOADS.has(b.payload));
        buttons = [];
      }
      if (line) {
        addMessage('bot', line, buttons).classList.add('msg-compact');
        lastSpoken = text;
      } else {
        addBot(text, buttons);
      }
      if (text) latest = text;
    });
    if (!messages.length) addBot(TEXT.empty);
    showBarOptions(options);
    applyState(data.state, latest);
  }

  // ---------- busy (no double sending) ----------
  function setBusy(on) {
    busy = on;
    body.classList.toggle('busy', on);
    el.log.setAttribute('aria-busy', on ? 'true' : 'false');
    const targets = [
      ...COMMAND_BUTTONS, el.send,
      ...el.tiles.querySelectorAll('button'),
      ...el.log.querySelectorAll('.msg-buttons:not(.stale) button'),
      ...el.barOptions.querySelectorAll('button'),
    ];
    targets.forEach((b) => { if (b) b.disabled = on; });
    if (mic.state !== 'recording') el.mic.disabled = on;
  }



  async function ask(text, shown) {
    const clean = String(text || '').trim();
    if (busy || !clean) return false;
    showChat();
    addUser(String(shown || clean));
    const gen = generation;
    setBusy(true);
    const waiting = addWaiting();
    let data = null;
    let failed = false;
    try {
      ({ data } = await talk.say(clean));
      if (gen === generation) talk.keep(data);
    } catch (e) {
      failed = true;
    }
    if (gen !== generation) return false;  // restarted meanwhile: this answer belongs to nobody
    waiting.remove();
    setBusy(false);
    if (data && Array.isArray(data.messages)) renderReply(data);
    else addBot(failed ? TEXT.network : detailText(data, TEXT.error));
    return true;
  }


  async function loadGuides() {
    el.tilesStatus.hidden = true;
    el.tilesRetry.hidden = true;
    const guides = await fetchGuides();
    el.tiles.textContent = '';
    if (!Array.isArray(guides) || !guides.length) {
      el.tilesStatus.textContent = TEXT.tilesFailed;
      el.tilesStatus.hidden = false;
      el.tilesRetry.hidden = false;
      return;
    }
    guides.forEach((g) => {
      if (!g || typeof g.name !== 'string') return;
      const tile = document.createElement('button');
      tile.type = 'button';
      tile.className = 'tile';
      // What people call it ("补办身份证"), where editors set it; the official name otherwise.
      const called = typeof g.short_name === 'string' && g.short_name ? g.short_name : g.name;
      tile.textContent = called;
      if (typeof g.id === 'string') tile.dataset.guideId = g.id;
      tile.disabled = busy;
      tile.addEventListener('click', () => ask(askText(g, called), askText(g, called)));
      el.tiles.appendChild(tile);
    });
  }

  // ---------- 朗读 (text to speech) ----------
  const speech = { audio: null, url: '', token: 0, on: false };

  function setReading(on) {
    speech.on = on;
    el.read.textContent = on ? TEXT.reading : TEXT.read;
    el.read.classList.toggle('is-on', on);
    el.read.setAttribute('aria-pressed', on ? 'true' : 'false');
  }

  function stopReading() {
    speech.token += 1;
    if (speech.audio) {
      try { speech.audio.pause(); } catch (e) { /* already stopped */ }
      speech.audio.removeAttribute('src');
      speech.audio = null;
    }
    if (speech.url) { URL.revokeObjectURL(speech.url); speech.url = ''; }
    setReading(false);
  }

  async function onRead() {
    if (speech.on) { stopReading(); armIdle(); return; }
    const text = view === 'start' && !lastSpoken ? TEXT.greetingSpeech : lastSpoken;
    if (!text) { addBot(TEXT.nothingToRead, null, false); return; }
    stopReading();
    const token = speech.token;
    setReading(true);
    const finish = () => {
      if (token !== speech.token) return;
      stopReading();
      armIdle();  // listening counts as being here
    };
    let res;
    try {
      res = await fetchSpeech(text, state && state.slow_speech);
    } catch (e) {
      if (token !== speech.token) return;
      finish();
      showChat();
      addBot(TEXT.cannotRead, null, false);
      return;
    }
    if (token !== speech.token) return;
    if (!res.ok) {
      const data = await readJson(res);
      if (token !== speech.token) return;
      finish();
      showChat();
      addBot(detailText(data, TEXT.cannotRead), null, false);
      return;
    }
    let blob;
    try { blob = await res.blob(); } catch (e) { blob = null; }
    if (token !== speech.token) return;
    if (!blob) { finish(); showChat(); addBot(TEXT.cannotRead, null, false); return; }
    speech.url = URL.createObjectURL(blob);
    const audio = new Audio(speech.url);
    speech.audio = audio;
    audio.addEventListener('ended', finish);
    audio.addEventListener('error', finish);
    try {
      await audio.play();
    } catch (e) {
      if (token !== speech.token) return;
      finish();
      showChat();
      addBot(TEXT.cannotPlay, null, false);
    }
  }

  // ---------- 说话 (microphone) ----------
  const mic = new Microphone({ onLevel: showLevel, onDone: heardRecording });
  let micHint = null;
  let micGeneration = 0;

  function setMicLabel() {
    const on = mic.state === 'recording';
    el.mic.textContent = on ? TEXT.micStop : TEXT.mic;
    el.mic.classList.toggle('is-on', on);
    el.mic.setAttribute('aria-pressed', on ? 'true' : 'false');
    el.mic.disabled = on ? false : busy;
    body.classList.toggle('listening', on);
  }

  /** The level meter: how loud the microphone hears the person, 0 … 1. */
  function showLevel(level) {
    el.micLevel.style.setProperty('--level', String(Math.max(0, Math.min(1, level))));
    el.micLevel.setAttribute('aria-valuenow', String(Math.round(level * 100)));
  }

  function dropHint() {
    if (micHint) { micHint.remove(); micHint = null; }
  }

  async function onMic() {
    if (mic.state === 'recording') { mic.stop(); return; }
    if (mic.state !== 'idle' || busy) return;
    micGeneration = generation;
    if (!Microphone.available()) { showChat(); addBot(TEXT.noMic); return; }
    const started = await mic.start();
    setMicLabel();
    if (generation !== micGeneration) { mic.stop(true); return; }
    if (!started) { showChat(); addBot(TEXT.noMic); return; }
    showChat();
    micHint = addMessage('hint', TEXT.listening);
  }

  function heardRecording(blob) {
    dropHint();
    setMicLabel();
    if (blob && micGeneration === generation) sendRecording(blob, generation);
  }

  async function sendRecording(blob, gen) {
    if (busy || gen !== generation) return;
    setBusy(true);
    const waiting = addWaiting();
    let res = null;
    let data = null;
    try {
      ({ res, data } = await talk.speak(blob));
      if (gen === generation) talk.keep(data);
    } catch (e) {
      res = null;
    }
    if (gen !== generation) return;
    waiting.remove();
    setBusy(false);
    if (!res) { addBot(TEXT.network); return; }
    if (res.status === 501) { addBot(detailText(data, TEXT.noAsr)); return; }
    if (data && Array.isArray(data.messages)) {
      // What was heard, as the person's own bubble, before the answer.
      if (typeof data.transcript === 'string' && data.transcript.trim()) addUser(data.transcript.trim());
      renderReply(data);
      return;
    }
    addBot(detailText(data, TEXT.error));
  }

  // ---------- restart and idle reset ----------
  function restart() {
    generation += 1;
    stopReading();
    mic.stop(true);
    dropHint();
    el.log.textContent = '';
    hideStillThere();
    closeChecklist();
    showBarOptions([]);
    body.classList.remove('choosing');
    state = null;
    lastSpoken = '';
    hideCard();
    talk.forget();
    el.input.value = '';
    setBusy(false);
    setMicLabel();
    showStart();
    el.startView.scrollTop = 0;
    if (document.activeElement && document.activeElement !== body && document.activeElement.blur) {
      document.activeElement.blur();
    }
    armIdle();
  }

  function idleSeconds() {
    const fromQuery = new URLSearchParams(location.search).get('idle');
    if (fromQuery !== null && fromQuery.trim() !== '' && Number(fromQuery) > 0) {
      body.dataset.idleSeconds = String(Number(fromQuery));
    }
    const seconds = Number(body.dataset.idleSeconds);
    return Number.isFinite(seconds) && seconds > 0 ? seconds : 90;
  }

  /** Asked this long before the reset: 15 s, or half the idle time when that is shorter. */
  function warnSeconds() {
    return Math.min(15, idleSeconds() / 2);
  }

  function armIdle() {
    clearTimeout(idleTimer);
    clearTimeout(warnTimer);
    hideStillThere();
    warnTimer = setTimeout(showStillThere, (idleSeconds() - warnSeconds()) * 1000);
    idleTimer = setTimeout(onIdle, idleSeconds() * 1000);
  }

  /** Only a conversation is worth keeping: the start screen is cleared without asking. */
  function showStillThere() {
    if (view !== 'chat') return;
    el.stillThereText.textContent = `您还在吗?${Math.round(warnSeconds())}秒后回到首页。`;
    el.stillThere.hidden = false;
  }

  function hideStillThere() {
    el.stillThere.hidden = true;
  }

  function onIdle() {
    // Someone is listening to the answer being read out: wait until it ends.
    if (speech.on && speech.audio && !speech.audio.paused) { armIdle(); return; }
    restart();
  }

  // ---------- wiring ----------
  COMMAND_BUTTONS.forEach((b) => {
    b.addEventListener('click', () => ask(b.dataset.payload, b.textContent.trim()));
  });
  el.restart.addEventListener('click', restart);
  el.checklist.addEventListener('click', openChecklist);
  el.back.addEventListener('click', closeChecklist);
  el.print.addEventListener('click', printChecklist);
  el.checklistFrame.addEventListener('load', watchChecklistFrame);
  el.stillHere.addEventListener('click', armIdle);  // (any touch re-arms it too)
  el.read.addEventListener('click', onRead);
  el.mic.addEventListener('click', onMic);
  el.tilesRetry.addEventListener('click', loadGuides);
  el.form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (busy) return;
    const text = el.input.value.trim();
    if (!text) { el.input.focus(); return; }
    el.input.value = '';
    ask(text, text);
  });

  ['pointerdown', 'touchstart', 'mousedown', 'click', 'keydown', 'input', 'wheel'].forEach((type) => {
    document.addEventListener(type, armIdle, { capture: true, passive: true });
  });
  document.addEventListener('scroll', armIdle, { capture: true, passive: true });

  window.kiosk = {
    sessionId: () => talk.sessionId,
    lastState: () => state,
    restart,
  };

  setReading(false);
  setMicLabel();
  showStart();
  loadGuides();
  armIdle();
}

kiosk();
