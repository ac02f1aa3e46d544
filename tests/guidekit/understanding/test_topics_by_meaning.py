"""How a question's topic is decided from the meaning classifier's probabilities (guidekit/understanding/topics_by_meaning.py)."""

import pytest

from guidekit.understanding.topics_by_meaning import decide_topic, last_clause

TOPICS = (
    "materials",
    "location",
    "hours",
    "fee",
    "duration",
    "online",
    "proxy",
    "eligibility",
    "process",
    "other",
    "handoff",
)


def probabilities(**given):
    rest = (1.0 - sum(given.values())) / (len(TOPICS) - len(given))
    return {t: given.get(t, rest) for t in TOPICS}


def test_last_clause_is_the_question_at_the_end_of_a_story():
    story = "唉,人老了记性差。上礼拜去菜市场,回来发现身份证不见了。补一个要多久?"
    assert last_clause(story) == "补一个要多久"


def test_last_clause_of_speech_without_marks_splits_at_spaces():
    assert last_clause("社保卡坏了 去哪换") == "去哪换"


def test_a_message_of_one_clause_has_no_separate_last_clause():
    assert last_clause("低保怎么申请") is None


def test_a_sure_reading_needs_no_marker_word():
    # "要掏腰包不": no 钱/费 in it, but the meaning is clearly the cost.
    assert decide_topic(probabilities(fee=0.8), worded=set(), step_words=False) == "fee"


def test_an_unsure_reading_without_its_words_is_answered_with_what_to_bring():
    assert decide_topic(probabilities(eligibility=0.45, materials=0.3), worded=set(), step_words=False) == "materials"


def test_an_unsure_reading_the_intent_classifier_also_heard_is_taken():
    # "老年证,外地户口在这边住了十年,给办不": no 条件/资格, both classifiers hear who qualifies.
    assert (
        decide_topic(
            probabilities(eligibility=0.58, location=0.12), worded=set(), step_words=False, heard="eligibility"
        )
        == "eligibility"
    )
    # Less sure than that: what to bring, as before.
    assert decide_topic(probabilities(eligibility=0.45), worded=set(), step_words=False, heard="eligibility") == (
        "materials"
    )


def test_a_fairly_sure_reading_stands_against_a_stray_word_only_when_both_classifiers_hear_it():
    # "我们家是低保户…今年我孙子上班了…我们还能继续领吗": 上班 is an hours word of the life context.
    story = probabilities(eligibility=0.6, hours=0.12)
    assert decide_topic(story, worded={"hours"}, step_words=False, heard="eligibility") == "eligibility"
    # Heard as something else, the word in the sentence is taken, as before.
    assert decide_topic(story, worded={"hours"}, step_words=False, heard="hours") == "hours"
    # Without any word of another topic, a reading this sure needs no second opinion.
    assert decide_topic(probabilities(eligibility=0.58), worded=set(), step_words=False, heard="location") == (
        "eligibility"
    )


def test_two_readings_agreeing_yield_to_another_topic_named_in_the_words():
    # "我明天去行不行": both classifiers hear a family-member question (…去行不行); 明天 names the opening days.
    hours_said = probabilities(proxy=0.7, hours=0.26)
    assert decide_topic(hours_said, worded={"hours"}, step_words=False, heard="proxy", follow_up=True) == "hours"
    # With the agreed topic's own words in it too, the agreement stands.
    assert decide_topic(hours_said, worded={"hours", "proxy"}, step_words=False, heard="proxy", follow_up=True) == (
        "proxy"
    )
    # A topic the meaning rules out (under 0.1) is no reason to doubt the agreement.
    ruled_out = probabilities(proxy=0.8, hours=0.05)
    assert decide_topic(ruled_out, worded={"hours"}, step_words=False, heard="proxy", follow_up=True) == "proxy"
    # In a message naming its service, a stray word is no sign ("…退了一年多了,现在去提会不会太晚了").
    late = probabilities(eligibility=0.6, hours=0.2)
    assert decide_topic(late, worded={"hours"}, step_words=False, heard="eligibility") == "eligibility"


def test_agreeing_on_a_plain_how_to_is_still_what_to_bring():
    assert decide_topic(probabilities(process=0.6), worded=set(), step_words=False, heard="process") == "materials"


def test_an_unsure_reading_with_its_words_is_taken():
    assert (
        decide_topic(probabilities(location=0.45, materials=0.3), worded={"location"}, step_words=False) == "location"
    )


def test_a_topic_whose_words_are_there_but_meaning_rules_out_is_not_taken():
    # "身体条件证明要交什么": 条件 is part of the name; meaning says what to bring.
    assert (
        decide_topic(probabilities(materials=0.85, eligibility=0.02), worded={"eligibility"}, step_words=False)
        == "materials"
    )


def test_a_plain_how_to_without_step_words_is_what_to_bring():
    assert decide_topic(probabilities(process=0.9), worded=set(), step_words=False) == "materials"
    assert decide_topic(probabilities(process=0.9), worded={"process"}, step_words=True) == "process"


def test_a_clear_complaint_goes_to_a_person_and_a_weak_one_does_not():
    assert decide_topic(probabilities(handoff=0.7), worded=set(), step_words=False) == "handoff"
    assert decide_topic(probabilities(handoff=0.4, fee=0.3), worded=set(), step_words=False) == "materials"


def test_no_topic_question_at_all_leaves_the_classifiers_reading():
    # "还有啥没说的" is the walk through the materials, not a complaint nor a topic.
    assert decide_topic(probabilities(other=0.7), worded=set(), step_words=False) is None


def test_a_worried_question_that_is_not_clearly_a_complaint_is_answered_as_the_question():
    # "…这个钱要回老家申请吗?": some worry, but the question is where.
    assert decide_topic(probabilities(handoff=0.45, location=0.4), worded={"location"}, step_words=False) == "location"


def test_the_fitted_classifier_is_kept_and_a_second_process_reads_it_without_fitting(tmp_path, monkeypatch):
    import numpy as np

    from guidekit.understanding.meaning import VectorCache
    from guidekit.understanding.topics_by_meaning import TopicClassifier

    class Embedder:
        """Stands in for the sentence model: a sentence's vector from its characters (fast, deterministic)."""

        name = "test-characters"

        def embed(self, texts):
            rows = [np.bincount([ord(c) % 64 for c in t], minlength=64).astype(np.float32) + 1 for t in texts]
            return np.vstack([r / np.linalg.norm(r) for r in rows]) if rows else np.zeros((0, 64), np.float32)

    nlu = tmp_path / "nlu"
    nlu.mkdir()
    (nlu / "nlu.yml").write_text(
        "version: '3.1'\nnlu:\n"
        "- intent: ask_location\n  examples: |\n    - 在哪里办\n    - 去哪个窗口\n    - 哪里能补\n"
        "- intent: ask_fee\n  examples: |\n    - 要多少钱\n    - 收费吗\n    - 要钱不\n",
        encoding="utf-8",
    )
    first = TopicClassifier(VectorCache(Embedder(), tmp_path / "var" / "cache.npz"), str(nlu))
    reading = first.probabilities("去哪里补")
    kept = list((tmp_path / "var").glob("topic-model-*.pkl"))
    assert len(kept) == 1 and max(reading, key=reading.get) == "location"

    monkeypatch.setattr(TopicClassifier, "_fit", lambda *a: (_ for _ in ()).throw(AssertionError("fitted again")))
    second = TopicClassifier(VectorCache(Embedder(), tmp_path / "var" / "cache.npz"), str(nlu))
    assert second.probabilities("去哪里补") == reading

    (nlu / "more.yml").write_text(
        "version: '3.1'\nnlu:\n- intent: ask_fee\n  examples: |\n    - 工本费多少\n", encoding="utf-8"
    )
    third = TopicClassifier(VectorCache(Embedder(), tmp_path / "var" / "cache.npz"), str(nlu))
    with pytest.raises(AssertionError, match="fitted again"):
        third.warm()  # new training sentences: another file, fitted afresh
