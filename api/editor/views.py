"""What the editor pages show, computed from the database: previews, diffs, readability results."""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
from pathlib import Path
from typing import Dict, List, Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.schemas import ChatResponse, ChatState, Message
from api.wechat.format import answer_texts
from guidekit.editorial import workflow as ed
from guidekit.editorial.field_diff import field_changes
from guidekit.answers import replies
from guidekit.guides.loader import GuideFileError
from guidekit.guides.schema import Guide
from guidekit.answers.speech import to_speech
from guidekit.guides.store import GuideRow

TEMPLATES = Path(__file__).resolve().parent / "templates"
STATUS_NAMES = {"draft": "草稿", "submitted": "等待审核", "returned": "退回修改", "published": "已发布"}


def safe_next(url: str) -> str:
    """Only our own editor pages after sign-in: never an outside address."""
    return url if url.startswith("/editor") and not url.startswith("//") else "/editor"


def problems_of(exc: Exception) -> List[str]:
    if isinstance(exc, GuideFileError):
        return [str(p) for p in exc.problems]
    return [str(exc)]


@dataclasses.dataclass(frozen=True)
class DraftView:
    """A detached copy of a draft row, safe to use after its transaction ended."""

    guide_id: str
    yaml_text: str
    status: str
    lock: int
    updated_by: str
    updated_at: dt.datetime
    review_comment: Optional[str]

    @classmethod
    def of(cls, row: ed.DraftRow) -> "DraftView":
        return cls(
            row.guide_id, row.yaml_text, row.status, row.lock, row.updated_by, row.updated_at, row.review_comment
        )


def glossary(session: Session):
    from guidekit.editorial.readability import GlossaryTerm, default_glossary

    terms = {t.term: t for t in default_glossary()}
    for row in session.execute(select(ed.GlossaryRow)).scalars():
        terms[row.term] = GlossaryTerm(term=row.term, plain=row.plain, explain=row.explain)
    return sorted(terms.values(), key=lambda t: t.term)


def readability_json(session: Session, text: str, official: Optional[str] = None) -> Dict:
    from guidekit.editorial.readability import check, compare

    report = check(text, glossary(session))
    out = {
        "score": report.score,
        "passed": report.passed,
        "longest_sentence": report.longest_sentence,
        "rare_share": report.rare_share,
        "formula": report.formula,
        "problems": [dataclasses.asdict(p) for p in report.problems],
    }
    if official:
        c = compare(text, official)
        out["comparison"] = {"plain": c.plain, "official": c.official, "plain_is_easier": c.plain_is_easier}
    return out


def field_reports(session: Session, guide: Guide) -> List[Dict]:
    from guidekit.editorial.readability import check

    terms = glossary(session)
    out = []
    for key, label, _, official, plain in ed.plain_fields(guide):
        report = check(plain, terms)
        out.append({"key": key, "label": label, "official": official, "plain": plain, "report": report})
    return out


def channel_previews(guide: Guide) -> Dict[str, str]:
    """How the first answer about this guide reads on each channel."""
    items = guide.materials_to_bring()
    if items:
        text = replies.first_materials(guide, items, False)
        state = ChatState(
            service_id=guide.id, service_name=guide.called, topic="materials", item_index=1, item_count=len(items)
        )
    else:
        text, state = replies.nothing_to_bring(guide), ChatState(service_id=guide.id, topic="materials")
    reply = ChatResponse(session_id="preview", messages=[Message(text=text)], state=state)
    return {"微信": "\n---\n".join(answer_texts(reply, 600)), "自助机": text, "语音(朗读的字)": to_speech(text)}


def review_context(session: Session, draft: ed.DraftRow) -> Dict:
    guide = ed.parse_draft(draft.guide_id, draft.yaml_text)
    row = session.get(GuideRow, draft.guide_id)
    before = ed.guide_to_yaml(Guide.model_validate_json(row.content)).splitlines() if row else []
    diff = list(difflib.unified_diff(before, draft.yaml_text.splitlines(), "已发布", "草稿", lineterm="", n=2))
    reports = field_reports(session, guide)
    failing = [r for r in reports if not r["report"].passed]
    by_key = {f"plain:{r['key']}": r["report"] for r in reports}
    changes = field_changes(Guide.model_validate_json(row.content) if row else None, guide)
    return {
        "draft": DraftView.of(draft),
        "guide": guide,
        "changes": [(c, by_key.get(c.key)) for c in changes],
        "diff": diff,
        "reports": reports,
        "failing": failing,
        "is_new": row is None,
    }
