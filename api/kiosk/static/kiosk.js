/* 长辈办事通 · hall kiosk front end. Plain ES2020, no libraries, no network access beyond this origin.
   Text from the server is always inserted with textContent (never innerHTML). */
'use strict';

/**
 * 16-bit PCM mono WAV file from float samples in [-1, 1].
 * Returns a Blob of type audio/wav: 44-byte RIFF header + little-endian samples.
 */
function encodeWav(float32Samples, sampleRate) {
  const samples = float32Samples || new Float32Array(0);
  const count = samples.length;
  const rate = Math.round(sampleRate) || 16000;
  const dataBytes = count * 2;
  const buffer = new ArrayBuffer(44 + dataBytes);
  const view = new DataView(buffer);
  const ascii = (offset, text) => {
    for (let i = 0; i < text.length; i += 1) view.setUint8(offset + i, text.charCodeAt(i));
  };
  ascii(0, 'RIFF');
  view.setUint32(4, 36 + dataBytes, true);   // RIFF chunk size
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  view.setUint32(16, 16, true);              // fmt chunk size (PCM)
  view.setUint16(20, 1, true);               // audio format: PCM
  view.setUint16(22, 1, true);               // channels: mono
  view.setUint32(24, rate, true);            // sample rate
  view.setUint32(28, rate * 2, true);        // byte rate = rate * channels * 2
  view.setUint16(32, 2, true);               // block align = channels * 2
  view.setUint16(34, 16, true);              // bits per sample
  ascii(36, 'data');
  view.setUint32(40, dataBytes, true);
  let offset = 44;
  for (let i = 0; i < count; i += 1) {
    let s = Number(samples[i]);
    if (!Number.isFinite(s)) s = 0;
    s = Math.max(-1, Math.min(1, s));
    view.setInt16(offset, s < 0 ? Math.round(s * 0x8000) : Math.round(s * 0x7fff), true);
    offset += 2;
  }
  return new Blob([buffer], { type: 'audio/wav' });
}

(function kiosk() {
  const TEXT = {
    wait: '请稍等……',
    reading: '正在朗读……',
    read: '朗读',
    mic: '说话',
    micStop: '说完了',
    listening: '我在听。说完了,请点「说完了」。',
    noMic: '没有找到话筒。请点按钮,或者打字问我。',
    notHeard: '对不起,我没有听清。请您再说一遍,或者点按钮。',
    noAsr: '这台机器还听不懂说话。请您点按钮,或者打字问我。',
    network: '网络没有连上。请您稍后再试,或者找工作人员。',
    error: '对不起,出了点问题。请您再试一次,或者点「找人工」。',
    empty: '对不起,我没有找到答案。请您换个说法,或者点「找人工」。',
    cannotRead: '对不起,现在不能朗读。请您看屏幕上的字。',
    cannotPlay: '声音放不出来。请您看屏幕上的字。',
    nothingToRead: '现在没有可以朗读的话。',
    tilesFailed: '事项没有打开。请您点「再试一次」,或者按「说话」。',
    greetingSpeech: '您好!请问您要办什么事?点下面的事项,或者按说话说出来。',
  };
  const COMMANDS = {
    // One name per action: the same words as the assistant's own buttons and hints.
    'btn-next': ['/next_item', '下一个'],
    'btn-repeat': ['/repeat_item', '再说一遍'],
    'btn-all': ['/list_all', '全部说一遍'],
    'btn-human': ['/handoff', '找人工'],
  };

  const BAR_PAYLOADS = new Set(Object.values(COMMANDS).map(([payload]) => payload));
  const $ = (id) => document.getElementById(id);
  const body = document.body;
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
    restart: $('btn-restart'),
    checklist: $('btn-checklist'),
    barOptions: $('bar-options'),
    checklistView: $('checklist-view'),
    checklistFrame: $('checklist-frame'),
    print: $('btn-print'),
    back: $('btn-back'),
  };
  // Which kiosk this is (/kiosk?kiosk=east-1): the server names its help desk and rings its staff call.
  const kioskId = (() => {
    const id = new URLSearchParams(location.search).get('kiosk') || '';
    return /^[A-Za-z0-9_-]{1,40}$/.test(id) ? id : '';
  })();
  /** A kiosk endpoint's address, with this kiosk's id and any other parameters. */
  function kioskUrl(path, params) {
    const query = new URLSearchParams(params || {});
    if (kioskId) query.set('kiosk', kioskId);
    const text = query.toString();
    return text ? path + '?' + text : path;
  }

  let sessionId = null;
  let state = null;              // last `state` from the server
  let lastSpoken = '';           // latest assistant text (what 朗读 reads)
  let busy = false;              // a chat / audio request is in flight
  let generation = 0;            // bumped by restart(): late answers for an old session are dropped
  let view = 'start';
  let idleTimer = 0;
  let warnTimer = 0;             // "您还在吗?" shortly before the idle reset

  // ---------- session ----------
  // The server issues the conversation id: none on the first turn, then the one each reply carries.
  // An id it no longer knows (403) is dropped and the turn is sent again as a new conversation.
  function keepSession(data) {
    if (data && typeof data.session_id === 'string' && data.session_id) sessionId = data.session_id;
  }

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

  /** Where `text` says item `index` by name ("第2样,户口本。"): the match, its name in [1], or null. */
  function itemNamed(text, index) {
    return text.match(new RegExp('第' + index + '样,([^。\\n]+)。'));
  }

  /** "第2样,户口本" when `text` is the answer about item `index` (the card shows it whole), else ''. */
  function materialLine(text, index) {
    if (typeof index !== 'number' || !Number.isFinite(index)) return '';
    const named = itemNamed(String(text), index);
    return named && named.index === 0 ? `第${index}样,${named[1]}` : '';
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
    const at = Number.isInteger(state.item_index) ? '?at=' + state.item_index : '';
    return '/kiosk/checklist/' + encodeURIComponent(id) + at;
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
      $('btn-next'), $('btn-repeat'), $('btn-all'), $('btn-human'), el.send,
      ...el.tiles.querySelectorAll('button'),
      ...el.log.querySelectorAll('.msg-buttons:not(.stale) button'),
      ...el.barOptions.querySelectorAll('button'),
    ];
    targets.forEach((b) => { if (b) b.disabled = on; });
    if (mic.state !== 'recording') el.mic.disabled = on;
  }

  // ---------- network ----------
  async function readJson(res) {
    try { return await res.json(); } catch (e) { return null; }
  }

  /** The Chinese part of an error detail (operator notes in brackets with Latin text are left out). */
  function detailText(data, fallback) {
    let text = '';
    if (data && typeof data.detail === 'string') text = data.detail;
    else if (data && typeof data.error === 'string') text = data.error;
    text = text.replace(/\s*[((][^()()]*[A-Za-z]{3,}[^()()]*[))]/g, '').trim();
    return text || fallback;
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
      const send = () => fetch(kioskUrl('/kiosk/chat'), {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({ session_id: sessionId, text: clean }),
      });
      let res = await send();
      if (res.status === 403 && sessionId) {
        sessionId = null;
        res = await send();
      }
      data = await readJson(res);
      if (gen === generation) keepSession(data);
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

  // ---------- start screen tiles ----------
  // A short name is already a thing to do ("补办身份证"); an official one gets 办 ("办老年人优待证").
  function askText(g, called) {
    if (called !== g.name) return `${called}要带什么`;
    const base = String(g.name).trim().replace(/办理$/, '');
    return `办${base}要带什么`;
  }

  async function loadGuides() {
    el.tilesStatus.hidden = true;
    el.tilesRetry.hidden = true;
    let guides = null;
    try {
      const res = await fetch('/api/guides', { headers: { Accept: 'application/json' } });
      if (res.ok) guides = await readJson(res);
    } catch (e) {
      guides = null;
    }
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
      res = await fetch('/voice/tts', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ text, slow: Boolean(state && state.slow_speech) }),
      });
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
  const mic = { state: 'idle', recorder: null, stream: null, chunks: [], discard: false, hint: null };

  function setMicLabel() {
    const on = mic.state === 'recording';
    el.mic.textContent = on ? TEXT.micStop : TEXT.mic;
    el.mic.classList.toggle('is-on', on);
    el.mic.setAttribute('aria-pressed', on ? 'true' : 'false');
    el.mic.disabled = on ? false : busy;
  }

  function releaseStream() {
    if (mic.stream) mic.stream.getTracks().forEach((t) => { try { t.stop(); } catch (e) { /* gone */ } });
    mic.stream = null;
  }

  function noMic() {
    showChat();
    addBot(TEXT.noMic);
  }

  async function onMic() {
    if (mic.state === 'recording') { stopRecording(); return; }
    if (mic.state !== 'idle' || busy) return;
    const media = navigator.mediaDevices;
    if (!media || typeof media.getUserMedia !== 'function' || typeof window.MediaRecorder !== 'function') {
      noMic();
      return;
    }
    const gen = generation;
    mic.state = 'starting';
    let stream;
    try {
      stream = await media.getUserMedia({ audio: true });
    } catch (e) {
      mic.state = 'idle';
      setMicLabel();
      if (gen === generation) noMic();
      return;
    }
    if (gen !== generation || mic.state !== 'starting') {
      stream.getTracks().forEach((t) => t.stop());
      if (mic.state === 'starting') mic.state = 'idle';
      setMicLabel();
      return;
    }
    let recorder;
    try {
      recorder = new MediaRecorder(stream);
    } catch (e) {
      stream.getTracks().forEach((t) => t.stop());
      mic.state = 'idle';
      setMicLabel();
      noMic();
      return;
    }
    mic.stream = stream;
    mic.recorder = recorder;
    mic.chunks = [];
    mic.discard = false;
    recorder.addEventListener('dataavailable', (e) => {
      if (e.data && e.data.size) mic.chunks.push(e.data);
    });
    recorder.addEventListener('stop', () => {
      const chunks = mic.chunks;
      const discard = mic.discard;
      const type = recorder.mimeType || (chunks[0] && chunks[0].type) || 'audio/webm';
      releaseStream();
      mic.recorder = null;
      mic.chunks = [];
      mic.state = 'idle';
      if (mic.hint) { mic.hint.remove(); mic.hint = null; }
      setMicLabel();
      if (!discard && gen === generation) sendRecording(new Blob(chunks, { type }), gen);
    });
    try {
      recorder.start();
    } catch (e) {
      releaseStream();
      mic.recorder = null;
      mic.state = 'idle';
      setMicLabel();
      noMic();
      return;
    }
    mic.state = 'recording';
    setMicLabel();
    showChat();
    mic.hint = addMessage('hint', TEXT.listening);
  }

  function stopRecording(discard = false) {
    if (mic.state === 'starting') { mic.state = 'idle'; setMicLabel(); return; }
    if (mic.state !== 'recording' || !mic.recorder) return;
    mic.discard = discard;
    mic.state = 'stopping';
    try {
      mic.recorder.stop();
    } catch (e) {
      releaseStream();
      mic.recorder = null;
      mic.state = 'idle';
      if (mic.hint) { mic.hint.remove(); mic.hint = null; }
      setMicLabel();
    }
  }

  function decode(ctx, bytes) {
    return new Promise((resolve, reject) => {
      const p = ctx.decodeAudioData(bytes, resolve, reject);
      if (p && typeof p.then === 'function') p.then(resolve, reject);
    });
  }

  /** Mono 16 kHz samples: OfflineAudioContext does the resampling (and the down-mix). */
  async function resampleTo16k(buffer) {
    const rate = 16000;
    const frames = Math.max(1, Math.ceil(buffer.duration * rate));
    const Offline = window.OfflineAudioContext || window.webkitOfflineAudioContext;
    if (Offline) {
      try {
        const off = new Offline(1, frames, rate);
        const source = off.createBufferSource();
        source.buffer = buffer;
        source.connect(off.destination);
        source.start(0);
        const rendered = await off.startRendering();
        return rendered.getChannelData(0);
      } catch (e) { /* fall through to the plain resampler */ }
    }
    const channels = buffer.numberOfChannels;
    const input = new Float32Array(buffer.length);
    for (let c = 0; c < channels; c += 1) {
      const data = buffer.getChannelData(c);
      for (let i = 0; i < data.length; i += 1) input[i] += data[i] / channels;
    }
    const out = new Float32Array(frames);
    const step = buffer.sampleRate / rate;
    for (let i = 0; i < frames; i += 1) {
      const pos = i * step;
      const j = Math.floor(pos);
      const f = pos - j;
      const a = input[j] || 0;
      const b = input[j + 1] || a;
      out[i] = a + (b - a) * f;
    }
    return out;
  }

  async function toWav16k(blob) {
    if (!blob || !blob.size) return null;
    const Ctx = window.AudioContext || window.webkitAudioContext;
    if (!Ctx) return null;
    const bytes = await blob.arrayBuffer();
    const ctx = new Ctx();
    let decoded;
    try {
      decoded = await decode(ctx, bytes);
    } finally {
      if (typeof ctx.close === 'function') ctx.close().catch(() => {});
    }
    if (!decoded || !decoded.length) return null;
    const samples = await resampleTo16k(decoded);
    return encodeWav(samples, 16000);
  }

  async function sendRecording(blob, gen) {
    if (busy || gen !== generation) return;
    setBusy(true);
    const waiting = addWaiting();
    let wav = null;
    try { wav = await toWav16k(blob); } catch (e) { wav = null; }
    if (gen !== generation) return;
    if (!wav) {
      waiting.remove();
      setBusy(false);
      addBot(TEXT.notHeard);
      return;
    }
    let res = null;
    let data = null;
    try {
      const send = () => fetch(kioskUrl('/kiosk/audio', sessionId ? { session_id: sessionId } : {}), {
        method: 'POST',
        headers: { 'Content-Type': 'audio/wav', Accept: 'application/json' },
        body: wav,
      });
      res = await send();
      if (res.status === 403 && sessionId) {
        sessionId = null;
        res = await send();
      }
      data = await readJson(res);
      if (gen === generation) keepSession(data);
    } catch (e) {
      res = null;
    }
    if (gen !== generation) return;
    waiting.remove();
    setBusy(false);
    if (!res) { addBot(TEXT.network); return; }
    if (res.status === 501) { addBot(detailText(data, TEXT.noAsr)); return; }
    if (data && Array.isArray(data.messages)) {
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
    if (mic.state === 'recording') stopRecording(true);
    else if (mic.state === 'starting') mic.state = 'idle';
    if (mic.hint) { mic.hint.remove(); mic.hint = null; }
    el.log.textContent = '';
    hideStillThere();
    closeChecklist();
    showBarOptions([]);
    body.classList.remove('choosing');
    state = null;
    lastSpoken = '';
    hideCard();
    sessionId = null;
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
  Object.entries(COMMANDS).forEach(([id, [payload, label]]) => {
    $(id).addEventListener('click', () => ask(payload, label));
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
    sessionId: () => sessionId,
    lastState: () => state,
    restart,
  };

  setReading(false);
  setMicLabel();
  showStart();
  loadGuides();
  armIdle();
}());
