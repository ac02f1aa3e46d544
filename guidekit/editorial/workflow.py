"""The editorial workflow in the guides database: accounts, drafts, review, publishing, history, audit.

A guide has at most one working draft. Saving a draft needs the `lock` number the editor loaded:
a second person saving over a newer draft is refused (DraftConflict) and keeps their text. Publishing
writes the guide into the table every channel reads (guidekit/guides/store.py) and bumps the revision, so
all channels answer with it within a second — no retraining: services are found by the resolver from
the guides' own words, and Rasa's intents do not name services. Every change is in the audit log.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import unicodedata
from typing import Dict, List, Optional, Tuple

import yaml
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Boolean, Column, DateTime, Integer, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Session

from guidekit.db.base import Base
from guidekit.db.base import utc_now as _now
from guidekit.guides.loader import parse_guide
from guidekit.guides.schema import Guide
from guidekit.guides.store import GuideRow, LoadReport, bump_revision, upsert_guide

ROLES = ("editor", "reviewer", "admin")
_hasher = PasswordHasher()


class UserRow(Base):
    __tablename__ = "editor_users"
    id = Column(Integer, primary_key=True)
    username = Column(String(80), unique=True, nullable=False)
    password_hash = Column(String(200), nullable=False)
    role = Column(String(20), nullable=False)
    active = Column(Boolean, nullable=False, default=True)
    created_at = Column(DateTime, nullable=False)
    # Every session cookie carries the version it was issued under; signing out, deactivation and a new
    # password bump it, so no copy of an older cookie works again. Added after the first release, before there
    # were migrations: guidekit/db/migrate.py adds it to a database from before them.
    session_version = Column(Integer, nullable=False, default=0, server_default="0")


class DraftRow(Base):
    """The working draft of one guide (new or changed), as guide YAML."""

    __tablename__ = "guide_drafts"
    guide_id = Column(String(80), primary_key=True)
    yaml_text = Column(Text, nullable=False)
    status = Column(String(20), nullable=False, default="draft")  # draft | submitted | returned
    lock = Column(Integer, nullable=False, default=1)
    base_version = Column(Integer, nullable=True)  # the published version it started from
    updated_by = Column(String(80), nullable=False)
    updated_at = Column(DateTime, nullable=False)
    review_comment = Column(Text, nullable=True)


class AssignmentRow(Base):
    """Which editor looks after a guide (checks it against the official guide, keeps its plain text right)."""

    __tablename__ = "guide_assignments"
    guide_id = Column(String(80), primary_key=True)
    username = Column(String(80), nullable=False, index=True)
    assigned_by = Column(String(80), nullable=False)
    assigned_at = Column(DateTime, nullable=False)


def assign(session: Session, guide_id: str, username: Optional[str], by: str) -> None:
    """Give the guide to an active editor account, or to nobody (None); audited."""
    row = session.get(AssignmentRow, guide_id)
    if not username:
        if row is not None:
            session.delete(row)
        audit(session, by, "unassign", guide_id)
        return
    account = session.execute(select(UserRow).where(UserRow.username == username)).scalar_one_or_none()
    if account is None or not account.active:
        raise WorkflowError(f"没有这个编辑账号:{username}")
    if row is None:
        session.add(AssignmentRow(guide_id=guide_id, username=username, assigned_by=by, assigned_at=_now()))
    else:
        row.username, row.assigned_by, row.assigned_at = username, by, _now()
    audit(session, by, "assign", guide_id, to=username)


def overdue(last_verified: Optional[dt.date], today: dt.date, verify_days: int) -> bool:
    """Not checked against the official guide for longer than `verify_days` (or never)."""
    return last_verified is None or (today - last_verified).days > verify_days


def assignments(session: Session) -> Dict[str, str]:
    return {r.guide_id: r.username for r in session.execute(select(AssignmentRow)).scalars()}


class VersionRow(Base):
    """Every published version, kept for history and restore."""

    __tablename__ = "guide_versions"
    __table_args__ = (UniqueConstraint("guide_id", "number"),)
    id = Column(Integer, primary_key=True)
    guide_id = Column(String(80), nullable=False, index=True)
    number = Column(Integer, nullable=False)
    content = Column(Text, nullable=False)
    published_by = Column(String(80), nullable=False)
    published_at = Column(DateTime, nullable=False)
    override_reason = Column(Text, nullable=True)


class AuditRow(Base):
    __tablename__ = "audit_log"
    id = Column(Integer, primary_key=True)
    at = Column(DateTime, nullable=False, index=True)
    username = Column(String(80), nullable=False)
    action = Column(String(40), nullable=False)
    guide_id = Column(String(80), nullable=True)
    detail = Column(Text, nullable=True)


class GlossaryRow(Base):
    """Jargon the editors added to the default glossary (guidekit/data/glossary.yml)."""

    __tablename__ = "glossary_terms"
    term = Column(String(40), primary_key=True)
    plain = Column(String(200), nullable=False)
    explain = Column(String(400), nullable=False)
    added_by = Column(String(80), nullable=False)
    added_at = Column(DateTime, nullable=False)


class DraftConflict(Exception):
    """Someone saved this draft after you loaded it."""

    def __init__(self, current: DraftRow):
        self.current_lock = current.lock
        self.updated_by = current.updated_by
        super().__init__(f"draft changed by {current.updated_by} (lock {current.lock})")


class WorkflowError(Exception):
    """A step that is not allowed now (e.g. publishing a draft that was never submitted)."""


def audit(session: Session, username: str, action: str, guide_id: Optional[str] = None, **detail) -> None:
    session.add(
        AuditRow(
            at=_now(),
            username=username,
            action=action,
            guide_id=guide_id,
            detail=json.dumps(detail, ensure_ascii=False) if detail else None,
        )
    )


# -- accounts ----------------------------------------------------------------------------------
USERNAME_MAX = 32  # new names; sign-in refuses anything longer than the column (80) outright
PASSWORD_MIN, PASSWORD_MAX = 10, 128
_USERNAME = re.compile(r"[^\W][\w.\-]*")  # letters (any script), digits, _ . - ; starts with a letter or digit
# Bases of the passwords tried first by anyone guessing (compared without digits and punctuation).
_COMMON = {
    "password",
    "passw",
    "qwerty",
    "qwertyuiop",
    "asdfghjkl",
    "zxcvbnm",
    "admin",
    "administrator",
    "letmein",
    "welcome",
    "iloveyou",
    "abc",
    "abcdef",
    "abcdefg",
    "abcdefgh",
    "abcdefghij",
    "qazwsx",
    "qwe",
    "asd",
    "zxc",
    "woaini",
    "banshi",
    "editor",
    "test",
    "changeme",
    "secret",
}


def check_username(username: str) -> str:
    """The name, if it may be used for a new account: 2–32 letters (any script), digits, `_`, `.` or `-`.
    No spaces, no "/", nothing that needs escaping in a URL or a log line."""
    if not username or not username.strip():
        raise ValueError("用户名不能是空的(username is empty)")
    if len(username) > USERNAME_MAX:
        raise ValueError(f"用户名最多{USERNAME_MAX}个字(username longer than {USERNAME_MAX} characters)")
    if len(username) < 2 or not _USERNAME.fullmatch(username):
        raise ValueError(
            "用户名只能用字母、汉字、数字和 _ . -,至少两个字"
            "(username: letters, digits, _ . - only, at least 2 characters)"
        )
    return username


def check_password(password: str, username: str = "") -> None:
    """Refuse passwords that are short, blank, repetitive, digits only (numbers, dates, phone numbers),
    a well-known password or the username; under 16 characters (a Chinese character counts as three), at
    least two kinds of character."""
    if len(password) < PASSWORD_MIN:
        raise ValueError(f"密码至少要{PASSWORD_MIN}位(password must have at least {PASSWORD_MIN} characters)")
    if len(password) > PASSWORD_MAX:
        raise ValueError(f"密码最多{PASSWORD_MAX}位(password longer than {PASSWORD_MAX} characters)")
    if not password.strip() or any(unicodedata.category(c) == "Cc" for c in password):
        raise ValueError("密码不能只有空格,也不能有控制字符(password is blank or has control characters)")
    if len(set(password)) < 5:
        raise ValueError("密码重复的字太多(password repeats too few characters)")
    if password.isdigit() or all(c.isdigit() or not c.isalnum() for c in password):
        raise ValueError("密码不能只有数字(password is only digits: dates and phone numbers are guessed first)")
    base = "".join(c for c in password.lower() if c.isalpha())
    if base in _COMMON or any(len(w) >= 5 and base.startswith(w) and len(base) - len(w) <= 3 for w in _COMMON):
        raise ValueError("这个密码太常见了(password is a well-known one)")
    if username and len(username) >= 3 and username.lower() in password.lower():
        raise ValueError("密码里不能有用户名(password contains the username)")
    kinds = sum(
        (any(c.isalpha() for c in password), any(c.isdigit() for c in password), any(not c.isalnum() for c in password))
    )
    weight = sum(3 if ord(c) >= 0x2E80 else 1 for c in password)  # a CJK character is worth several letters
    if weight < 16 and kinds < 2:
        raise ValueError(
            "16位以下的密码要有字母、数字、符号中的两种(under 16 characters, use two of: letters, digits, symbols)"
        )


def bump_sessions(user: UserRow) -> None:
    """End every session of this account (cookies carry the old version)."""
    user.session_version = (user.session_version or 0) + 1


def create_user(session: Session, username: str, password: str, role: str, by: str) -> UserRow:
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    check_username(username)
    check_password(password, username)
    if session.execute(select(UserRow).where(UserRow.username == username)).scalar_one_or_none():
        raise ValueError(f"user {username!r} already exists")
    user = UserRow(
        username=username,
        password_hash=_hasher.hash(password),
        role=role,
        active=True,
        created_at=_now(),
        session_version=0,
    )
    session.add(user)
    audit(session, by, "create_user", user=username, role=role)
    return user


def authenticate(session: Session, username: str, password: str) -> Optional[UserRow]:
    user = session.execute(select(UserRow).where(UserRow.username == username)).scalar_one_or_none()
    if user is None or not user.active:
        _hasher.hash(password)  # same work either way: timing does not tell which usernames exist
        return None
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    return user


def set_active(session: Session, username: str, active: bool, by: str) -> None:
    """LookupError when there is no such account. Either way, the account's sessions end."""
    user = session.execute(select(UserRow).where(UserRow.username == username)).scalar_one_or_none()
    if user is None:
        raise LookupError(username)
    user.active = active
    bump_sessions(user)
    audit(session, by, "activate_user" if active else "deactivate_user", user=username)


def set_password(session: Session, username: str, password: str, by: str) -> None:
    """A new password (checked like a new account's); every session of the account ends."""
    user = session.execute(select(UserRow).where(UserRow.username == username)).scalar_one_or_none()
    if user is None:
        raise LookupError(username)
    check_password(password, username)
    user.password_hash = _hasher.hash(password)
    bump_sessions(user)
    audit(session, by, "set_password", user=username)


# -- guides as YAML ------------------------------------------------------------------------------
def _dump(data: dict) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


def guide_to_yaml(guide: Guide) -> str:
    """The guides/ file format (keys in schema order), so exports diff cleanly in version control."""
    data = json.loads(guide.model_dump_json())
    for optional in ("short_name", "ages_from", "purpose"):
        if data.get(optional) is None:
            del data[optional]  # optional: no "ages_from: null" lines in guide files
    return _dump(data)


def parse_draft(guide_id: str, yaml_text: str) -> Guide:
    """Validate a draft; GuideFileError names field and line like a guide file would."""
    return parse_guide(yaml_text, f"{guide_id}.yml")


# -- drafts --------------------------------------------------------------------------------------
def published(session: Session, guide_id: str) -> Optional[GuideRow]:
    return session.get(GuideRow, guide_id)


def get_draft(session: Session, guide_id: str) -> Optional[DraftRow]:
    return session.get(DraftRow, guide_id)


def start_draft(session: Session, guide_id: str, by: str) -> DraftRow:
    """The existing draft, or a new one copied from the published guide."""
    draft = get_draft(session, guide_id)
    if draft is not None:
        return draft
    row = published(session, guide_id)
    if row is None:
        raise WorkflowError(f"no guide {guide_id}")
    draft = DraftRow(
        guide_id=guide_id,
        yaml_text=guide_to_yaml(Guide.model_validate_json(row.content)),
        status="draft",
        lock=1,
        base_version=row.version,
        updated_by=by,
        updated_at=_now(),
    )
    session.add(draft)
    session.flush()
    return draft


def editing_text(session: Session, guide_id: str) -> Tuple[str, int]:
    """What an edit starts from and the lock to save it with: the draft's, or, with no draft yet, the published
    guide's at lock 0. Opening a guide to look at it makes no draft; the first save does (save_draft)."""
    draft = get_draft(session, guide_id)
    if draft is not None:
        return draft.yaml_text, draft.lock
    row = published(session, guide_id)
    if row is None:
        raise WorkflowError(f"没有这个办事指南:{guide_id}")
    return guide_to_yaml(Guide.model_validate_json(row.content)), 0


def discard_draft(session: Session, guide_id: str, lock: int, by: str) -> None:
    """Throw the draft away: the guide is its published version again. Refused for a draft changed since it was
    opened (DraftConflict), one waiting for review (the reviewer is looking at it), and the draft of a guide never
    published (it is all there is)."""
    draft = get_draft(session, guide_id)
    if draft is None:
        raise WorkflowError("没有草稿可以放弃。")
    if draft.lock != lock:
        raise DraftConflict(draft)
    if draft.status == "submitted":
        raise WorkflowError("这份草稿正在等待审核,不能放弃。请审核的人退回后再放弃。")
    if published(session, guide_id) is None:
        raise WorkflowError("这份指南还没有发布过,草稿就是它的全部内容,不能放弃。")
    session.delete(draft)
    session.flush()
    audit(session, by, "discard_draft", guide_id, lock=lock)


def save_draft(
    session: Session, guide_id: str, yaml_text: str, lock: int, by: str, action: str = "save_draft"
) -> DraftRow:
    """Save over the draft loaded at `lock`. Invalid YAML is refused (GuideFileError), so is a stale lock."""
    parse_draft(guide_id, yaml_text)
    draft = get_draft(session, guide_id)
    if draft is None:
        row = published(session, guide_id)
        draft = DraftRow(
            guide_id=guide_id,
            yaml_text=yaml_text,
            status="draft",
            lock=0,
            base_version=row.version if row else None,
            updated_by=by,
            updated_at=_now(),
        )
        session.add(draft)
        if lock != 0:
            raise DraftConflict(draft)
    elif draft.lock != lock:
        raise DraftConflict(draft)
    draft.yaml_text, draft.status = yaml_text, "draft"
    draft.lock += 1
    draft.updated_by, draft.updated_at = by, _now()
    session.flush()
    audit(session, by, action, guide_id, lock=draft.lock)
    return draft


def submit(session: Session, guide_id: str, lock: int, by: str) -> DraftRow:
    draft = get_draft(session, guide_id)
    if draft is None:
        raise WorkflowError("nothing to submit: there is no draft")
    if draft.lock != lock:
        raise DraftConflict(draft)
    draft.status, draft.review_comment = "submitted", None
    audit(session, by, "submit", guide_id)
    return draft


def send_back(session: Session, guide_id: str, comment: str, by: str) -> DraftRow:
    draft = get_draft(session, guide_id)
    if draft is None or draft.status != "submitted":
        raise WorkflowError("only a submitted draft can be sent back")
    if not comment.strip():
        raise WorkflowError("say what needs changing")
    draft.status, draft.review_comment = "returned", comment.strip()
    draft.lock += 1
    audit(session, by, "send_back", guide_id, comment=comment.strip())
    return draft


# Audit actions after which a guide's next change starts afresh, and those that are no writing.
_CHANGE_ENDS = ("publish", "publish_unchanged", "discard_draft")
_NOT_WRITING = ("submit", "send_back", "four_eyes_override", "assign", "unassign") + _CHANGE_ENDS


def authors(session: Session, guide_id: str) -> set:
    """Everyone who wrote the guide's change now in the draft: saved, edited materials, restored, added an alias
    or made it, since its last publish or discard (from the audit log)."""
    since = session.execute(
        select(AuditRow.id)
        .where(AuditRow.guide_id == guide_id, AuditRow.action.in_(_CHANGE_ENDS))
        .order_by(AuditRow.id.desc())
        .limit(1)
    ).scalar()
    query = select(AuditRow.username).where(AuditRow.guide_id == guide_id, AuditRow.action.not_in(_NOT_WRITING))
    if since is not None:
        query = query.where(AuditRow.id > since)
    return set(session.execute(query).scalars())


def publish(session: Session, guide_id: str, by: str, override_reason: Optional[str] = None) -> VersionRow:
    """Make the submitted draft the live guide on every channel; the draft is done."""
    draft = get_draft(session, guide_id)
    if draft is None or draft.status != "submitted":
        raise WorkflowError("only a submitted draft can be published")
    guide = parse_draft(guide_id, draft.yaml_text)
    _keep_current_version(session, guide_id)
    report = LoadReport()
    upsert_guide(session, guide, f"editor:{by}", report)
    if guide_id in report.unchanged:
        # A draft saved back unchanged (opened, nothing edited, submitted) is the live version already:
        # the draft is done, and history keeps the one row it has for that version.
        session.delete(draft)
        audit(session, by, "publish_unchanged", guide_id, override_reason=override_reason)
        return history(session, guide_id)[0]
    bump_revision(session)
    session.flush()
    number = session.get(GuideRow, guide_id).version
    version = VersionRow(
        guide_id=guide_id,
        number=number,
        content=guide.model_dump_json(),
        published_by=by,
        published_at=_now(),
        override_reason=override_reason,
    )
    session.add(version)
    session.delete(draft)
    audit(session, by, "publish", guide_id, version=number, override_reason=override_reason)
    return version


def _keep_current_version(session: Session, guide_id: str, by: str = "loader") -> None:
    """History holds the live version even when it came from a guide file (make load-guides)."""
    row = session.get(GuideRow, guide_id)
    if row is None:
        return
    known = session.execute(
        select(VersionRow.id).where(VersionRow.guide_id == row.id, VersionRow.number == row.version)
    ).first()
    if known is None:
        session.add(
            VersionRow(
                guide_id=row.id, number=row.version, content=row.content, published_by=by, published_at=row.updated_at
            )
        )
        session.flush()


def record_loaded_versions(session: Session, by: str = "loader") -> None:
    for guide_id in session.execute(select(GuideRow.id)).scalars().all():
        _keep_current_version(session, guide_id, by)


def history(session: Session, guide_id: str) -> List[VersionRow]:
    return list(
        session.execute(
            select(VersionRow).where(VersionRow.guide_id == guide_id).order_by(VersionRow.number.desc())
        ).scalars()
    )


def restore_as_draft(session: Session, guide_id: str, number: int, lock: int, by: str) -> DraftRow:
    version = session.execute(
        select(VersionRow).where(VersionRow.guide_id == guide_id, VersionRow.number == number)
    ).scalar_one_or_none()
    if version is None:
        raise WorkflowError(f"{guide_id} has no version {number}")
    text = guide_to_yaml(Guide.model_validate_json(version.content))
    return save_draft(session, guide_id, text, lock, by, action=f"restore_v{number}")


def audit_entries(session: Session, limit: int = 200) -> List[AuditRow]:
    return list(session.execute(select(AuditRow).order_by(AuditRow.id.desc()).limit(limit)).scalars())


def plain_fields(guide: Guide) -> List[Tuple[str, str, Tuple, str, str]]:
    """(key, label, path in the guide's data, official, plain) for every text an older person reads or
    hears, in reading order; `path` leads to the plain text in `guide_to_yaml`'s data."""
    out: List[Tuple[str, str, Tuple, str, str]] = [
        ("department", "办理部门", ("department", "plain"), guide.department.official, guide.department.plain),
        ("eligibility", "谁能办", ("eligibility", "plain"), guide.eligibility.official, guide.eligibility.plain),
    ]
    for i, m in enumerate(guide.materials):
        out.append((f"material-{i}", f"材料{i + 1}:{m.name}", ("materials", i, "plain"), m.official_name, m.plain))
    for s, option in enumerate(guide.situations.options if guide.situations else []):
        for i, m in enumerate(option.materials):
            out.append(
                (
                    f"situation-{s}-material-{i}",
                    f"情形「{option.name}」材料{i + 1}:{m.name}",
                    ("situations", "options", s, "materials", i, "plain"),
                    m.official_name,
                    m.plain,
                )
            )
    for i, m in enumerate(guide.proxy.materials):
        out.append(
            (
                f"proxy-material-{i}",
                f"家人代办还要带{i + 1}:{m.name}",
                ("proxy", "materials", i, "plain"),
                m.official_name,
                m.plain,
            )
        )
    for i, step in enumerate(guide.process):
        out.append((f"process-{i}", f"步骤{i + 1}", ("process", i, "plain"), step.official, step.plain))
    for i, loc in enumerate(guide.locations):
        out.append(
            (
                f"address-{i}",
                f"{loc.name}:地址",
                ("locations", i, "address", "plain"),
                loc.address.official,
                loc.address.plain,
            )
        )
        out.append(
            (f"hours-{i}", f"{loc.name}:时间", ("locations", i, "hours", "plain"), loc.hours.official, loc.hours.plain)
        )
    for key, label in (
        ("fee", "收费"),
        ("duration", "要多久"),
        ("online", "网上能不能办"),
        ("proxy", "家人能不能代办"),
    ):
        text = getattr(guide, key)
        out.append((key, label, (key, "plain"), text.official, text.plain))
    return out


def apply_plain_edits(
    yaml_text: str,
    guide_id: str,
    edits: Dict[str, str],
    aliases: Optional[List[str]] = None,
    purpose: Optional[str] = None,
    examples: Optional[List[str]] = None,
    short_name: Optional[str] = None,
    situations: Optional[SituationEdits] = None,
    districts: Optional[DistrictEdits] = None,
    material_edits: Optional[List[Dict[str, str]]] = None,
    last_verified: Optional[str] = None,
) -> str:
    """The draft with the plain texts (by `plain_fields` key), aliases, short name, purpose, example
    messages, the situation question and answers, and the districts replaced; other fields untouched."""
    guide = parse_draft(guide_id, yaml_text)
    data = yaml.safe_load(yaml_text)
    if situations is not None and data.get("situations"):
        data["situations"]["question"] = situations.question.strip()
        for option, (name, words) in zip(data["situations"]["options"], situations.options):
            option["name"] = name.strip()
            option["words"] = words
    for material, typed in zip(data["materials"], material_edits or []):
        _edit_material(material, typed)
    if last_verified is not None and last_verified.strip():
        data["last_verified"] = last_verified.strip()  # the schema checks it is a date
    if districts is not None:
        if districts.ask:
            data = _with_ask_district(data)
        else:
            data.pop("ask_district", None)
        for location, district in zip(data["locations"], districts.per_location):
            if district.strip():
                location["district"] = district.strip()
            else:
                location.pop("district", None)
    for key, _, path, _, _ in plain_fields(guide):
        if key in edits:
            node = data
            for part in path[:-1]:
                node = node[part]
            node[path[-1]] = edits[key].strip()
    if aliases is not None:
        data["aliases"] = [a.strip() for a in aliases if a.strip()]
    if short_name is not None:
        if short_name.strip():
            data = _with_short_name(data, short_name.strip())
        else:
            data.pop("short_name", None)
    if purpose is not None:
        if purpose.strip():
            data["purpose"] = purpose.strip()
        else:
            data.pop("purpose", None)
    if examples is not None:
        data["examples"] = [e.strip() for e in examples if e.strip()]
    return _dump(data)


@dataclasses.dataclass(frozen=True)
class SituationEdits:
    """The situation question and, per answer in the guide's order, its name and other ways of saying it, as
    typed in the form (which materials belong to which answer is changed in the YAML)."""

    question: str
    options: List[Tuple[str, List[str]]]


@dataclasses.dataclass(frozen=True)
class DistrictEdits:
    """Whether 在哪办 asks the person's district first, and each location's district ("" = none)."""

    ask: bool
    per_location: List[str]


MATERIAL_TEXTS = ("name", "form")  # set as typed
MATERIAL_COUNTS = ("originals", "copies")  # whole numbers
MATERIAL_OPTIONAL = ("condition", "notes")  # empty: none ("已婚的带", "要在有效期内")


def _edit_material(material: dict, typed: Dict[str, str]) -> None:
    """One material's fields as typed in the form (only those the form sent); the schema then checks them
    (a form of 原件 with copies is refused, naming the field)."""
    for key in MATERIAL_TEXTS:
        if key in typed:
            material[key] = typed[key].strip()
    for key in MATERIAL_COUNTS:
        if key in typed:
            try:
                material[key] = int(typed[key].strip())
            except ValueError:
                raise WorkflowError(f"材料「{material.get('name')}」的份数要写数字:{typed[key]!r}") from None
    for key in MATERIAL_OPTIONAL:
        if key in typed:
            if typed[key].strip():
                material[key] = typed[key].strip()
            else:
                material.pop(key, None)


def split_words(text: str) -> List[str]:
    """Words typed on one line, the way editors type lists: "买的、自己的房, 商品房" → three words."""
    return [w.strip() for w in re.split(r"[、,,;;\n]+", text) if w.strip()]


def _with_key_after(data: dict, key: str, value, after: str) -> dict:
    """`key` set to `value`, placed right after `after` as in the guide files when it was not there."""
    if key in data:
        data[key] = value
        return data
    placed: dict = {}
    for name, existing in data.items():
        placed[name] = existing
        if name == after:
            placed[key] = value
    return placed


def _with_ask_district(data: dict) -> dict:
    return _with_key_after(data, "ask_district", True, after="locations")


def _with_short_name(data: dict, short_name: str) -> dict:
    return _with_key_after(data, "short_name", short_name, after="name")


NEW_MATERIAL = {
    "name": "新材料",
    "official_name": "(请填写官方名称)",
    "plain": "(请用大白话写这是什么)",
    "form": "原件",
    "originals": 1,
    "copies": 0,
    "necessity": "必要",
    "where_to_get": "申请人自备",
}


def _material_list(data: dict, where: str) -> list:
    """The list `where` names: "materials" (everybody's), "proxy" (what a family member brings) or "situation-N"
    (the papers of the N-th answer to the situation question, from 0)."""
    if where == "materials":
        return data["materials"]
    if where == "proxy":
        return data["proxy"].setdefault("materials", [])
    found = re.fullmatch(r"situation-(\d+)", where)
    options = (data.get("situations") or {}).get("options") or []
    if found and int(found.group(1)) < len(options):
        return options[int(found.group(1))]["materials"]
    raise WorkflowError(f"没有这一组材料:{where}")


def edit_materials(yaml_text: str, guide_id: str, action: str, index: int, where: str = "materials") -> str:
    """Add a material after `index` (-1: first), remove it, or move it up or down, in the list `where` names;
    returns the new draft YAML (checked: a family member's papers need proxy allowed, a situation one paper)."""
    data = yaml.safe_load(yaml_text)
    items = _material_list(data, where)
    if action == "add":
        items.insert(max(index, -1) + 1, dict(NEW_MATERIAL))
    elif not 0 <= index < len(items):
        raise WorkflowError(f"no material {index + 1}")
    elif action == "remove":
        if len(items) == 1 and where != "proxy":
            raise WorkflowError("a guide needs at least one material")
        items.pop(index)
    elif action in ("up", "down"):
        other = index - 1 if action == "up" else index + 1
        if 0 <= other < len(items):
            items[index], items[other] = items[other], items[index]
    else:
        raise WorkflowError(f"unknown action {action}")
    text = _dump(data)
    parse_draft(guide_id, text)
    return text
