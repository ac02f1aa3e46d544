"""事项 → Guide objects validated by the guide schema, with the official text filled in from the export and a
suggested plain rewrite (guidekit.editorial.plain_draft) beside it.

What the export does not have gets a placeholder that says so ("(待补充:导出文件没有“办理流程”)"), so the
draft is a valid guide an editor completes; `provided` lists the fields that came from the export, the only
ones compared with a published guide (changes.py). One service handled alike in several 区划 is one guide with an
office per district. Guide ids are stable: from 基本编码 when the export has it, else from the name in pinyin, with
the 区划 in front only when a 区划 handles the service differently from the others.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import re
from collections import Counter
from typing import Dict, List, Optional, Sequence, Set, Tuple

from pydantic import ValidationError
from pypinyin import lazy_pinyin

from guidekit.catalogue.group import Item, MaterialEntry, Value, quote
from guidekit.catalogue.papers import NAME_MAX
from guidekit.catalogue.problems import Problem
from guidekit.catalogue.sayings import Sayings
from guidekit.editorial.plain_draft import plain_draft
from guidekit.guides.schema import Guide, OpeningPeriod

ID_MAX = 64
DEFAULT_SCHEDULE = [{"days": [1, 2, 3, 4, 5], "open": "09:00", "close": "17:00"}]
PLACEHOLDER_PHONE = "00000"
IMPORTED_PLAIN_SOURCE = "按官方办事指南导入,还没有人核对。"
# 情形 become situations (guidekit/guides/schema.py) when there are this many at most, named in this many characters;
# the question that tells them apart is the editor's to write: until then, this one, with the names numbered.
MAX_SITUATIONS = 4
SITUATION_NAME_MAX = 12
SITUATION_QUESTION = "您是哪种情况?"
_ASIDE = re.compile(r"[((][^()()]*[))]")


def placeholder(element: str) -> str:
    return f"(待补充:导出文件没有“{element}”)"


# -- ids ---------------------------------------------------------------------------------------------------------
def slug(text: str) -> str:
    """居民身份证补领 → juminshenfenzhengbuling; other characters become hyphens."""
    spelled = "".join(lazy_pinyin(text)).lower()
    return re.sub(r"-+", "-", re.sub(r"[^a-z0-9]+", "-", spelled)).strip("-")


def guide_id(name: str, code: Optional[str] = None, district: Optional[str] = None) -> str:
    """A stable id: [区划-]sx<基本编码> or [区划-]<name in pinyin>, at most ID_MAX characters."""
    own = f"sx{slug(code)}".replace("-", "") if code else slug(name)
    whole = "-".join(p for p in (slug(district) if district else "", own) if p)
    if not whole or not whole[0].isalpha():
        whole = f"sx-{whole}".rstrip("-")
    if len(whole) > ID_MAX:
        digest = hashlib.sha1(f"{district or ''}|{code or name}".encode("utf-8")).hexdigest()[:8]
        whole = f"{whole[: ID_MAX - 9].rstrip('-')}-{digest}"
    return whole


# -- texts -------------------------------------------------------------------------------------------------------
def suggest(official: str) -> str:
    """The suggested plain rewrite (a draft for the editor), never empty."""
    try:
        draft = plain_draft(official)
    except Exception:  # noqa: BLE001 - a suggestion that fails is no reason to lose the import
        draft = ""
    return draft.strip() or official


def text_pair(official: Optional[str], element: str, said: Optional[str] = None) -> Dict[str, str]:
    """The official text and its suggested plain rewrite; a placeholder for both when the export has no text
    (`said`: what the cell said instead, e.g. 详见附件)."""
    if official is None:
        missing = f"(待补充:导出文件的“{element}”只写了“{said}”)" if said else placeholder(element)
        return {"official": missing, "plain": missing}
    return {"official": official, "plain": suggest(official)}


_STEP_MARK = re.compile(
    r"(?:^|(?<=[。;；\s]))(?:\d{1,2}[.、．)）]|[(（]\d{1,2}[)）]|第[一二三四五六七八九十]+步[:：,，、]?)"
)


def steps(text: str) -> List[str]:
    """办理流程 as steps: one per line, or per inline number (1. … 2. …)."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    if len(lines) > 1:
        return [_STEP_MARK.sub("", line, count=1).strip() or line for line in lines]
    marks = list(_STEP_MARK.finditer(text))
    if len(marks) < 2:
        return [text]
    out = []
    if text[: marks[0].start()].strip():
        out.append(text[: marks[0].start()].strip())
    for k, m in enumerate(marks):
        end = marks[k + 1].start() if k + 1 < len(marks) else len(text)
        piece = text[m.end() : end].strip().rstrip(";；,，")
        if piece:
            out.append(piece)
    return out or [text]


# -- 办理时间 → schedule ---------------------------------------------------------------------------------------------
_DAY = "一二三四五六日天1234567"
_DAY_NUMBER = {
    **{c: n for n, c in enumerate("一二三四五六", start=1)},
    "日": 7,
    "天": 7,
    **{str(n): n for n in range(1, 8)},
}
_SCHEDULE_TOKEN = re.compile(
    rf"(?P<days>(?:周|星期|礼拜)(?P<d1>[{_DAY}])(?:\s*(?:至|到|-|—|–|~|～)+\s*(?:周|星期|礼拜)?(?P<d2>[{_DAY}]))?)"
    r"|(?P<workdays>工作日)|(?P<everyday>每天|每日|全年无休)"
    r"|(?P<time>(?P<ap1>上午|下午|中午|晚上)?\s*(?P<h1>\d{1,2})(?:[:：点](?P<m1>\d{2})?)\s*(?:-|—|–|~|～|至|到)+\s*"
    r"(?P<ap2>上午|下午|中午|晚上)?\s*(?P<h2>\d{1,2})(?:[:：点](?P<m2>\d{2})?))"
)
# Between two weekdays, a list of them: 周二、周四 8:00-11:30.
_DAY_JOIN = re.compile(r"\s*[、,，和及与]\s*")


def _hour(hour: str, minute: Optional[str], half: Optional[str]) -> str:
    h = int(hour)
    if half in ("下午", "晚上") and h < 12:
        h += 12
    return f"{h:02d}:{(minute or '00')}"


def schedule(hours: str) -> Tuple[List[dict], Optional[str]]:
    """Opening periods read from 办理时间, and what could not be read (None when all is well)."""
    periods: List[dict] = []
    days: Optional[List[int]] = None
    guessed = False
    listed_until: Optional[int] = None  # where the last weekdays ended, when no time has come since
    for m in _SCHEDULE_TOKEN.finditer(hours):
        if m.group("days"):
            d1 = _DAY_NUMBER[m.group("d1")]
            d2 = _DAY_NUMBER[m.group("d2")] if m.group("d2") else d1
            named = list(range(d1, d2 + 1)) if d1 <= d2 else [d1]
            if days is not None and listed_until is not None and _DAY_JOIN.fullmatch(hours[listed_until : m.start()]):
                named = sorted(set(days) | set(named))  # 周二、周四: both days, not the last one alone
            days, listed_until = named, m.end()
            continue
        listed_until = None
        if m.group("workdays"):
            days = [1, 2, 3, 4, 5]
        elif m.group("everyday"):
            days = [1, 2, 3, 4, 5, 6, 7]
        else:
            if days is None:
                days, guessed = [1, 2, 3, 4, 5], True
            half2 = m.group("ap2") or m.group("ap1")
            if half2 is None and int(m.group("h2")) < int(m.group("h1")):
                half2 = "下午"  # "8:30-5:30" ends in the afternoon
            period = {
                "days": days,
                "open": _hour(m.group("h1"), m.group("m1"), m.group("ap1")),
                "close": _hour(m.group("h2"), m.group("m2"), half2),
            }
            try:
                OpeningPeriod.model_validate(period)
            except ValidationError:
                return DEFAULT_SCHEDULE, f"{quote(m.group(0))} is not an opening time"
            periods.append(period)
    if not periods:
        return DEFAULT_SCHEDULE, "no opening times a machine can read"
    if guessed:
        return periods, "no weekdays named: 周一至周五 assumed"
    return periods, None


# -- values ------------------------------------------------------------------------------------------------------
_YES = set("是 有 Y YES 1 √ TRUE 收费 可以 支持 必要 必须 必备".split())
_NO = set("否 无 N NO 0 × FALSE 不收费 免费 不可以 不支持 非必要 非必须 非必备".split())


def yes_no(text: str) -> Optional[bool]:
    t = text.strip().rstrip("。.").upper()
    if t in _NO or t.startswith(("否", "不", "非", "免")):
        return False
    if t in _YES or t.startswith("是"):
        return True
    return None


# A landline, an area code with a five-digit service line (0000-12333, as 12345 and 12329 are written with the
# city's code), a mobile, or a service line alone.
_PHONE = re.compile(r"(?<![\d-])(0\d{2,3}-?\d{7,8}|0\d{2,3}-1\d{4}|1[3-9]\d{9}|\d{5,8})(?![\d-])")
_YUAN = re.compile(r"(\d+(?:\.\d+)?)\s*元")
_COUNT = re.compile(r"\d+")


@dataclasses.dataclass
class BuiltGuide:
    item: Item
    guide: Optional[Guide]  # None: the 事项 could not become a valid guide (see problems)
    provided: Set[str]
    materials_taken: str  # which materials the draft has: "all", "common to all 3 情形", …
    problems: List[Problem]


class _Builder:
    def __init__(self, item: Item, today: dt.date, offices: Sequence[Item] = (), said: Optional[Sayings] = None):
        self.item, self.today, self.said = item, today, said
        self.offices = list(offices) or [item]
        self.problems: List[Problem] = []
        self.provided: Set[str] = set()

    def report(self, value: Optional[Value], message: str) -> None:
        where = value.where if value is not None else self.item.where
        column = f"{value.column}: " if value is not None else ""
        self.problems.append(Problem.at(where, f"{column}{message}"))

    def text(self, element: str, field: str, office: Optional[Item] = None) -> Optional[str]:
        official = (office or self.item).text(element)
        if official is not None:
            self.provided.add(field)
        return official

    def pair(self, element: str, field: str) -> Dict[str, str]:
        value = self.item.values.get(element)
        said = value.cleaned.refers_elsewhere if value is not None else None
        return text_pair(self.text(element, field), element, said)

    def duration(self) -> Dict[str, str]:
        parts = []
        for element in ("法定办结时限", "承诺办结时限"):
            value = self.item.values.get(element)
            if value is None or value.text is None:
                continue
            text = value.text
            if text.isdigit():
                self.report(value, f"{quote(text)} has no unit: read as {text}个工作日, check it")
                text += "个工作日"
            parts.append(f"{element}:{text}")
        if not parts:
            return text_pair(None, "承诺办结时限")
        self.provided.add("duration")
        return text_pair(";".join(parts), "承诺办结时限")

    def fee(self) -> dict:
        charged_value = self.item.values.get("是否收费")
        standard, basis = self.item.text("收费标准"), self.item.text("收费依据")
        charged = yes_no(charged_value.text) if charged_value and charged_value.text else None
        if charged_value and charged_value.text and charged is None:
            self.report(charged_value, f"{quote(charged_value.text)} is neither 是 nor 否")
        amounts = [float(a) for a in _YUAN.findall(standard or "")]
        if charged is None and standard:
            charged = bool(amounts and max(amounts) > 0) and not re.search("不收费|免费|免收", standard)
        if charged is None:
            return {**text_pair(None, "是否收费"), "amount": 0}
        self.provided.add("fee")
        official = standard or ("收费" if charged else "不收费")
        if basis:
            official += f";收费依据:{basis}"
        amount = amounts[0] if charged and amounts else 0
        if charged and not amounts:
            self.report(
                charged_value or self.item.values.get("收费标准"),
                "charged, but no amount in 元: amount 0 until an editor sets it",
            )
        return {**text_pair(official, "是否收费"), "amount": amount}

    def online(self) -> dict:
        value = self.item.values.get("是否网办")
        address = self.item.text("网办地址")
        available = yes_no(value.text) if value and value.text else None
        if value and value.text and available is None:
            self.report(value, f"{quote(value.text)} is neither 是 nor 否")
        if available is None and address:
            available = True
        if available is None:
            return {**text_pair(None, "是否网办"), "available": False}
        self.provided.add("online")
        official = ("可以网上办理" + (f":{address}" if address else "")) if available else "不能网上办理"
        return {**text_pair(official, "是否网办"), "available": available}

    def location(self, office: Item) -> dict:
        """One office: the hall, hours and phone of one 区划's 事项 (the item itself, or an alike one elsewhere)."""
        address = self.text("办理地点", "locations.address", office)
        hours_value = office.values.get("办理时间")
        hours = self.text("办理时间", "locations.hours", office)
        periods: List[dict] = DEFAULT_SCHEDULE
        if hours is not None:
            periods, trouble = schedule(hours)
            if trouble:
                self.report(hours_value, f"{trouble}: the schedule says {_said(periods)} until an editor corrects it")
        contact_value = office.values.get("咨询方式")
        contact = self.text("咨询方式", "locations.phone", office)
        phone = None
        if contact:
            found = _PHONE.search(contact.replace(" ", ""))
            phone = found.group(1) if found else None
            if phone is None:
                self.report(
                    contact_value,
                    f"no telephone number in {quote(contact)}: the phone is {PLACEHOLDER_PHONE} until an editor sets it",
                )
        name = re.split(r"[,，;；。\n]", address)[0][:40] if address else placeholder("办理地点")
        district = office.district
        if district and address and district not in name:
            name = f"{district} {name}"
        where = {"name": name}
        if is_district(district):
            where["district"] = district
        return {
            **where,
            "address": text_pair(address, "办理地点"),
            "hours": text_pair(hours, "办理时间"),
            "schedule": periods,
            "phone": phone or PLACEHOLDER_PHONE,
        }

    def material(self, entry: MaterialEntry, name: str) -> dict:
        def count(element: str) -> Optional[int]:
            value = entry.values.get(element)
            if value is None or value.text is None:
                return None
            found = _COUNT.search(value.text)
            if found is None:
                if yes_no(value.text) is False:
                    return 0
                self.report(value, f"{quote(value.text)} is not a number of copies")
                return None
            n = int(found.group(0))
            if n > 10:
                self.report(value, f"{n} copies: more than the 10 a guide can say, 10 kept")
                n = 10
            return n

        originals, copies = count("原件份数"), count("复印件份数")
        form_value = entry.values.get("材料形式")
        form_text = (form_value.text if form_value else None) or ""
        hint = form_text or (entry.official if originals is None and copies is None else "")
        if "原件" in hint and "复印件" in hint:
            form = "原件和复印件"
        elif "复印件" in hint:
            form = "复印件"
        elif "原件" in hint or form_text:
            form = "原件"
            if form_text and "原件" not in form_text and "纸质" not in form_text:
                self.report(form_value, f"{quote(form_text)} is not 原件 or 复印件: read as 原件")
        elif originals and copies:
            form = "原件和复印件"
        elif copies and not originals:
            form = "复印件"
        else:
            form = "原件"
        if form == "原件":
            originals, copies = originals or 1, 0
        elif form == "复印件":
            originals, copies = 0, copies or 1
        else:
            originals, copies = originals or 1, copies or 1

        necessity = "必要"
        need = entry.values.get("是否必备材料")
        if need is not None and need.text:
            if "容缺" in need.text:
                necessity = "容缺后补"
            else:
                said = yes_no(need.text)
                if said is None:
                    self.report(need, f"{quote(need.text)} is neither 是 nor 否: read as 必要")
                necessity = "非必要" if said is False else "必要"

        where_to_get = "申请人自备"
        source = entry.values.get("来源渠道")
        if source is not None and source.text:
            if re.search("系统|共享|自动获取|免提交|免于提交", source.text):
                where_to_get = "系统自动获取"
            elif re.search("核发|政府部门|部门|机关|单位出具", source.text):
                where_to_get = "部门核发"
            elif not re.search("申请人|自备|其他|本人", source.text):
                self.report(source, f"{quote(source.text)} is not a 来源渠道 the guides know: read as 申请人自备")

        notes = entry.text("填报须知")
        plain = suggest(notes) if notes else suggest(entry.official)
        issuer = entry.text("出具机构")
        if issuer:
            plain += f"\n由{issuer}开具。"
        return {
            "name": name,
            "official_name": entry.official,
            "plain": plain,
            "form": form,
            "originals": originals,
            "copies": copies,
            "necessity": necessity,
            "where_to_get": where_to_get,
        }

    def materials(self, entries: Sequence[MaterialEntry]) -> List[dict]:
        if not entries:
            self.report(None, f"{self.item.name}: no material at all: the draft has a placeholder")
            return [
                {
                    "name": "待补充",
                    "official_name": placeholder("材料名称"),
                    "plain": placeholder("材料名称"),
                    "form": "原件",
                    "originals": 1,
                    "copies": 0,
                    "necessity": "必要",
                    "where_to_get": "申请人自备",
                }
            ]
        self.provided.add("materials")
        out, names = [], set()
        for entry in entries:
            name, n = entry.name, 2
            while name in names:  # two papers the table does not know, cut to the same 12 characters
                name = f"{entry.name[: NAME_MAX - len(str(n))]}{n}"
                n += 1
            names.add(name)
            out.append(self.material(entry, name))
        return out

    def situations(self, common: Sequence[MaterialEntry]) -> Optional[dict]:
        """The 情形 as the guide's situations, each with the papers only it needs, when there are two to four
        and each needs one of its own; the question is a placeholder for the editor (only they know the words
        that tell the situations apart: "您的户口在本市吗?"), and a name longer than an answer is cut (the
        summary shows each as it will be heard)."""
        own = self.item.situation_materials(common)
        if not common or not 2 <= len(own) <= MAX_SITUATIONS or any(not entries for _, entries in own):
            return None
        official = [s.name for s, _ in own]
        # Without the asides in brackets where that keeps them apart ("未经公证继承(继承人到场)"), else cut.
        for names in ([_ASIDE.sub("", n).strip() or n for n in official], official):
            names = [n[:SITUATION_NAME_MAX] for n in names]
            if len(set(names)) == len(names) and all(len(n) >= 2 for n in names):
                return {
                    "question": SITUATION_QUESTION,
                    "options": [
                        {"name": name, "official_name": situation.name, "materials": self.materials(entries)}
                        for name, (situation, entries) in zip(names, own)
                    ],
                }
        return None

    def build(self, guide_id_: str) -> BuiltGuide:
        item = self.item
        entries, taken = item.guide_materials()
        situations = self.situations(entries) if taken.startswith("common") else None
        aliases = [item.name] + [n for n in (item.text("事项名称"),) if n and n != item.name]
        self.provided.add("name")
        process = self.text("办理流程", "process")
        basis = self.text("设定依据", "source")
        locations = [self.location(office) for office in self.offices]
        data: Dict[str, object] = {
            "id": guide_id_,
            "name": item.name,
            "aliases": aliases,
            "department": self.pair("实施主体", "department"),
            "eligibility": self.pair("受理条件", "eligibility"),
            "materials": self.materials(entries),
            "process": [text_pair(step, "办理流程") for step in steps(process)]
            if process
            else [text_pair(None, "办理流程")],
            "locations": locations,
            "fee": self.fee(),
            "duration": self.duration(),
            "online": self.online(),
            "proxy": {**text_pair(None, "是否允许代办"), "allowed": False, "materials": []},
            "source": {
                "official": basis or placeholder("设定依据"),
                "plain": suggest(basis) if basis else IMPORTED_PLAIN_SOURCE,
                "sample": False,
            },
            "last_verified": self.today.isoformat(),
        }
        if situations:
            data["situations"] = situations
        if self.said is not None:  # what people say about it (sayings.py): found by meaning, not only by name
            if self.said.purpose:
                data["purpose"] = self.said.purpose
            data["examples"] = list(self.said.examples)
        # Done near home in several districts (and perhaps at the city's hall too): 在哪办 asks the district,
        # and answers with its office first (and the city's hall, which serves everybody).
        if len({loc.get("district") for loc in locations} - {None}) >= 2:
            data["ask_district"] = True
        try:
            guide: Optional[Guide] = Guide.model_validate(data)
        except ValidationError as exc:
            guide = None
            for err in exc.errors():
                loc = ".".join(str(p) for p in err["loc"] if not str(p).startswith("function-"))
                self.report(None, f"{item.name}: no guide made: {loc}: {err['msg']}")
        return BuiltGuide(item, guide, self.provided, taken, self.problems)


def _said(periods: List[dict]) -> str:
    names = "一二三四五六日"
    out = []
    for p in periods:
        days = p["days"]
        when = f"周{names[days[0] - 1]}至周{names[days[-1] - 1]}" if len(days) > 1 else f"周{names[days[0] - 1]}"
        out.append(f"{when} {p['open']}-{p['close']}")
    return ",".join(out)


def is_district(name: Optional[str]) -> bool:
    """A 区划 a person lives in (东湖区), not the city's own level (安康市本级), which serves everybody."""
    return bool(name) and not str(name).endswith("本级") and 2 <= len(str(name)) <= 10


# What may differ between the 区划 of one service handled alike everywhere: where, when and whom to call.
OFFICE_ELEMENTS = frozenset({"区划名称", "办理地点", "办理时间", "咨询方式"})


def _content(item: Item) -> tuple:
    """Everything of a 事项 but its office: equal for the 区划 that handle one service the same way."""
    values = tuple(sorted((k, v.text) for k, v in item.values.items() if k not in OFFICE_ELEMENTS))
    papers = tuple(
        (s.name, tuple((m.key, tuple(sorted((k, v.text) for k, v in m.values.items()))) for m in s.materials))
        for s in item.situations.values()
    )
    return values, papers


def alike_across_districts(items: Sequence[Item]) -> List[List[Item]]:
    """The 事项 grouped into services: one service (same 基本编码, else same name) handled with the same
    conditions, papers and rules in several 区划 is one group, its offices in export order; a 区划 that handles it
    differently stays a group of its own. Order: as the export first names each."""
    groups: Dict[tuple, List[Item]] = {}
    for item in items:
        groups.setdefault((_service_of(item), _content(item)), []).append(item)
    return list(groups.values())


def build_guides(
    items: Sequence[Item], today: Optional[dt.date] = None, sayings: Optional[Dict[str, Sayings]] = None
) -> List[BuiltGuide]:
    """One guide per service: the 区划 that handle it alike become its offices, each with its district (高龄津贴
    in 东湖区, 青松区 and 和平区 is one guide that asks "您住在哪个区?"); a 区划 handling it differently gets a
    guide of its own, its id with the 区划 in front. Two guides whose ids would be the same get the id with a short
    hash of their own key."""
    today = today or dt.date.today()
    groups = alike_across_districts(items)
    alone = Counter(_service_of(group[0]) for group in groups)
    ids = [
        guide_id(g[0].name, g[0].text("基本编码"), None if alone[_service_of(g[0])] == 1 else g[0].district)
        for g in groups
    ]
    taken = Counter(ids)
    built = []
    for group, gid in zip(groups, ids):
        if taken[gid] > 1:
            digest = hashlib.sha1("|".join(group[0].key).encode("utf-8")).hexdigest()[:6]
            gid = f"{gid[: ID_MAX - 7]}-{digest}"
        said = (sayings or {}).get(group[0].text("基本编码") or "")
        built.append(_Builder(group[0], today, group, said).build(gid))
    return built


def _service_of(item: Item) -> tuple:
    code = item.text("基本编码")
    return ("code", code) if code else ("name", item.name)
