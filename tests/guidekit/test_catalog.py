"""A running process sees guide changes without restarting: index, jieba words and pinyin vocabulary."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from guidekit.catalog import GuideCatalog
from tests.settings_reset import reset_settings
from guidekit.db.engine import get_engine
from guidekit.guides.store import load_guides

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def editable(tmp_path, monkeypatch):
    """(guides folder, database URL): a copy of the guides loaded into a database the catalog reads at every use."""
    guides = tmp_path / "guides"
    shutil.copytree(ROOT / "guides", guides)
    url = f"sqlite:///{tmp_path / 'g.db'}"
    load_guides(get_engine(url), guides)
    monkeypatch.setenv("BANSHI_DATABASE_URL", url)
    monkeypatch.setenv("BANSHI_CATALOG_REFRESH_SECONDS", "0")
    reset_settings()
    try:
        yield guides, url
    finally:
        reset_settings()


def test_alias_added_to_the_database_is_matched_without_restart(editable):
    guides, url = editable
    catalog = GuideCatalog()
    before = catalog.current()
    assert before.index.resolve("夕阳红小本本").status == "none"
    assert before.prepare("xiyanghong xiaobenben") != "夕阳红小本本"

    path = guides / "senior-preferential-card.yml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("aliases:\n", "aliases:\n  - 夕阳红小本本\n", 1), encoding="utf-8"
    )
    assert load_guides(get_engine(url), guides).updated == ["senior-preferential-card"]

    after = catalog.current()
    assert after is not before
    assert after.index.resolve("夕阳红小本本").guide_id == "senior-preferential-card"
    assert after.prepare("xiyanghong xiaobenben") == "夕阳红小本本"


def test_wording_change_shows_at_once_and_keeps_the_matching_built_before(editable):
    """A publish that changes only plain wording (most do) reaches people with the new words, and the name index
    and pinyin vocabulary of the revision before are taken over, not built again (with a city's catalogue that
    took about half a second per process); a new alias still rebuilds them (the test above)."""
    guides, url = editable
    catalog = GuideCatalog()
    before = catalog.current()
    index, pinyin = before.index, before.pinyin
    path = guides / "senior-preferential-card.yml"
    text = path.read_text(encoding="utf-8")
    said = "plain: 星期一到星期五。上午9点到12点"
    assert said in text
    path.write_text(text.replace(said, "plain: 周一到周五。上午9点到12点", 1), encoding="utf-8")
    assert load_guides(get_engine(url), guides).updated == ["senior-preferential-card"]

    after = catalog.current()
    assert after is not before
    assert after.guides["senior-preferential-card"] != before.guides["senior-preferential-card"]
    assert sorted(after.reused) == ["index", "pinyin"]
    assert after.index is index and after.pinyin is pinyin
    assert after.index.resolve("老年优待证").guide_id == "senior-preferential-card"


def test_tiles_and_menus_offer_the_guides_most_asked_about_first(tmp_path, monkeypatch):
    """A kiosk's tiles and the WeChat menu put what people come for within reach: the guide most conversations
    asked about in the last 90 days comes first, an old burst of questions counts for nothing."""
    import datetime as dt

    from sqlalchemy.orm import Session

    from guidekit.quality.records import record_turn

    url = f"sqlite:///{tmp_path / 'g.db'}"
    engine = get_engine(url)
    load_guides(engine, ROOT / "guides")
    monkeypatch.setenv("BANSHI_DATABASE_URL", url)
    reset_settings()
    try:
        default = [g.id for g in GuideCatalog().most_asked_first()]
        assert len(default) == 15
        now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
        with Session(engine) as session, session.begin():
            for n in range(3):  # three conversations, one asking twice
                for _ in range(2 if n == 0 else 1):
                    record_turn(
                        session,
                        session_id=f"s{n}",
                        channel="kiosk",
                        text="退休要带什么",
                        service_id="retirement-pension-claim",
                        topic="materials",
                    )
            record_turn(
                session,
                session_id="s9",
                channel="kiosk",
                text="补身份证",
                service_id="id-card-reissue",
                topic="materials",
            )
            for n in range(5):  # long ago
                record_turn(
                    session,
                    session_id=f"old{n}",
                    channel="kiosk",
                    text="低保",
                    topic="materials",
                    service_id="minimum-living-allowance",
                    at=now - dt.timedelta(days=200),
                )
        ranked = [g.id for g in GuideCatalog().most_asked_first()]
        assert ranked[:2] == ["retirement-pension-claim", "id-card-reissue"]
        rest = [g for g in default if g not in ranked[:2]]
        assert ranked[2:] == rest  # the others keep the catalogue's order
    finally:
        reset_settings()
