"""The review queue of imported guides: listed with their readability result, the passing ones accepted at once
(submitted for a second person to publish), the rest left to open one by one."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Optional

import httpx
from sqlalchemy.orm import Session

from guidekit.catalogue.importer import import_export
from guidekit.db.engine import get_engine
from guidekit.editorial import import_queue
from guidekit.editorial import workflow as ed
from tests.api.conftest import LiveApi, ScriptedAssistant
from tests.api.test_editor import api, db_url, signed_in  # noqa: F401  (fixtures)
from tests.settings_reset import reset_settings

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


# -- uploading an export on the page ---------------------------------------------------------------------------
SAMPLE = ROOT / "catalogue" / "ankang-export.csv"
DATA = ROOT / "tests" / "data" / "catalogue"


def _upload(person, export: Path, tried: bool, mapping: Optional[Path] = None, name: Optional[str] = None):
    person.get("/editor/imports")
    files = {"export": (name or export.name, export.read_bytes(), "text/csv")}
    if mapping is not None:
        files["mapping"] = (mapping.name, mapping.read_bytes(), "application/yaml")
    data = {"csrf_token": person.csrf, **({"try": "1"} if tried else {})}
    return person.http.post("/editor/imports/upload", data=data, files=files)


def _count(page: str, what: str) -> int:
    found = re.search(rf'id="count-{what}">(\d+)<', page)
    assert found, what
    return int(found.group(1))


def _drafts(db_url: str) -> int:
    with Session(get_engine(db_url)) as session:
        return session.query(ed.DraftRow).count()


def test_an_uploaded_export_tried_first_writes_nothing_and_says_what_would_change(api, db_url):
    done = _upload(signed_in(api, "editor1"), SAMPLE, tried=True)
    assert done.status_code == 200, done.text[:300]
    page = done.text
    assert "试一试的结果(什么都没有写):ankang-export.csv" in page
    assert _count(page, "new") == 147 and _count(page, "updated") == 0
    assert _drafts(db_url) == 0
    with Session(get_engine(db_url)) as session:
        assert not session.query(ed.AuditRow).filter(ed.AuditRow.action == "import_export").count()


def test_importing_an_uploaded_export_makes_drafts_audited_and_a_second_time_changes_nothing(api, db_url):
    editor = signed_in(api, "editor1")
    page = _upload(editor, SAMPLE, tried=False).text
    assert "已导入:ankang-export.csv" in page and _count(page, "new") == 147
    assert re.search(r'id="queue-total">147<', page)  # the queue below shows them at once
    assert _drafts(db_url) == 147
    with Session(get_engine(db_url)) as session:
        entry = session.query(ed.AuditRow).filter(ed.AuditRow.action == "import_export").one()
        assert entry.username == "editor1" and '"new": 147' in entry.detail
    again = _upload(editor, SAMPLE, tried=False).text
    assert _count(again, "new") == 0 and _count(again, "unchanged") == 147 and _drafts(db_url) == 147


def test_a_messy_upload_names_its_problems_by_its_own_file_row_and_column(api, db_url, tmp_path):
    messy = tmp_path / "东湖区导出.csv"
    messy.write_bytes((DATA / "messy.csv").read_bytes())
    page = html.unescape(_upload(signed_in(api, "editor1"), messy, tried=True).text)
    problems = re.findall(r"<li>(东湖区导出\.csv:\d+:\d+: [^<]+)</li>", page)
    assert problems and _count(page, "problems") >= len(problems)
    assert "banshi-import-" not in page and str(tmp_path) not in page  # no server folder shown


def test_a_platforms_own_column_names_are_read_through_an_uploaded_mapping(api, db_url):
    person = signed_in(api, "editor1")
    without = html.unescape(_upload(person, DATA / "platform-gbk.csv", tried=True).text)
    assert "platform-gbk.csv:1:2: column 主项名称 is neither" in without
    page = html.unescape(
        _upload(person, DATA / "platform-gbk.csv", tried=True, mapping=DATA / "platform-mapping.yml").text
    )
    assert "主项名称" not in page and _count(page, "new") == 2 and _count(page, "problems") == 1
    broken = _upload(person, DATA / "platform-gbk.csv", tried=True, mapping=DATA / "platform-gbk.csv")
    assert broken.status_code == 400 and "列名对照表要是 .yml、.yaml 文件" in html.unescape(broken.text)


def test_an_upload_that_is_no_export_is_refused_in_plain_words_and_nothing_is_written(api, db_url, tmp_path):
    person = signed_in(api, "editor1")
    old = tmp_path / "清单.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0 not really")
    refused = _upload(person, old, tried=False)
    assert refused.status_code == 400 and "xlsx、.csv、.json" in html.unescape(refused.text)
    empty = tmp_path / "清单.csv"
    empty.write_bytes(b"")
    refused = _upload(person, empty, tried=False)
    assert refused.status_code == 400 and "是空的" in refused.text
    assert _drafts(db_url) == 0


def test_an_upload_over_the_size_limit_is_refused_before_it_is_read(db_url, monkeypatch):
    from api.main import create_app

    monkeypatch.setenv("BANSHI_EDITOR_IMPORT_MAX_MB", "0.01")
    reset_settings()
    with LiveApi(create_app(assistant=ScriptedAssistant())) as live:
        refused = _upload(signed_in(live, "editor1"), SAMPLE, tried=True)
        assert refused.status_code == 413 and "最多 0.01 MB" in refused.text
    assert _drafts(db_url) == 0


def test_an_anonymous_upload_is_refused(api, db_url):
    anonymous = httpx.Client(base_url=api.url, headers={"Accept": "text/html"})
    got = anonymous.post("/editor/imports/upload", files={"export": ("a.csv", SAMPLE.read_bytes(), "text/csv")})
    assert got.status_code in (401, 403) and _drafts(db_url) == 0
