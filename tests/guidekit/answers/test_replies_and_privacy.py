import datetime as dt

from guidekit.answers import replies
from guidekit.understanding import when
from guidekit.privacy import mask_personal_numbers


def _guide(all_guides, gid):
    return next(g for g in all_guides if g.id == gid)


def test_an_item_starts_with_its_name_and_says_copies_only_where_they_matter(all_guides):
    items = _guide(all_guides, "disability-certificate").materials_to_bring()
    text = replies.material_step(items, 1)
    assert text.startswith("第1样,身份证。") and "再复印1份" in text  # copies matter: said
    assert "原件" not in text and "共5样" not in text
    renewal = _guide(all_guides, "id-card-renewal").materials_to_bring()
    one_original = replies.material_step(renewal, 1)
    assert (
        "原件" not in one_original and "原本" not in one_original and "复印" not in one_original
    )  # bringing it is enough


def test_the_first_materials_answer_names_the_item_first_then_the_service_and_the_count(all_guides):
    """ "身份证丢了要带什么" is answered with what to bring, not with a title and an introduction."""
    for guide in all_guides:
        items = guide.materials_to_bring()
        text = replies.first_materials(guide, items, False)
        assert text.find(items[0].name) < 12 and len(text) <= 70, (guide.id, text)
        assert f"{replies.doing(guide)}要带{len(items)}样。" in text and "下一个" in text


def test_how_to_go_on_is_said_only_with_the_hint(all_guides):
    items = _guide(all_guides, "social-security-card-replacement").materials_to_bring()
    assert "下一个" in replies.material_step(items, 1, hint=True)
    assert "下一个" not in replies.material_step(items, 1, hint=False)
    assert replies.material_step(items, len(items), hint=False).endswith("这是最后一样了。")


def test_an_item_asked_again_is_explained_in_full_with_its_notes(all_guides):
    items = _guide(all_guides, "retirement-pension-claim").materials_to_bring()
    card = next(i for i, m in enumerate(items, 1) if m.notes)
    short, full = replies.material_step(items, card, hint=False), replies.material_step(items, card, full=True)
    assert items[card - 1].notes not in short and items[card - 1].notes in full
    assert items[card - 1].plain in full


def test_the_whole_list_is_a_summary_of_names_with_copies_where_needed(all_guides):
    guide = _guide(all_guides, "disability-certificate")
    text = replies.list_all(guide, guide.materials_to_bring())
    assert "1. 身份证(再复印1份)" in text and "原件" not in text and "请带" not in text
    assert len(text.splitlines()) == 1 + len(guide.materials_to_bring())


def test_system_fetched_materials_are_never_items(all_guides):
    guide = _guide(all_guides, "social-security-card-replacement")
    names = [m.name for m in guide.materials_to_bring()]
    assert "参保记录" not in names
    assert "参保记录不用您带" in replies.after_last(guide, guide.materials_to_bring())


def test_proxy_mode_adds_the_family_members_materials(all_guides):
    guide = _guide(all_guides, "social-security-card-replacement")
    assert "代办人身份证" in [m.name for m in guide.materials_to_bring(with_proxy=True)]
    refused = _guide(all_guides, "id-card-renewal")
    assert refused.proxy.allowed is False
    assert "本人" in replies.proxy_answer(refused)


def test_opening_on_saturday_and_a_weekday(all_guides):
    guide = _guide(all_guides, "social-security-card-replacement")
    saturday = dt.date(2026, 11, 28)
    assert "不开门" in replies.opening_on(guide, saturday, "周六")
    tuesday = dt.date(2026, 11, 24)
    text = replies.opening_on(guide, tuesday, "今天")
    assert text.startswith("今天是星期二。") and "上午9点到中午12点" in text and "下午1点半到下午5点" in text


def test_day_words_become_dates():
    tuesday = dt.date(2026, 11, 24)
    assert when.day_asked("今天开门吗", tuesday) == (tuesday, "今天")
    assert when.day_asked("明天上班不", tuesday)[0] == dt.date(2026, 11, 25)
    assert when.day_asked("周六能办吗", tuesday)[0] == dt.date(2026, 11, 28)
    assert when.day_asked("星期天开不开", tuesday)[0] == dt.date(2026, 11, 29)
    assert when.day_asked("几点开门", tuesday) is None


def test_personal_numbers_are_masked():
    text = mask_personal_numbers("身份证110101195001011234 手机13812345678 卡6222021234567890")
    assert "110101195001011234" not in text and "13812345678" not in text and "6222021234567890" not in text
    assert "138****5678" in text


def test_service_names_ending_in_banli_are_not_doubled(all_guides):
    guide = _guide(all_guides, "senior-preferential-card").model_copy(update={"short_name": None})
    assert replies.doing(guide) == "办" + guide.name.removesuffix("办理")
    assert "办理," not in replies.materials_intro(guide, guide.materials_to_bring(), False)


def test_the_short_name_is_what_people_hear_as_the_thing_to_do(all_guides):
    guide = _guide(all_guides, "retirement-pension-claim")
    assert guide.short_name == "办退休"
    assert replies.doing(guide) == "办退休"
    assert replies.with_service(guide, "……").startswith("【办退休】")
    assert "职工基本养老保险" not in replies.materials_intro(guide, guide.materials_to_bring(), False)


def test_every_guide_has_a_short_name_a_person_can_hear(all_guides):
    for guide in all_guides:
        assert guide.short_name, guide.id
        assert len(guide.short_name) <= 8 and len(guide.short_name) < len(guide.name), guide.id
