"""The review queue of imported guides: listed with their readability result, the passing ones accepted at once
(submitted for a second person to publish), the rest left to open one by one."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy.orm import Session

from guidekit.catalogue.importer import import_export
from guidekit.db.engine import get_engine
from guidekit.editorial import import_queue
from guidekit.editorial import workflow as ed
from tests.api.test_editor import api, db_url, signed_in  # noqa: F401  (fixtures)

ROOT = Path(__file__).resolve().parents[2]


def _import(db_url: str) -> None:
    import_export(
        ROOT / "catalogue" / "ankang-export.csv", get_engine(db_url), sayings=ROOT / "catalogue" / "ankang-sayings.yml"
    )


def test_imported_drafts_are_listed_with_their_readability_result_twenty_to_a_page(api, db_url):
    _import(db_url)
    page = signed_in(api, "editor1").get("/editor/imports").text
    assert re.search(r'id="queue-total">147<', page)
    assert len(re.findall(r'<tr data-id="', page)) == 20 and "第 1 / 8 页" in page
    assert "全部通过" in page or "没通过" in page


def test_accepting_submits_every_draft_that_passes_and_leaves_the_rest(api, db_url):
    _import(db_url)
    with Session(get_engine(db_url)) as session:
        passing = sorted(d.guide_id for d in import_queue.imported_drafts(session) if import_queue.queued(d).passes)
    assert passing  # the sample's suggested plain texts pass for some services, not all
    editor, rev = signed_in(api, "editor1"), signed_in(api, "rev")
    editor.get("/editor/imports")
    done = editor.post("/editor/imports/accept", {})
    assert done.status_code == 303 and f"accepted={len(passing)}&left={147 - len(passing)}" in done.headers["location"]
    with Session(get_engine(db_url)) as session:
        submitted = sorted(d.guide_id for d in session.query(ed.DraftRow).filter(ed.DraftRow.status == "submitted"))
        assert submitted == passing and len(import_queue.imported_drafts(session)) == 147 - len(passing)
    first = passing[0]
    assert signed_in(api, "editor1").post(f"/editor/guides/{first}/publish", {}).status_code == 403  # not a reviewer
    rev.get(f"/editor/guides/{first}/review")
    assert rev.post(f"/editor/guides/{first}/publish", {}).status_code == 303
