"""Every sentence an older person reads or hears about a guide: short, concrete, polite, numbered.

Pure functions from a `Guide` (and the conversation position) to text, so the same words reach
WeChat, the kiosk and voice, and so they can be tested without Rasa.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Iterable, List, Optional, Sequence, Tuple

from guidekit.guides.schema import Guide, Location, Material, MaterialForm, Necessity, OpeningPeriod, Source
from guidekit.understanding.districts import ELSEWHERE

WEEKDAY_NAMES = {1: "星期一", 2: "星期二", 3: "星期三", 4: "星期四", 5: "星期五", 6: "星期六", 7: "星期日"}
# What to say next, on an item: once per conversation, and again after a misunderstanding.
NEXT_HINT = "说「下一个」听下一样。"
# On the first hearing an item is explained in about this many characters (its plain text's first sentences);
# asked again ("再说一遍", "说慢一点") it is explained in full, with its notes.
SHORT_EXPLANATION = 28
LAST_HINT = "说「还差哪些」,听还没准备的。"
WHAT_ELSE = "您还可以问我:在哪里办、几点开门、要不要钱、家人能不能代办。"
EXAMPLES = "比如您可以说:「补社保卡要带什么」「老年证在哪里办」。"


def _numbered(lines: Iterable[str]) -> str:
    return "\n".join(f"{i}. {line}" for i, line in enumerate(lines, 1))


def doing(guide: Guide) -> str:
    """The thing to do, as people say it: the short name ("补办身份证", "办退休"); without one, "办" and the
    official name ("办老年人优待证", never "办老年人优待证办理")."""
    if guide.short_name:
        return guide.short_name
    name = guide.name[:-2] if guide.name.endswith("办理") else guide.name
    return f"办{name}"


def how_many(material: Material) -> str:
    """The form and counts in everyday words (原件 / 复印件 explained, never bare)."""
    if material.form is MaterialForm.original:
        extra = f",一共{material.originals}份" if material.originals > 1 else ""
        return f"请带原本的那份(原件){extra}。"
    if material.form is MaterialForm.copy:
        return f"请复印{material.copies}份带来(复印件)。"
    return f"请带原本的那份(原件),再复印{material.copies}份(复印件)。"


def material_answer(material: Material, asked: str) -> str:
    """A question about one item ("复印几份", "要自己带吗"), answered from its fields, the item's name first."""
    if material.where_to_get is Source.system:
        return f"{material.name}:不用带。工作人员在系统里查。"
    if asked == "bring":
        who = "要您自己准备好带来。" if material.where_to_get is Source.applicant else material.plain
        return f"{material.name}:{who}"
    if asked == "copies" and material.form is MaterialForm.original:
        return f"{material.name}:不用复印。{how_many(material)}"
    return f"{material.name}:{how_many(material)}"


def _sentences(text: str) -> List[str]:
    return [s + "。" for s in text.split("。") if s.strip()]


def explanation(material: Material, full: bool) -> str:
    """What the item is: the first sentences of its plain text (all of it when `full`), and the copies where
    they matter and those sentences did not say them."""
    said = _sentences(material.plain)
    if not full:
        kept = said[:1]
        for sentence in said[1:]:
            if len("".join(kept)) + len(sentence) > SHORT_EXPLANATION:
                break
            kept.append(sentence)
        said = kept
    text = "".join(said)
    return text + form_note(material, text)


def form_note(material: Material, said: Optional[str] = None) -> str:
    """The form and counts, only where they matter: bringing a thing means bringing the thing itself, so one
    original is not worth a sentence (nor a form the window hands out); copies and several originals are. Said
    once: a plain text that already tells the copies ("带上原来的,再带1份复印的") gets nothing more."""
    said = material.plain if said is None else said
    if material.form is MaterialForm.original:
        counted = _COUNTED.search(said)  # "3张小照片"
        return f"要{material.originals}份。" if material.originals > 1 and not counted else ""
    if "复印" in said:
        return ""
    if material.form is MaterialForm.copy:
        return f"复印{material.copies}份带来,不用带原来的。"
    return f"带上原来的,再复印{material.copies}份。"


_COUNTED = re.compile(r"[0-9一二两三四五六七八九十]+\s*[张份本个]")


def material_detail(material: Material, full: bool = True) -> List[str]:
    """What the item is (its plain text and, where it matters, the copies), then when it applies; its notes
    only in `full`."""
    sentences = [explanation(material, full)]
    if material.condition:
        sentences.append(material.condition)
    elif material.necessity is Necessity.optional:
        sentences.append("这一样不是每个人都要带。")
    if material.necessity is Necessity.later and not material.condition:
        sentences.append("这一样如果一时没有,也能先办,以后再补。")
    if material.notes and full:
        sentences.append(material.notes)
    return sentences


def material_step(
    items: Sequence[Material],
    index: int,
    checked: Sequence[str] = (),
    hint: bool = True,
    about: Optional[str] = None,
    full: bool = False,
    more_by_situation: bool = False,
) -> str:
    """One item, its name first ("第2样,户口本。"), then what it is in a sentence or two, when it applies, and —
    with `hint`, once per conversation — how to go on. `about`: which service and how many items, said after
    the first item's name rather than before it (the name is what the person listens for). `full`: asked
    again, the whole explanation with the notes. `more_by_situation`: these are the items every 情形 needs,
    and the person has not said which is theirs yet: the last of them is not the last."""
    material = items[index - 1]
    detail = material_detail(material, full)
    lines = [f"第{index}样,{material.name}。{detail[0]}", *detail[1:]]
    if material.name in checked:
        lines.append("这一样您说过已经有了。")
    if about:
        lines.append(about)
    if index == len(items) and more_by_situation:
        lines.append("都要带的就这些。别的要看您的情况。" + (NEXT_HINT if hint else ""))
    elif index == len(items):
        lines.append("这是最后一样了。" + (LAST_HINT if hint else ""))
    elif hint:
        lines.append(NEXT_HINT)
    return "\n".join(lines)


def situation_question(guide: Guide, again: bool = False) -> str:
    """Before the list: the one question that tells the guide's 情形 apart, its answers numbered."""
    assert guide.situations is not None
    names = [o.name for o in guide.situations.options]
    first = "请您说个数字,或者点下面的按钮。" if again else f"{doing(guide)},要带的东西分情况。先问您一句:"
    return f"{first}\n{guide.situations.question}\n{_numbered(names)}"


def situation_said(name: str) -> str:
    return f"好的,按{name}说。"


def materials_intro(guide: Guide, items: Sequence[Material], proxy_mode: bool) -> str:
    """Which service and how many items: "补办身份证要带3样。"."""
    who = "家人帮您去办," if proxy_mode else doing(guide)
    return f"{who}要带{len(items)}样。"


def first_materials(
    guide: Guide, items: Sequence[Material], proxy_mode: bool, checked: Sequence[str] = (), hint: bool = True
) -> str:
    """The first answer to "要带什么": item 1 by name at once, then which service and how many there are."""
    return material_step(items, 1, checked, hint, about=materials_intro(guide, items, proxy_mode))


def common_materials_first(
    guide: Guide, items: Sequence[Material], checked: Sequence[str] = (), hint: bool = True
) -> str:
    """The 情形 question was asked and not answered ("下一个", "往下念"): item 1 of what every situation needs,
    and that the rest waits for the answer."""
    about = f"{doing(guide)},不管哪种情况,都要带这{len(items)}样。"
    return material_step(items, 1, checked, hint, about=about, more_by_situation=True)


def continuing(index: int) -> str:
    """ "要带啥" asked again in the middle of the list: go on from there rather than start over."""
    return f"我们说到第{index}样了。"


def nothing_to_bring(guide: Guide) -> str:
    return f"{doing(guide)},不用带材料。工作人员会在系统里查。"


def system_fetched_note(guide: Guide) -> Optional[str]:
    fetched = guide.materials_fetched_by_system()
    if not fetched:
        return None
    names = "、".join(m.name for m in fetched)
    return f"另外,{names}不用您带,工作人员会在系统里查。"


def after_last(guide: Guide, items: Sequence[Material]) -> str:
    lines = [f"要带的就是这些了,一共{len(items)}样。"]
    note = system_fetched_note(guide)
    if note:
        lines.append(note)
    lines.append(WHAT_ELSE)
    return "\n".join(lines)


def before_first() -> str:
    return "前面没有了,这就是第一样。"


def list_all(guide: Guide, items: Sequence[Material], checked: Sequence[str] = ()) -> str:
    lines = []
    for material in items:
        mark = "(已有)" if material.name in checked else ""
        lines.append(f"{material.name}{_count_in_summary(material)}{mark}")
    text = f"{doing(guide)},一共要带{len(items)}样:\n{_numbered(lines)}"
    note = system_fetched_note(guide)
    return f"{text}\n{note}" if note else text


def _count_in_summary(material: Material) -> str:
    """In the whole list only what a name does not say: copies and several originals ("照片,3张" is in the
    plain text; "户口本(再复印1份)")."""
    if material.form is MaterialForm.copy:
        return f"(复印件{material.copies}份)"
    if material.form is MaterialForm.both and material.copies:
        return f"(再复印{material.copies}份)"
    return f"({material.originals}份)" if material.originals > 1 else ""


def marked(material: Material, remaining: int, going_on: bool = False) -> str:
    if remaining == 0:
        return f"好的,{material.name}记下了。要带的东西您都有了。"
    if going_on:
        return f"好的,{material.name}记下了。还差{remaining}样。"
    return f"好的,{material.name}记下了。还差{remaining}样。说「还差哪些」,听还没准备的。"


def still_to_come(count: int) -> str:
    """ "还要啥" in the middle of the list: how many come after the one just said."""
    return f"后面还有{count}样。"


def whats_left(guide: Guide, items: Sequence[Material], checked: Sequence[str]) -> str:
    left = [m for m in items if m.name not in checked]
    if not left:
        return f"{doing(guide)}要带的{len(items)}样,您都有了。"
    return f"还差{len(left)}样:\n" + _numbered(m.name for m in left)


def _clock(hhmm: str) -> str:
    hour, minute = (int(p) for p in hhmm.split(":"))
    if hour < 12:
        part, shown = "上午", hour
    elif hour == 12:
        part, shown = "中午", 12
    else:
        part, shown = "下午", hour - 12
    if minute == 0:
        return f"{part}{shown}点"
    if minute == 30:
        return f"{part}{shown}点半"
    return f"{part}{shown}点{minute}分"


def periods_on(location: Location, weekday: int) -> List[OpeningPeriod]:
    return sorted((p for p in location.schedule if weekday in p.days), key=lambda p: p.open)


def district_question(guide: Guide, offered: Sequence[str], again: bool = False) -> str:
    """ "在哪办" for a service done in one's own district: the district first, numbered."""
    if again:
        first = "请您说个数字,或者说区的名字。"
    elif guide.city_wide:
        first = f"{doing(guide)},好几个区都有办的地方。我告诉您离家近的。"
    else:
        first = f"{doing(guide)},要到您家那个区办。"
    return f"{first}\n您住在哪个区?\n{_numbered(offered)}"


def _near_first(guide: Guide, district: Optional[str]) -> Tuple[List[Location], str]:
    """The locations, the person's district first, and what to say before them."""
    ordered = guide.locations_for(district)
    missing = district and district != ELSEWHERE and district not in guide.districts
    return ordered, f"{district}没有办这件事的地方。" if missing else ""


def _for_everybody(guide: Guide, district: Optional[str]) -> List[Location]:
    """The city's own offices, when the person lives where no district office does this (or said 别的区)."""
    return guide.city_wide if district and district not in guide.districts and guide.ask_district else []


def opening_on(guide: Guide, day: dt.date, day_word: str, district: Optional[str] = None) -> str:
    """ "今天开门吗 / 周六能办吗" for the first location (in the person's district when known), from its schedule."""
    location = guide.locations_for(district)[0]
    weekday = day.isoweekday()
    periods = periods_on(location, weekday)
    said = f"{day_word}是{WEEKDAY_NAMES[weekday]}。" if day_word in ("今天", "明天", "后天") else ""
    if periods:
        spans = ",".join(f"{_clock(p.open)}到{_clock(p.close)}" for p in periods)
        answer = f"{said}{location.name}{WEEKDAY_NAMES[weekday]}开门:{spans}。"
    else:
        answer = f"{said}{location.name}{WEEKDAY_NAMES[weekday]}不开门。\n平时开门的时间是:{location.hours.plain}"
    return f"{answer}\n遇到过节放假,可能不开门。去之前可以打电话问:{location.phone}。"


def location_answer(guide: Guide, district: Optional[str] = None) -> str:
    """Where to go; with the person's district known, its office first ("您家在和平区:请到…")."""
    if len(guide.locations) == 1:
        loc = guide.locations[0]
        return f"请到{loc.name}办理。\n地址:{loc.address.plain}\n电话:{loc.phone}"
    ordered, said = _near_first(guide, district)
    if district in guide.districts:
        near = ordered[0]
        text = f"您家在{district}:请到{near.name}办理。\n地址:{near.address.plain}\n电话:{near.phone}"
        others = [loc for loc in ordered[1:] if loc.district != district]
        if guide.ask_district:  # the other districts' offices are for their people; the city's for everybody
            others = [loc for loc in others if not loc.district]
        if others:
            text += "\n别的地方也能办:" + "、".join(loc.name for loc in others) + "。"
        return text
    everybody = _for_everybody(guide, district)
    if len(everybody) == 1:
        loc = everybody[0]
        return f"{said}请到{loc.name}办理,全市的人都能去。\n地址:{loc.address.plain}\n电话:{loc.phone}"
    if everybody:
        ordered = everybody
    lines = [f"{loc.name}:{loc.address.plain} 电话:{loc.phone}" for loc in ordered]
    return f"{said}这些地方能办:\n{_numbered(lines)}"


def here_in_this_hall(location: Location, where: str) -> str:
    """ "在哪办" asked at a kiosk in a hall where it is done: this hall first, then the place's details."""
    return f"就在本大厅办:{where}。\n{location.name}。电话:{location.phone}"


def hours_answer(guide: Guide, district: Optional[str] = None) -> str:
    if len(guide.locations) == 1:
        return f"{guide.locations[0].name}开门的时间:\n{guide.locations[0].hours.plain}"
    ordered, said = _near_first(guide, district)
    if district in guide.districts and guide.ask_district:
        return f"{ordered[0].name}开门的时间:\n{ordered[0].hours.plain}"
    everybody = _for_everybody(guide, district)
    if len(everybody) == 1:
        return f"{everybody[0].name}开门的时间:\n{everybody[0].hours.plain}"
    if everybody:
        ordered = everybody
    return f"{said}开门的时间:\n" + _numbered(f"{loc.name}:{loc.hours.plain}" for loc in ordered)


def proxy_answer(guide: Guide) -> str:
    if not guide.proxy.allowed:
        return f"{guide.called},要您本人去办,家人不能替您办。\n{guide.proxy.plain}"
    extra = guide.proxy.materials
    lines = [guide.proxy.plain]
    if extra:
        # Their names only: what each is comes one at a time in the walk.
        lines.append(f"家人还要带{len(extra)}样:{'、'.join(m.name for m in extra)}。")
        lines.append("说「要带什么」,一样一样听。")
    return "\n".join(lines)


def process_answer(guide: Guide) -> str:
    return f"{doing(guide)},分{len(guide.process)}步:\n" + _numbered(step.plain for step in guide.process)


def topic_answer(guide: Guide, topic: str, district: Optional[str] = None) -> str:
    if topic == "location":
        return location_answer(guide, district)
    if topic == "hours":
        return hours_answer(guide, district)
    if topic == "fee":
        return guide.fee.plain
    if topic == "duration":
        return guide.duration.plain
    if topic == "online":
        return guide.online.plain
    if topic == "eligibility":
        return guide.eligibility.plain
    if topic == "process":
        return process_answer(guide)
    if topic == "proxy":
        return proxy_answer(guide)
    raise ValueError(f"no answer for topic {topic!r}")


def amount_received(guide: Guide) -> str:
    """ "能领多少钱": the amounts, where the guide's eligibility gives them; otherwise whom to ask."""
    if "元" in guide.eligibility.plain:
        return guide.eligibility.plain
    loc = guide.locations[0]
    return f"能领多少钱,要看每个人的情况。\n您可以打电话问:{loc.phone}({loc.name})。"


def no_such_item(number: int, count: int) -> str:
    return f"没有第{number}样。一共{count}样。\n请说1到{count}之间的数字,或者说「全部说一遍」。"


def with_service(guide: Guide, text: str) -> str:
    """Say which service an answer is about, so a switch of service is never silent."""
    return f"【{guide.called}】\n{text}"


def clarify(names: Sequence[str]) -> str:
    if len(names) == 1:
        return f"您是想问「{names[0]}」吗?\n请说「是」或「不是」。"
    return "您问的是哪一件事?\n" + _numbered(names) + "\n请说数字,比如「1」。"


def options_again(names: Sequence[str], times: int) -> str:
    """Our question asked again because the reply did not answer it: shorter, and worded otherwise the second
    time (never the same words twice in a row)."""
    if len(names) == 1:
        if times == 0:
            return f"请先告诉我:您问的是「{names[0]}」吗?请说「是」或「不是」。"
        return f"说「是」就行,我接着讲「{names[0]}」。不是这件事,请说「不是」。"
    if times == 0:
        return "请先告诉我是哪一件:\n" + _numbered(names) + "\n请说数字。"
    return "说数字就行:" + ",".join(f"{n}是{name}" for n, name in enumerate(names, 1)) + "。"


def for_age(age: int, names: Sequence[str]) -> str:
    """The services an age has reached ("我八十了能办点啥"), oldest first."""
    if len(names) == 1:
        return f"满{age}岁的人,常办「{names[0]}」。\n您想问这件事吗?请说「是」或「不是」。"
    return f"满{age}岁的人,常办这几件事:\n" + _numbered(names) + "\n您想问哪一件?请说数字,比如「1」。"


def none_of_these(hotline: str) -> str:
    """After "不是" to the options offered."""
    return "好的。\n" + ask_which_service(hotline)


def ask_which_service(hotline: str, times: int = 0) -> str:
    """Which matter: with examples the first time; shorter, and worded otherwise, when asked again at once."""
    if times == 0:
        return f"您想办哪件事?{EXAMPLES}\n我这里没有的事,您可以打{hotline}问一问。"
    if times % 2:
        return "请说您要办的事,比如「补社保卡」。"
    return "您要办哪件事?说个名字就行,比如「老年证」。"


def no_guide(subject: Optional[str], hotline: str) -> str:
    what = f"「{subject}」" if subject else "这件事"
    return f"对不起,{what}我这里还没有办事指南。\n您可以打{hotline}政务服务热线问一问。"


def handoff(guide: Optional[Guide], hotline: str) -> str:
    if guide is None:
        return f"您可以打{hotline}政务服务热线,有工作人员帮您。"
    loc = guide.locations[0]
    return f"您可以打电话找工作人员:{loc.phone}({loc.name})。\n开门时间:{loc.hours.plain}"


def also_named(names: List[str]) -> str:
    """The second thing a message asked about, kept for after this one."""
    listed = "、".join(f"「{n}」" for n in names)
    return f"您还说到了{listed}。这件说完,您再问我那件。"


COMPLAINT_HEARD = "对不起,让您着急了。"


def complaint(guide: Optional[Guide], hotline: str) -> str:
    """A complaint or a dispute about one's own case: heard, said sorry for, sent to a person who can look."""
    who = (
        f"请您打电话找工作人员:{guide.locations[0].phone}({guide.locations[0].name})。"
        if guide is not None
        else f"请您打{hotline}政务服务热线。"
    )
    return f"{COMPLAINT_HEARD}您说的情况,要工作人员查您自己的材料才能回答。\n{who}\n您也可以到大厅的服务台当面说。"


def not_understood() -> str:
    return f"对不起,我没听明白。{EXAMPLES}"


def offer_person(hotline: str) -> str:
    return f"要找人帮忙,请说「转人工」,或者打{hotline}政务服务热线。"


def greeting() -> str:
    return f"您好!我是长辈办事通。\n您想办什么事,我告诉您要带哪些东西。\n{EXAMPLES}"


def goodbye() -> str:
    return "不客气。祝您办事顺利,再见!"


def thanks() -> str:
    return "不客气。您还有别的要问吗?"


def out_of_scope(hotline: str) -> str:
    return f"对不起,我只会回答办事要带什么、去哪里办这类问题。\n别的事情,您可以打{hotline}问一问。"
