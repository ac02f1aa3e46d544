"""情形 in a guide file: validated like every field (file:line: field: message), and read by the answer words."""

from __future__ import annotations

from pathlib import Path

import pytest

from guidekit.guides.loader import GuideFileError, parse_guide
from guidekit.understanding.situations import pick_situation

ROOT = Path(__file__).resolve().parents[3]
PATH = "guides/household-transfer-to-children.yml"
TEXT = (ROOT / PATH).read_text(encoding="utf-8")


def guide(text: str = TEXT):
    return parse_guide(text, PATH)


def test_each_situation_adds_its_own_papers_after_the_common_ones():
    g = guide()
    common = [m.name for m in g.materials_to_bring()]
    assert common == ["老人身份证", "老人户口本", "子女户口本", "亲子关系证明"]
    assert [m.name for m in g.materials_to_bring(situation="买的房子")] == common + ["房产证"]
    assert [m.name for m in g.materials_to_bring(situation="租的房子")] == common + ["租房合同", "房东同意书"]
    assert [m.name for m in g.materials_to_bring(situation="没有这种")] == common


@pytest.mark.parametrize(
    "said, picked",
    [
        ("1", "买的房子"),
        ("第二个", "租的房子"),
        ("租的", "租的房子"),
        ("是自己家的房", "买的房子"),
        ("租房住", "租的房子"),
    ],
)
def test_an_answer_picks_by_number_name_or_word(said, picked):
    chosen = pick_situation(said, guide().situations)
    assert chosen is not None and chosen.name == picked


@pytest.mark.parametrize("said", ["3", "不知道", "不是买的是租的"])
def test_an_answer_that_fits_none_or_both_picks_nothing(said):
    assert pick_situation(said, guide().situations) is None


def test_a_word_that_could_pick_two_situations_is_refused_at_its_line():
    text = TEXT.replace("words: [租的, 租房", "words: [买的, 租的, 租房", 1)
    with pytest.raises(GuideFileError) as err:
        guide(text)
    problem = err.value.problems[0]
    assert problem.field.startswith("situations") and "买的" in problem.message
    assert "household-transfer-to-children.yml" in str(err.value) and problem.line > 1


def test_a_paper_every_situation_brings_cannot_also_be_a_situations_own():
    text = TEXT.replace("        - name: 租房合同", "        - name: 老人户口本", 1)
    with pytest.raises(GuideFileError) as err:
        guide(text)
    assert any("老人户口本" in p.message for p in err.value.problems)


def test_one_option_is_no_question():
    start = TEXT.index("    - name: 租的房子")
    end = TEXT.index("process:")
    with pytest.raises(GuideFileError) as err:
        guide(TEXT[:start] + TEXT[end:])
    assert any(p.field.startswith("situations") for p in err.value.problems)
