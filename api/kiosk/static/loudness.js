/* 长辈办事通 · kiosk: how loud the microphone hears the person, and where their speech ends. Pure functions
   (no page, no network): unit-tested with Node's test runner (tests/kiosk_js/). */

/** Loudness of a frame of samples: its root mean square, 0 … 1. */
export function rmsLevel(samples) {
  if (!samples || !samples.length) return 0;
  let sum = 0;
  for (let i = 0; i < samples.length; i += 1) sum += samples[i] * samples[i];
  return Math.sqrt(sum / samples.length);
}

/**
 * Where speech ends, from the loudness of successive frames: the person has spoken (loud enough for
 * `speechMs` in all) and then been quiet for `silenceMs`. Older people pause between words, so the
 * silence that ends a turn is long (1.2 s by default); a recording with no speech at all stops after
 * `giveUpMs`, and any recording after `maxMs` (the server takes at most 60 s).
 * `hear(level, ms)` takes one frame and returns 'listening', 'speaking' or 'done'.
 */
export class EndOfSpeech {
  constructor({ threshold = 0.02, speechMs = 300, silenceMs = 1200, giveUpMs = 8000, maxMs = 30000 } = {}) {
    Object.assign(this, { threshold, speechMs, silenceMs, giveUpMs, maxMs });
    this.elapsed = 0;
    this.spoken = 0;
    this.quiet = 0;
    // The room's own noise, learnt from the quietest frames: speech must stand above it.
    this.floor = null;
  }

  hear(level, ms) {
    this.elapsed += ms;
    this.floor = this.floor === null ? level : Math.min(level, this.floor * 0.995 + level * 0.005);
    const loud = level >= Math.max(this.threshold, (this.floor || 0) * 3);
    if (loud) { this.spoken += ms; this.quiet = 0; } else { this.quiet += ms; }
    if (this.elapsed >= this.maxMs) return 'done';
    if (this.spoken >= this.speechMs) return this.quiet >= this.silenceMs ? 'done' : 'speaking';
    return this.elapsed >= this.giveUpMs ? 'done' : 'listening';
  }

  /** True when the recording held speech worth sending. */
  get heardSpeech() {
    return this.spoken >= this.speechMs;
  }
}
