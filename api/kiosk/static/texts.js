/* 长辈办事通 · kiosk: what the page says itself, and how it reads the assistant's answers. Pure (unit-tested). */

export const TEXT = {
  wait: '请稍等……',
  read: '朗读',
  reading: '正在朗读……',
  mic: '说话',
  micStop: '说完了',
  listening: '正在听……请您说。说完了,停一下就好。',
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

/** Where `text` says item `index` by name ("第2样,户口本。"): the match, its name in [1], or null. */
export function itemNamed(text, index) {
  return String(text).match(new RegExp('第' + index + '样,([^。\\n]+)。'));
}

/** "第2样,户口本" when `text` is the answer about item `index` (the card shows it whole), else ''. */
export function materialLine(text, index) {
  if (typeof index !== 'number' || !Number.isFinite(index)) return '';
  const named = itemNamed(String(text), index);
  return named && named.index === 0 ? `第${index}样,${named[1]}` : '';
}

/** The Chinese part of an error detail (operator notes in brackets with Latin text are left out). */
export function detailText(data, fallback) {
  let text = '';
  if (data && typeof data.detail === 'string') text = data.detail;
  else if (data && typeof data.error === 'string') text = data.error;
  text = text.replace(/\s*[((][^()()]*[A-Za-z]{3,}[^()()]*[))]/g, '').trim();
  return text || fallback;
}

/** What a start-screen tile asks: a short name is already a thing to do ("补办身份证"), an official one gets 办. */
export function askText(guide, called) {
  if (called !== guide.name) return `${called}要带什么`;
  const base = String(guide.name).trim().replace(/办理$/, '');
  return `办${base}要带什么`;
}
