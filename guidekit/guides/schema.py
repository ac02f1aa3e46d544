"""The service guide (办事指南) schema: what one file under `guides/` must hold.

Field names are English; each maps to a GB/T 39046-2020 (政务服务平台基础数据规范)
element, listed in `guides/SCHEMA.md`, so real platform data can be imported later.
Every text has an `official` version (the guide's own words) and a `plain` version
(what an older person reads or hears).
"""

from __future__ import annotations

import datetime as dt
import re
from enum import Enum
from typing import List, Optional

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

GUIDE_ID_PATTERN = r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$"
HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


# A short name is heard and fits a kiosk tile: at most this many characters, no punctuation or brackets.
SHORT_NAME_MAX = 8
_NOT_IN_SHORT_NAME = re.compile(r"[\s,，。.、;；:：!！?？()（）\[\]【】「」《》\"'“”‘’/\\]")


def _refuse_repeats(values: List[str], what: str) -> None:
    """ "aliases repeated: 老年证": a list whose entries must each say something new."""
    dupes = sorted({v for v in values if values.count(v) > 1})
    if dupes:
        raise ValueError(f"{what} repeated: {', '.join(dupes)}")


class _Strict(BaseModel):
    # Unknown keys are almost always typos ("alias" for "aliases"): refuse them.
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Text(_Strict):
    """One text in two versions: the guide's official words and the plain rewrite."""

    official: str = Field(min_length=1)
    plain: str = Field(min_length=1)


class MaterialForm(str, Enum):
    original = "原件"
    copy = "复印件"
    both = "原件和复印件"


class Necessity(str, Enum):
    required = "必要"
    optional = "非必要"
    later = "容缺后补"


class Source(str, Enum):
    applicant = "申请人自备"
    issued = "部门核发"
    system = "系统自动获取"


class Material(_Strict):
    """One item of 申请材料."""

    name: str = Field(min_length=1, max_length=12)
    official_name: str = Field(min_length=1)
    plain: str = Field(min_length=1)
    form: MaterialForm
    originals: int = Field(ge=0, le=10)
    copies: int = Field(ge=0, le=10)
    necessity: Necessity
    condition: Optional[str] = None
    where_to_get: Source
    notes: Optional[str] = None

    @model_validator(mode="after")
    def _counts_match_form(self) -> "Material":
        if self.where_to_get is Source.system:
            return self
        if self.form is MaterialForm.original and (self.originals < 1 or self.copies):
            raise ValueError("form 原件 needs originals ≥ 1 and copies = 0")
        if self.form is MaterialForm.copy and (self.copies < 1 or self.originals):
            raise ValueError("form 复印件 needs copies ≥ 1 and originals = 0")
        if self.form is MaterialForm.both and (self.originals < 1 or self.copies < 1):
            raise ValueError("form 原件和复印件 needs originals ≥ 1 and copies ≥ 1")
        return self


class OpeningPeriod(_Strict):
    """A machine-readable opening period, used to answer "今天开门吗"."""

    days: List[int] = Field(min_length=1, description="ISO weekdays: 1 = Monday … 7 = Sunday")
    open: str
    close: str

    @field_validator("days")
    @classmethod
    def _weekdays(cls, days: List[int]) -> List[int]:
        bad = [d for d in days if d < 1 or d > 7]
        if bad:
            raise ValueError(f"weekdays must be 1 (Monday) to 7 (Sunday), got {bad}")
        return days

    @field_validator("open", "close")
    @classmethod
    def _hhmm(cls, value: str) -> str:
        if not HHMM.match(value):
            raise ValueError(f"time must be HH:MM (24-hour), got {value!r}")
        return value

    @model_validator(mode="after")
    def _ordered(self) -> "OpeningPeriod":
        if self.open >= self.close:
            raise ValueError(f"open {self.open} must be before close {self.close}")
        return self


class Location(_Strict):
    """One 办理地点 with its 办理时间 and 咨询电话."""

    name: str = Field(min_length=1)
    # The district (区) it is in: where/when answers give the person's district first.
    district: Optional[str] = Field(default=None, min_length=2, max_length=10)
    address: Text
    hours: Text
    schedule: List[OpeningPeriod] = Field(min_length=1)
    phone: str = Field(pattern=r"^[0-9-]{5,20}$")


class Fee(Text):
    """收费标准, with the amount in yuan (0 = free) for channels that show a number."""

    amount: float = Field(ge=0)


class Online(Text):
    available: bool


class Proxy(Text):
    """Whether someone else may do it (代办) and what extra they bring."""

    allowed: bool
    materials: List[Material] = Field(default_factory=list)

    @model_validator(mode="after")
    def _no_materials_when_refused(self) -> "Proxy":
        if not self.allowed and self.materials:
            raise ValueError("proxy.materials must be empty when allowed is false")
        return self


class GuideSource(_Strict):
    """设定依据 and where this guide was taken from."""

    official: str = Field(min_length=1)
    plain: str = Field(min_length=1)
    sample: bool = Field(description="true while the content is sample content for a fictional city")


class Situation(_Strict):
    """One 情形 of a guide: the materials only people in that situation bring, on top of the guide's own.

    Named as the person would answer our question: "子女家的房子,是买的,还是租的?" → "买的房子" / "租的房子".
    `words` are other ways of saying it ("自己家的", "租房"); a number or the name picks it too."""

    name: str = Field(min_length=2, max_length=12)
    official_name: Optional[str] = None
    words: List[str] = Field(default_factory=list)
    materials: List[Material] = Field(min_length=1)

    @field_validator("words")
    @classmethod
    def _words_not_empty(cls, words: List[str]) -> List[str]:
        cleaned = [w.strip() for w in words]
        if any(not w for w in cleaned):
            raise ValueError("a word is empty")
        return cleaned


class Situations(_Strict):
    """The one question that tells a guide's 情形 apart, asked before the list is read ("您的户口在本市吗?"),
    and the answers to it. Two to four: more is no longer one question an older person can answer."""

    question: str = Field(min_length=4, max_length=40)
    options: List[Situation] = Field(min_length=2, max_length=4)

    @model_validator(mode="after")
    def _options_apart(self) -> "Situations":
        _refuse_repeats([o.name for o in self.options], "situation names")
        said = [w for o in self.options for w in {o.name, *o.words}]
        _refuse_repeats(said, "situation words (one word can pick only one situation)")
        return self

    def named(self, name: Optional[str]) -> Optional[Situation]:
        return next((o for o in self.options if o.name == name), None)


class Guide(_Strict):
    """One 办事指南."""

    id: str = Field(pattern=GUIDE_ID_PATTERN)
    name: str = Field(min_length=2)
    # What people call it, as a short thing to do ("补办身份证", "办退休", "异地看病备案"): said and shown
    # wherever a person hears or picks a service (options, tiles, menus, titles). The official name
    # ("职工基本养老保险退休申请及基本养老金申领") is too long to listen to or to choose from.
    short_name: Optional[str] = Field(default=None, min_length=2, max_length=SHORT_NAME_MAX)
    aliases: List[str] = Field(min_length=1)
    # Words people use when they may mean this service or another one ("补办", "每个月…领…钱").
    # They never pick this service alone: they put it among the numbered options to choose from.
    # "…" stands for a few words in between: "搬去…住" hears "搬去儿子那边住".
    related_words: List[str] = Field(default_factory=list)
    # The age from which this service concerns a person (高龄津贴 80, 老年优待证 60): "我八十了能办点啥"
    # is answered with the guides whose age has been reached. None: not something people ask by age.
    ages_from: Optional[int] = Field(default=None, ge=1, le=120)
    # What the service is for, in everyday words, and what people really say about it ("医院拿药刷的
    # 那张卡坏了"): the meaning matcher compares a message with these, so a description without the
    # service's name is understood. Editing them takes effect on publish, without retraining.
    purpose: Optional[str] = Field(default=None, max_length=400)
    examples: List[str] = Field(default_factory=list)
    department: Text
    eligibility: Text
    materials: List[Material] = Field(min_length=1)
    # 情形: materials that depend on the person's situation, asked about before the list is read.
    situations: Optional[Situations] = None
    process: List[Text] = Field(min_length=1)
    locations: List[Location] = Field(min_length=1)
    # Where the person lives decides the office (高龄津贴: their own 街道): "在哪办" asks their district first.
    ask_district: bool = False
    fee: Fee
    duration: Text
    online: Online
    proxy: Proxy
    source: GuideSource
    last_verified: dt.date

    @field_validator("aliases")
    @classmethod
    def _aliases_unique(cls, aliases: List[str]) -> List[str]:
        cleaned = [a.strip() for a in aliases]
        if any(not a for a in cleaned):
            raise ValueError("an alias is empty")
        _refuse_repeats(cleaned, "aliases")
        return cleaned

    @field_validator("short_name")
    @classmethod
    def _short_name_plain(cls, short_name: Optional[str]) -> Optional[str]:
        if short_name is None:
            return None
        short_name = short_name.strip()
        if _NOT_IN_SHORT_NAME.search(short_name):
            raise ValueError(f"short name {short_name!r} has punctuation or brackets: a plain name has none")
        return short_name

    @property
    def called(self) -> str:
        """The name a person hears and picks: the short name, or the official one where none is set."""
        return self.short_name or self.name

    @field_validator("examples")
    @classmethod
    def _examples_well_formed(cls, examples: List[str]) -> List[str]:
        cleaned = [e.strip() for e in examples]
        for example in cleaned:
            if not example:
                raise ValueError("an example is empty")
            if len(example) > 120:
                raise ValueError(f"example {example[:20]!r}… is longer than 120 characters")
        _refuse_repeats(cleaned, "examples")
        return cleaned

    @field_validator("related_words")
    @classmethod
    def _related_words_well_formed(cls, words: List[str]) -> List[str]:
        cleaned = [w.strip() for w in words]
        for word in cleaned:
            pieces = word.split("…")
            if not word or any(not p.strip() for p in pieces):
                raise ValueError(f"related word {word!r} is empty or has an empty part around …")
            if len(pieces) > 3:
                raise ValueError(f"related word {word!r} has more than three parts")
        _refuse_repeats(cleaned, "related words")
        return cleaned

    @field_validator("materials")
    @classmethod
    def _something_to_bring(cls, materials: List[Material]) -> List[Material]:
        _refuse_repeats([m.name for m in materials], "material names")
        return materials

    @model_validator(mode="after")
    def _situation_materials_apart(self) -> "Guide":
        if self.situations is not None:
            common = {m.name for m in self.materials}
            for option in self.situations.options:
                _refuse_repeats([m.name for m in option.materials], f"material names of situation {option.name!r}")
                both = common & {m.name for m in option.materials}
                if both:
                    raise ValueError(
                        f"situation {option.name!r} lists {sorted(both)} which every situation brings already"
                    )
        return self

    def materials_to_bring(self, with_proxy: bool = False, situation: Optional[str] = None) -> List[Material]:
        """What the person must carry: everything except what the system fetches itself; with a situation
        (情形) chosen, its own materials after the common ones."""
        chosen = self.situations.named(situation) if self.situations is not None else None
        own = list(self.materials) + (list(chosen.materials) if chosen is not None else [])
        items = [m for m in own if m.where_to_get is not Source.system]
        if with_proxy and self.proxy.allowed:
            items += [m for m in self.proxy.materials if m.where_to_get is not Source.system]
        return items

    @model_validator(mode="after")
    def _districts_to_ask_about(self) -> "Guide":
        if self.ask_district and len(self.districts) < 2:
            raise ValueError(
                "ask_district needs two districts at least among the locations (one without a district serves "
                "the whole city)"
            )
        return self

    @property
    def city_wide(self) -> List[Location]:
        """Its offices for the whole city (no district: the city's own hall), which anyone may use."""
        return [loc for loc in self.locations if not loc.district]

    @property
    def districts(self) -> List[str]:
        """The districts of its locations, in their order."""
        return list(dict.fromkeys(loc.district for loc in self.locations if loc.district))

    def locations_for(self, district: Optional[str]) -> List[Location]:
        """Its locations, those in `district` first (the person's own, once known), then the city's own (for
        everybody), then the other districts'."""
        if not district:
            return list(self.locations)
        return sorted(self.locations, key=lambda loc: (loc.district != district, bool(loc.district)))

    @property
    def materials_in_any_situation(self) -> List[Material]:
        """The person's own materials, whatever their 情形: the common ones, then each situation's."""
        situational = [m for o in self.situations.options for m in o.materials] if self.situations else []
        return list(self.materials) + situational

    @property
    def every_material(self) -> List[Material]:
        """Every material this guide names anywhere (also for a family member): the words it knows."""
        return self.materials_in_any_situation + list(self.proxy.materials)

    def materials_fetched_by_system(self) -> List[Material]:
        return [m for m in self.materials if m.where_to_get is Source.system]
