/* 长辈办事通 · kiosk: the microphone. Press 说话 and speak; the recording stops by itself a little after the
   person stops speaking (EndOfSpeech in loudness.js), or at 说完了. A level meter shows it is listening. The
   recording is sent as the browser made it (WebM/Opus in Chromium): the server decodes any format. */
import { EndOfSpeech, rmsLevel } from './loudness.js';

const FRAME_MS = 100;

export class Microphone {
  /**
   * onLevel(0…1) while recording; onDone(blob | null, heardSpeech) once, after each recording
   * (null when it was discarded or nothing was recorded).
   */
  constructor({ onLevel, onDone }) {
    this.onLevel = onLevel;
    this.onDone = onDone;
    this.state = 'idle';          // idle → starting → recording → stopping → idle
    this.recorder = null;
    this.stream = null;
    this.chunks = [];
    this.discard = false;
    this.audio = null;            // AudioContext of the level meter
    this.timer = 0;
    this.ending = null;
  }

  static available() {
    const media = navigator.mediaDevices;
    return Boolean(media && typeof media.getUserMedia === 'function' && typeof window.MediaRecorder === 'function');
  }

  /** Starts listening; false when there is no microphone or it may not be used. */
  async start() {
    if (this.state !== 'idle') return false;
    if (!Microphone.available()) return false;
    this.state = 'starting';
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    } catch (e) {
      this.state = 'idle';
      return false;
    }
    if (this.state !== 'starting') {  // cancelled meanwhile (restart)
      stream.getTracks().forEach((t) => t.stop());
      return false;
    }
    let recorder;
    try {
      recorder = new MediaRecorder(stream);
    } catch (e) {
      stream.getTracks().forEach((t) => t.stop());
      this.state = 'idle';
      return false;
    }
    this.stream = stream;
    this.recorder = recorder;
    this.chunks = [];
    this.discard = false;
    this.ending = new EndOfSpeech();
    recorder.addEventListener('dataavailable', (e) => { if (e.data && e.data.size) this.chunks.push(e.data); });
    recorder.addEventListener('stop', () => this._stopped(recorder));
    try {
      recorder.start();
    } catch (e) {
      this._release();
      this.state = 'idle';
      return false;
    }
    this.state = 'recording';
    this._meter(stream);
    return true;
  }

  /** 说完了 (or a restart, with discard): stop now. */
  stop(discard = false) {
    if (this.state === 'starting') { this.state = 'idle'; return; }
    if (this.state !== 'recording' || !this.recorder) return;
    this.discard = discard;
    this.state = 'stopping';
    try {
      this.recorder.stop();
    } catch (e) {
      this._release();
      this.state = 'idle';
      this.onDone(null, false);
    }
  }

  _stopped(recorder) {
    const chunks = this.chunks;
    const type = recorder.mimeType || (chunks[0] && chunks[0].type) || 'audio/webm';
    const heard = this.ending ? this.ending.heardSpeech : false;
    const discard = this.discard;
    this._release();
    this.recorder = null;
    this.chunks = [];
    this.state = 'idle';
    this.onDone(discard || !chunks.length ? null : new Blob(chunks, { type }), heard);
  }

  /** Loudness every 100 ms: the meter, and the end of speech. */
  _meter(stream) {
    const Ctx = window.AudioContext || window.webkitAudioContext;
    if (!Ctx) return;
    try {
      this.audio = new Ctx();
      const analyser = this.audio.createAnalyser();
      analyser.fftSize = 2048;
      this.audio.createMediaStreamSource(stream).connect(analyser);
      const frame = new Float32Array(analyser.fftSize);
      this.timer = setInterval(() => {
        analyser.getFloatTimeDomainData(frame);
        const level = rmsLevel(frame);
        this.onLevel(Math.min(1, level * 8));
        if (this.state === 'recording' && this.ending.hear(level, FRAME_MS) === 'done') this.stop();
      }, FRAME_MS);
    } catch (e) {
      this._stopMeter();  // no meter, no automatic end: 说完了 still stops it
    }
  }

  _stopMeter() {
    clearInterval(this.timer);
    this.timer = 0;
    if (this.audio && typeof this.audio.close === 'function') this.audio.close().catch(() => {});
    this.audio = null;
    this.onLevel(0);
  }

  _release() {
    this._stopMeter();
    if (this.stream) this.stream.getTracks().forEach((t) => { try { t.stop(); } catch (e) { /* gone */ } });
    this.stream = null;
  }
}
