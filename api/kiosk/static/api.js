/* 长辈办事通 · kiosk: talking to this origin's API — the conversation (text and recordings), the services for the
   start screen, and read-aloud audio. No other host is ever contacted. */

/** The JSON of a response, or null when it has none. */
export async function readJson(res) {
  try { return await res.json(); } catch (e) { return null; }
}

/** This kiosk's id from the page address (/kiosk?kiosk=east-1), or '' (the server names its help desk by it). */
export function kioskIdFrom(search) {
  const id = new URLSearchParams(search).get('kiosk') || '';
  return /^[A-Za-z0-9_-]{1,40}$/.test(id) ? id : '';
}

/** A kiosk endpoint's address, with this kiosk's id and any other parameters. */
export function kioskUrl(path, kioskId, params) {
  const query = new URLSearchParams(params || {});
  if (kioskId) query.set('kiosk', kioskId);
  const text = query.toString();
  return text ? path + '?' + text : path;
}

/**
 * One visitor's conversation. The server issues its id: none on the first turn, then the one each reply
 * carries. An id the server no longer knows (403) is dropped and the turn is sent again as a new conversation.
 */
export class Conversation {
  constructor(kioskId, fetcher = (...args) => fetch(...args)) {
    this.kioskId = kioskId;
    this.fetch = fetcher;
    this.sessionId = null;
  }

  forget() { this.sessionId = null; }

  keep(data) {
    if (data && typeof data.session_id === 'string' && data.session_id) this.sessionId = data.session_id;
  }

  /** Sends once, and once more without the id if the server no longer knows it. Returns {res, data}. */
  async _send(makeRequest) {
    let res = await makeRequest();
    if (res.status === 403 && this.sessionId) {
      this.sessionId = null;
      res = await makeRequest();
    }
    const data = await readJson(res);
    return { res, data };
  }

  /** A typed or tapped turn. */
  say(text) {
    return this._send(() => this.fetch(kioskUrl('/kiosk/chat', this.kioskId), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ session_id: this.sessionId, text }),
    }));
  }

  /** A spoken turn: the recording as the browser made it (WebM/Opus, WAV …); the server decodes it. */
  speak(blob) {
    return this._send(() => this.fetch(
      kioskUrl('/kiosk/audio', this.kioskId, this.sessionId ? { session_id: this.sessionId } : {}), {
        method: 'POST',
        headers: { 'Content-Type': blob.type || 'application/octet-stream', Accept: 'application/json' },
        body: blob,
      }));
  }
}

/** The published services for the start screen, or null. */
export async function fetchGuides(fetcher = (...args) => fetch(...args)) {
  try {
    const res = await fetcher('/api/guides', { headers: { Accept: 'application/json' } });
    return res.ok ? await readJson(res) : null;
  } catch (e) {
    return null;
  }
}

/** Read-aloud audio of `text` (the response; throws when the network fails). */
export function fetchSpeech(text, slow, fetcher = (...args) => fetch(...args)) {
  return fetcher('/voice/tts', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ text, slow: Boolean(slow) }),
  });
}
