"""A guide's change read field by field for the reviewer (guidekit/editorial/field_diff.py)."""

from __future__ import annotations

from pathlib import Path

from guidekit.editorial.field_diff import field_changes, marked
from guidekit.guides.loader import read_guide_file

GUIDES = Path(__file__).resolve().parents[3] / "guides"


def _guide():
    return read_guide_file(GUIDES / "funeral-allowance.yml")


def test_an_unchanged_guide_has_no_changes():
    assert field_changes(_guide(), _guide()) == []


def test_a_changed_plain_text_is_named_in_plain_words_with_the_changed_characters_marked():
    before = _guide()
    fee = before.fee.model_copy(update={"plain": before.fee.plain + "办好以后钱打到卡上。"})
    after = before.model_copy(update={"fee": fee})
    (change,) = field_changes(before, after)
    assert change.label == "收费(大白话)" and change.key == "plain:fee"
    assert [text for text, changed in change.new_marked if changed] == ["办好以后钱打到卡上。"]
    assert not any(changed for _, changed in change.old_marked)


def test_a_changed_material_and_a_district_are_each_one_change():
    before = _guide()
    first = before.materials[0].model_copy(update={"copies": before.materials[0].copies + 1})
    office = before.locations[0].model_copy(update={"district": "青松区"})
    after = before.model_copy(update={"materials": [first, *before.materials[1:]], "locations": [office]})
    assert [c.label for c in field_changes(before, after)] == ["材料1", "办理地点1"]


def test_every_field_of_a_new_guide_is_shown_as_added():
    changes = field_changes(None, _guide())
    assert {"正式名称", "别名", "材料1"} <= {c.label for c in changes}
    assert all(c.old == "" and c.new for c in changes)


def test_marking_keeps_every_character_and_marks_only_what_differs():
    old, new = marked("带身份证原件", "带身份证原件和复印件")
    assert "".join(t for t, _ in old) == "带身份证原件" and "".join(t for t, _ in new) == "带身份证原件和复印件"
    assert [t for t, changed in new if changed] == ["和复印件"]


def test_a_materials_form_is_said_in_words_not_as_a_program_name():
    before = _guide()
    first = before.materials[0].model_copy(update={"notes": "要带原件"})
    after = before.model_copy(update={"materials": [first, *before.materials[1:]]})
    (change,) = field_changes(before, after)
    assert before.materials[0].form.value in change.new and "MaterialForm" not in change.new


def test_a_materials_plain_text_changed_is_one_row_with_its_check_not_two():
    before = _guide()
    first = before.materials[0].model_copy(update={"plain": before.materials[0].plain + "要带原件。"})
    after = before.model_copy(update={"materials": [first, *before.materials[1:]]})
    assert [c.key for c in field_changes(before, after)] == ["plain:material-0"]


def test_a_family_members_paper_is_a_plain_field_of_its_own():
    guide = next(g for g in (read_guide_file(p) for p in sorted(GUIDES.glob("*.yml"))) if g.proxy.materials)
    proxy = guide.proxy.materials[0].model_copy(update={"plain": "代办的家人自己的身份证。"})
    after = guide.model_copy(
        update={"proxy": guide.proxy.model_copy(update={"materials": [proxy, *guide.proxy.materials[1:]]})}
    )
    (change,) = field_changes(guide, after)
    assert change.key == "plain:proxy-material-0" and change.label.startswith("家人代办还要带1")
