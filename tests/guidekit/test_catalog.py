"""A running process sees guide changes without restarting: index, jieba words and pinyin vocabulary."""
from __future__ import annotations

import shutil
from pathlib import Path

from guidekit.catalog import GuideCatalog
from guidekit.settings import get_settings
from guidekit.store import get_engine, load_guides

ROOT = Path(__file__).resolve().parents[2]


def test_alias_added_to_the_database_is_matched_without_restart(tmp_path, monkeypatch):
    guides = tmp_path / "guides"
    shutil.copytree(ROOT / "guides", guides)
    url = f"sqlite:///{tmp_path / 'g.db'}"
    load_guides(get_engine(url), guides)
    monkeypatch.setenv("BANSHI_DATABASE_URL", url)
    monkeypatch.setenv("BANSHI_CATALOG_REFRESH_SECONDS", "0")
    get_settings.cache_clear()
    try:
        catalog = GuideCatalog()
        before = catalog.current()
        assert before.index.resolve("夕阳红小本本").status == "none"
        assert before.prepare("xiyanghong xiaobenben") != "夕阳红小本本"

        path = guides / "senior-preferential-card.yml"
        path.write_text(path.read_text(encoding="utf-8").replace("aliases:\n", "aliases:\n  - 夕阳红小本本\n", 1),
                        encoding="utf-8")
        assert load_guides(get_engine(url), guides).updated == ["senior-preferential-card"]

        after = catalog.current()
        assert after is not before
        assert after.index.resolve("夕阳红小本本").guide_id == "senior-preferential-card"
        assert after.prepare("xiyanghong xiaobenben") == "夕阳红小本本"
    finally:
        get_settings.cache_clear()
