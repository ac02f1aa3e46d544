// The kiosk's end-of-speech detection and level (api/kiosk/static/loudness.js), run by Node's test runner.
import test from 'node:test';
import assert from 'node:assert/strict';
import { EndOfSpeech, rmsLevel } from '../../api/kiosk/static/loudness.js';

const frames = (detector, level, ms) => {
  let said = '';
  for (let t = 0; t < ms; t += 100) said = detector.hear(level, 100);
  return said;
};

test('the level of silence is zero and of a full-scale square wave is one', () => {
  assert.equal(rmsLevel(new Float32Array(160)), 0);
  assert.equal(rmsLevel(Float32Array.from({ length: 160 }, (_, i) => (i % 2 ? 1 : -1))), 1);
  assert.equal(rmsLevel(null), 0);
});

test('speech followed by a long pause ends the recording', () => {
  const d = new EndOfSpeech();
  frames(d, 0.001, 500);                     // the room, before the person speaks
  assert.equal(frames(d, 0.2, 1500), 'speaking');
  assert.equal(frames(d, 0.001, 1000), 'speaking', 'a pause between words is not the end');
  assert.equal(frames(d, 0.001, 300), 'done');
  assert.ok(d.heardSpeech);
});

test('a pause between words does not end it when the person goes on', () => {
  const d = new EndOfSpeech();
  frames(d, 0.2, 800);
  frames(d, 0.001, 900);
  assert.equal(frames(d, 0.2, 500), 'speaking');
  assert.equal(frames(d, 0.001, 1000), 'speaking');
});

test('nothing said: it gives up after the waiting time, and says no speech was heard', () => {
  const d = new EndOfSpeech({ giveUpMs: 3000 });
  assert.equal(frames(d, 0.001, 2900), 'listening');
  assert.equal(frames(d, 0.001, 200), 'done');
  assert.equal(d.heardSpeech, false);
});

test('a click or a cough is no speech', () => {
  const d = new EndOfSpeech();
  frames(d, 0.001, 500);
  frames(d, 0.5, 100);
  assert.equal(frames(d, 0.001, 2000), 'listening');
  assert.equal(d.heardSpeech, false);
});

test('a steady noise of the hall is not taken for speech', () => {
  const d = new EndOfSpeech({ threshold: 0.02 });
  frames(d, 0.03, 3000);                     // fan noise above the fixed threshold, learnt as the floor
  assert.equal(frames(d, 0.03, 1000), 'listening');
  assert.equal(frames(d, 0.3, 600), 'speaking', 'a voice well above the noise is speech');
});

test('no recording runs past its longest time', () => {
  const d = new EndOfSpeech({ maxMs: 2000 });
  assert.equal(frames(d, 0.2, 2000), 'done');
});
