// The kiosk's reading of answers (texts.js) and its conversation with the API (api.js), with a fake fetch.
import test from 'node:test';
import assert from 'node:assert/strict';
import { askText, detailText, itemNamed, materialLine } from '../../api/kiosk/static/texts.js';
import { Conversation, kioskIdFrom, kioskUrl } from '../../api/kiosk/static/api.js';

test('a material answer is recognised by its number and name', () => {
  const text = '第2样,户口本。\n要原件。';
  assert.equal(itemNamed(text, 2)[1], '户口本');
  assert.equal(materialLine(text, 2), '第2样,户口本');
  assert.equal(materialLine(text, 3), '', 'another item: not this answer');
  assert.equal(materialLine('好的。第2样,户口本。', 2), '', 'the name must open the answer');
  assert.equal(materialLine(text, null), '');
});

test('an error detail keeps its Chinese and drops the operator note', () => {
  assert.equal(detailText({ detail: '录音太长了。(limit 2097152 bytes)' }, 'x'), '录音太长了。');
  assert.equal(detailText(null, '出错了'), '出错了');
});

test('a tile asks for what to bring, by the name people use', () => {
  assert.equal(askText({ name: '老年人优待证办理' }, '老年人优待证办理'), '办老年人优待证要带什么');
  assert.equal(askText({ name: '社会保障卡补换' }, '补社保卡'), '补社保卡要带什么');
});

test('only a plain kiosk id is taken from the address', () => {
  assert.equal(kioskIdFrom('?kiosk=east-1'), 'east-1');
  assert.equal(kioskIdFrom('?kiosk=<script>'), '');
  assert.equal(kioskUrl('/kiosk/chat', 'east-1', { session_id: 's1' }), '/kiosk/chat?session_id=s1&kiosk=east-1');
  assert.equal(kioskUrl('/kiosk/chat', ''), '/kiosk/chat');
});

const reply = (status, body) => ({ status, json: async () => body });

test('the conversation keeps the id the server issues and sends it with the next turn', async () => {
  const sent = [];
  const talk = new Conversation('', async (url, init) => {
    sent.push(JSON.parse(init.body));
    return reply(200, { session_id: 'kiosk:abc', messages: [] });
  });
  talk.keep((await talk.say('补社保卡')).data);
  await talk.say('下一个');
  assert.deepEqual(sent.map((b) => b.session_id), [null, 'kiosk:abc']);
});

test('an id the server no longer knows is dropped and the turn sent again as a new conversation', async () => {
  const ids = [];
  const talk = new Conversation('', async (url, init) => {
    const body = JSON.parse(init.body);
    ids.push(body.session_id);
    return body.session_id ? reply(403, { detail: 'unknown' }) : reply(200, { session_id: 'kiosk:new', messages: [] });
  });
  talk.sessionId = 'kiosk:old';
  const { res, data } = await talk.say('在哪办');
  talk.keep(data);
  assert.equal(res.status, 200);
  assert.deepEqual(ids, ['kiosk:old', null]);
  assert.equal(talk.sessionId, 'kiosk:new');
});

test('a recording is sent as the browser made it, with its type and the conversation id', async () => {
  let seen = null;
  const talk = new Conversation('hall-2', async (url, init) => { seen = { url, init }; return reply(200, {}); });
  talk.sessionId = 'kiosk:abc';
  const blob = new Blob([new Uint8Array([1, 2, 3])], { type: 'audio/webm;codecs=opus' });
  await talk.speak(blob);
  assert.equal(seen.url, '/kiosk/audio?session_id=kiosk%3Aabc&kiosk=hall-2');
  assert.equal(seen.init.headers['Content-Type'], 'audio/webm;codecs=opus');
  assert.equal(seen.init.body, blob);
});
