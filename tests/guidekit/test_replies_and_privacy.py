import datetime as dt

from guidekit import replies, when
from guidekit.privacy import mask_personal_numbers


def _guide(all_guides, gid):
    return next(g for g in all_guides if g.id == gid)


def test_material_step_counts_and_explains_forms(all_guides):
    guide = _guide(all_guides, "social-security-card-replacement")
    items = guide.materials_to_bring()
    text = replies.material_step(items, 1)
    assert text.startswith(f"第1样,共{len(items)}样:身份证。")
    assert "原件" in text and "原本" in text          # the jargon word is explained
    assert "下一个" in text


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
    guide = _guide(all_guides, "senior-preferential-card")
    assert replies.doing(guide) == "办" + guide.name.removesuffix("办理")
    assert "办理," not in replies.materials_intro(guide, guide.materials_to_bring(), False)
