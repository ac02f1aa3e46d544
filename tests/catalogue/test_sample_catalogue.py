"""The sample export of the fictional 安康市 (catalogue/ankang-export.csv), imported whole into a fresh database:
every 事项 becomes a draft, nothing is published, and the only problems are the few messy cells put there on
purpose. The 15 hand-written guides are among its services, with the same departments and halls."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from guidekit.catalogue.drafts import IMPORTER, NEW, PUBLISHED
from guidekit.catalogue.importer import import_export
from guidekit.db.engine import get_engine
from guidekit.editorial.workflow import DraftRow
from guidekit.guides.loader import guide_files, read_guide_file
from guidekit.guides.store import load_guides
from tests.catalogue.conftest import IMPORT_DAY, published_count

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "catalogue" / "ankang-export.csv"
CITY = "安康市本级"

# The messy cells put in on purpose, and nothing else.
EXPECTED_PROBLEMS = [
    "332:6: 受理条件: mentions an attachment the export does not include: check the text",
    "684:20: 材料名称: “居民身份证” is the same paper as “职工本人居民身份证” at row 679 (both 身份证): merged, the first kept",
    "794:18: 设定依据: “详见附件” only points to an attachment the export does not include: no text taken from it",
    "911:6: 受理条件: “详见附件” only points to an attachment the export does not include: no text taken from it",
    "911:27: 填报须知: “详见附件《申请表填写说明》” only points to an attachment the export does not include: "
    "no text taken from it",
]


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    engine = get_engine(f"sqlite:///{tmp_path_factory.mktemp('sample') / 'guides.db'}")
    return engine, import_export(SAMPLE, engine, today=IMPORT_DAY)


def test_every_service_becomes_a_draft_by_the_importer_and_nothing_is_published(imported):
    engine, report = imported
    assert len(report.sheet.rows) == 950
    assert len(report.built) >= 150
    assert all(b.guide is not None for b in report.built)
    assert {o.status for o in report.outcomes} == {NEW}
    with Session(engine) as session:
        drafts = session.execute(select(DraftRow)).scalars().all()
    assert len(drafts) == len(report.built)
    assert {(d.status, d.updated_by) for d in drafts} == {("draft", IMPORTER)}
    assert published_count(engine) == 0
    assert "nothing published" in report.summary()
    assert "published guides: 0 in the export" in report.summary()


def test_the_only_problems_are_the_messy_cells_put_there_on_purpose(imported):
    _, report = imported
    assert len(report.problems) == len(EXPECTED_PROBLEMS) == 5
    assert [str(p) for p in report.problems] == [f"{SAMPLE}:{p}" for p in EXPECTED_PROBLEMS]
    assert report.grouped.cleaned_cells > 100  # HTML, full-width digits, stray spaces: cleaned, not problems


def test_one_guide_per_service_with_an_office_per_district_that_asks_where_one_lives(imported):
    _, report = imported
    assert len(report.grouped.items) == 260 and len(report.built) == 162  # 事项 per 区划 → one guide per service
    assert len({b.guide.id for b in report.built}) == 162 and not any("-" in b.guide.id for b in report.built)
    elder = next(b.guide for b in report.built if b.item.name == "高龄津贴申领")
    assert elder.ask_district and len(elder.districts) >= 2
    assert all(loc.district and loc.district in loc.name for loc in elder.locations)
    asking = [b.guide for b in report.built if b.guide.ask_district]
    assert len(asking) >= 10 and all(len(g.districts) >= 2 for g in asking)
    # A service the city's own hall handles beside several districts asks the district too (its office first,
    # the city's hall, which serves everybody, beside it); beside one district only, nothing to ask.
    with_city = [
        b.guide for b in report.built if len(b.guide.locations) > 1 and any(not x.district for x in b.guide.locations)
    ]
    assert with_city and all(g.ask_district == (len(g.districts) >= 2) for g in with_city)
    assert any(g.ask_district for g in with_city) and any(not g.ask_district for g in with_city)
    assert "one guide each with an office per 区划" in report.summary()


def test_several_districts_and_services_with_several_situations(imported):
    _, report = imported
    districts = {b.item.district for b in report.built} | {
        loc.district for b in report.built for loc in b.guide.locations
    }
    assert CITY in districts and len(districts - {CITY, None}) >= 3
    with_situations = [b for b in report.built if len(b.item.named_situations) >= 2]
    assert len(with_situations) >= 10
    asked = [b.guide for b in with_situations if b.guide.situations is not None]
    assert len(asked) >= 10  # each 情形 with papers of its own, asked before the list is read
    for guide in asked:
        own = {m.name for m in guide.materials}
        assert all(o.materials and not own & {m.name for m in o.materials} for o in guide.situations.options)
    summary = report.summary()
    for b in with_situations:
        assert f"{b.guide.id} {b.item.name}: {len(b.item.named_situations)} 情形" in summary


def test_the_hand_written_guides_are_in_the_export_with_their_departments_and_halls(imported):
    _, report = imported
    drafts = {}
    for b in report.built:
        drafts.setdefault(b.item.name, []).append(b.guide)
    guides = [read_guide_file(path) for path in guide_files(ROOT / "guides")]
    assert len(guides) == 15
    for guide in guides:
        assert guide.name in drafts, guide.name
        halls = {(x.address.official, x.phone, x.hours.official) for x in guide.locations}
        same = [
            d
            for d in drafts[guide.name]
            if d.department.official == guide.department.official
            and (d.locations[0].address.official, d.locations[0].phone, d.locations[0].hours.official) in halls
        ]
        assert same, guide.name


def test_a_service_already_published_under_its_name_is_compared_not_drafted_again(tmp_path):
    engine = get_engine(f"sqlite:///{tmp_path / 'guides.db'}")
    load_guides(engine, ROOT / "guides")
    report = import_export(SAMPLE, engine, today=IMPORT_DAY)
    hand_written = {g.id for g in (read_guide_file(p) for p in guide_files(ROOT / "guides"))}
    assert {o.guide_id for o in report.with_status(PUBLISHED)} == hand_written
    assert len(report.with_status(NEW)) == 162 - 15
    with Session(engine) as session:
        drafted = set(session.execute(select(DraftRow.guide_id)).scalars())
    assert not drafted & hand_written and published_count(engine) == 15


def test_every_service_beside_the_hand_written_guides_has_what_people_say_about_it(tmp_path):
    engine = get_engine(f"sqlite:///{tmp_path / 'guides.db'}")
    load_guides(engine, ROOT / "guides")
    sayings = ROOT / "catalogue" / "ankang-sayings.yml"
    report = import_export(SAMPLE, engine, today=IMPORT_DAY, dry_run=True, sayings=sayings)
    assert [str(p) for p in report.problems] == [f"{SAMPLE}:{p}" for p in EXPECTED_PROBLEMS]  # every code known
    drafted = {o.guide_id for o in report.with_status(NEW)}
    guides = [b.guide for b in report.built if b.guide.id in drafted]
    assert len(guides) == 147
    assert all(g.purpose and len(g.examples) >= 24 for g in guides)  # 25 written, at most one taken out (blind)
