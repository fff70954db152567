"""Safety in the conversation, over a real database: the clarifying question in the grey
zone, crisis paths by kind, "not what I meant", and the personal safety plan.

The grey zone is driven two ways: through the service with the value the detector's
interface defines (`CrisisSignal(..., certain=False)`), so these hold whichever sentences the
detector calls unsure; and end to end with sentences that are unsure by any reading, which
run once the detector calls them so."""

from __future__ import annotations

import pytest

from bot.coach import Coach
from bot.contract import Incoming
from bot.engine.state import Choice, Command, Reply, Text
from bot.safety.crisis import CrisisSignal, detect
from bot.storage import ChatKey
from tests.conftest import COACH_NOW, ask

NOW = COACH_NOW


def words(replies: list[Reply]) -> str:
    return " ".join(r.text for r in replies)


def press(coach: Coach, chat: ChatKey, replies: list[Reply], label: str, locale: str | None = "en-US") -> list[Reply]:
    question = ask(replies)
    [button] = [b for b in question.buttons if b.label == label]
    return coach.handle(Incoming(chat, Choice(button.id, question.step_id, question.seq), locale=locale))


def at_trigger(coach: Coach, chat: ChatKey) -> list[Reply]:
    """A check-in, as far as 'what just happened?' (a free-text question)."""
    with coach.transaction(chat) as tx:
        tx.record_entry("onboarding", "done", "onboarding", {"lean": "unsure", "unsafe": False})
    replies = coach.open(chat, "checkin")
    replies = press(coach, chat, replies, "Away from them")
    replies = coach.handle(Incoming(chat, Text("5")))
    replies = coach.handle(Incoming(chat, Command("skip")))
    assert ask(replies).step_id == "trigger"
    return replies


def unsure(coach: Coach, chat: ChatKey, kind: str, ending: bool = False) -> list[Reply]:
    """What the service answers to a grey-zone message of `kind` (`ending`: it spoke of
    something ending, "I just want it to end")."""
    with coach.turn_of(chat, "en-US") as turn:
        signal = CrisisSignal(frozenset({kind}), certain=False)  # type: ignore[arg-type]
        return coach.safety.crisis(turn, signal, ending=ending)


def test_unsure_end_it_asks_first_and_the_relationship_goes_back_to_the_question(coach: Coach) -> None:
    chat = ChatKey("telegram", "9101")
    at_trigger(coach, chat)
    asked = unsure(coach, chat, "suicide", ending=True)
    assert "988" not in words(asked) and "911" not in words(asked)  # no lines before asking
    assert "do you mean the relationship, or are you thinking about ending your life" in words(asked)
    assert [b.label for b in ask(asked).buttons] == ["The relationship", "My life", "I'm not sure"]
    back = press(coach, chat, asked, "The relationship")
    assert "Back to where we were" in words(back)
    assert ask(back).step_id == "trigger"
    with coach.transaction(chat) as tx:
        assert not [r for r in tx.journal() if r.name == "trigger"]  # the words were no answer
        assert [(r.name, r.value) for r in tx.journal() if r.kind == "safety"] == [("asked", ["suicide"])]


@pytest.mark.parametrize("label", ["My life", "I'm not sure"])
def test_my_life_or_not_sure_starts_the_suicide_path_with_its_lines(coach: Coach, label: str) -> None:
    chat = ChatKey("telegram", "9102")
    at_trigger(coach, chat)
    path = press(coach, chat, unsure(coach, chat, "suicide", ending=True), label)
    assert "988" in words(path) and "911" in words(path)
    assert ask(path).step_id == "safe-now"
    assert coach.peek(chat).flow_id == "crisis"  # type: ignore[union-attr]
    done = press(coach, chat, press(coach, chat, path, "I'm safe for now"), "Carry on where I was")
    back = press(coach, chat, done, "No, thank you")
    assert ask(back).step_id == "trigger"  # where they were, under the path (not the question)
    assert coach.peek(chat).stack == ()  # type: ignore[union-attr]


def test_without_words_of_ending_the_question_is_plain_and_no_goes_back(coach: Coach) -> None:
    chat = ChatKey("telegram", "9104")
    at_trigger(coach, chat)
    asked = unsure(coach, chat, "suicide")
    assert "are you having thoughts of ending your life" in words(asked)
    assert "the relationship" not in words(asked).lower()  # nothing they wrote was about ending
    assert [b.label for b in ask(asked).buttons] == ["No, I'm not", "Yes, I am", "I'm not sure"]
    back = press(coach, chat, asked, "No, I'm not")
    assert "Back to where we were" in words(back) and ask(back).step_id == "trigger"


def test_the_grey_zone_question_names_the_relationship_only_when_the_words_speak_of_ending(coach: Coach) -> None:
    chat = ChatKey("telegram", "9105")
    at_trigger(coach, chat)
    ended = coach.handle(Incoming(chat, Text("honestly i just want it to be over"), locale="en-US"))
    plain = ChatKey("telegram", "9106")
    at_trigger(coach, plain)
    tired = coach.handle(Incoming(plain, Text("Im so tired of everything."), locale="en-US"))
    assert ask(ended).step_id == "ask-suicide" and "the relationship" in words(ended)
    assert ask(tired).step_id == "ask-thoughts" and "the relationship" not in words(tired).lower()


def test_in_the_safety_plan_a_grey_zone_answer_is_the_answer(coach: Coach) -> None:
    """ "Lock away my meds" answers "what would make your surroundings safer?": it is
    saved as the answer, not taken for a crisis; a certain message still pauses the plan."""
    chat = ChatKey("telegram", "9107")
    at_trigger(coach, chat)
    step = coach.handle(Incoming(chat, Command("plan"), locale="en-US"))
    step = press(coach, chat, step, "Let's make one")
    while ask(step).step_id != "safer":
        step = coach.handle(Incoming(chat, Command("skip"), locale="en-US"))
    answer = "lock away my meds so i cant take too many"
    assert detect(answer) is not None and not detect(answer).certain  # type: ignore[union-attr]
    shown = coach.handle(Incoming(chat, Text(answer), locale="en-US"))
    assert ask(shown).step_id == "show" and "lock away my meds" in words(shown)
    assert coach.peek(chat).flow_id == "safety-plan"  # type: ignore[union-attr]
    crisis = coach.handle(Incoming(chat, Text("i want to kill myself tonight"), locale="en-US"))
    assert "988" in words(crisis) and coach.peek(chat).flow_id == "crisis"  # type: ignore[union-attr]


def test_a_weak_violence_match_asks_privately_and_sets_nothing_until_the_answer(coach: Coach) -> None:
    chat = ChatKey("telegram", "9103")
    at_trigger(coach, chat)
    asked = unsure(coach, chat, "partner_violence")
    assert "are you safe right now" in words(asked).lower()
    with coach.transaction(chat) as tx:
        assert not tx.violence_noted
    back = press(coach, chat, asked, "I'm safe")
    assert ask(back).step_id == "trigger"
    with coach.transaction(chat) as tx:
        assert not tx.violence_noted
    # "Not sure": the violence path and its lines, but no permanent note.
    path = press(coach, chat, unsure(coach, chat, "partner_violence"), "I'm not sure")
    assert "1-800-799-7233" in words(path) and coach.peek(chat).flow_id == "crisis-violence"  # type: ignore[union-attr]
    back = press(
        coach, chat, press(coach, chat, press(coach, chat, path, "Skip"), "Carry on where I was"), "No, thank you"
    )
    assert ask(back).step_id == "trigger"
    with coach.transaction(chat) as tx:
        assert not tx.violence_noted
    # Asked again, and this time the answer is "not safe": noted, and "not what I meant" in
    # the crisis support that follows does not lift what the person said themselves.
    path = press(coach, chat, unsure(coach, chat, "partner_violence"), "No, I'm not safe")
    assert "1-800-799-7233" in words(path)
    with coach.transaction(chat) as tx:
        assert tx.violence_noted
    press(coach, chat, path, "That's not what I meant")
    with coach.transaction(chat) as tx:
        assert tx.violence_noted


def test_not_what_i_meant_lifts_a_flag_only_that_message_set(coach: Coach) -> None:
    chat = ChatKey("telegram", "9104")
    at_trigger(coach, chat)
    path = coach.handle(Incoming(chat, Text("He hit me last night"), locale="en-US"))
    with coach.transaction(chat) as tx:
        assert tx.violence_noted
    after = press(coach, chat, path, "That's not what I meant")
    assert "/sos" in words(after)
    with coach.transaction(chat) as tx:
        assert not tx.violence_noted
    sos = coach.handle(Incoming(chat, Command("sos"), locale="en-US"))
    assert "1-800-799-7233" in words(sos) and "988" in words(sos)  # the lines stay reachable


def test_not_what_i_meant_keeps_a_flag_set_before(coach: Coach) -> None:
    chat = ChatKey("telegram", "9105")
    at_trigger(coach, chat)
    with coach.transaction(chat) as tx:
        tx.note_violence(True)  # said earlier, in onboarding or /safety
    path = coach.handle(Incoming(chat, Text("he threatened to hurt me again"), locale="en-US"))
    press(coach, chat, path, "That's not what I meant")
    with coach.transaction(chat) as tx:
        assert tx.violence_noted


@pytest.mark.parametrize("sentence", ["I just want to end it", "honestly i want to end it"])
def test_end_it_typed_in_a_check_in_is_asked_about(coach: Coach, sentence: str) -> None:
    signal = detect(sentence)
    if signal is None or signal.certain:
        pytest.skip("the detector does not call this sentence unsure yet")
    chat = ChatKey("telegram", "9106")
    at_trigger(coach, chat)
    asked = coach.handle(Incoming(chat, Text(sentence), locale="en-US"))
    assert ask(asked).step_id == "ask-suicide" and "988" not in words(asked)
    assert ask(press(coach, chat, asked, "The relationship")).step_id == "trigger"


def test_the_safety_plan_is_built_shown_by_plan_and_sos_and_changed(coach: Coach) -> None:
    chat = ChatKey("telegram", "9107")
    at_trigger(coach, chat)
    offer = coach.handle(Incoming(chat, Command("plan"), locale="en-GB"))
    assert ask(offer).step_id == "offer"
    replies = press(coach, chat, offer, "Let's make one", "en-GB")
    typed = [
        "When I stop answering my friends and lie awake replaying things",
        "Walk the dog round the park 🐕",
        "/skip",
        "My sister Jo, 07700 900123",
        "my GP, Dr Shah",
        "Give my spare car keys to Jo when it gets bad",
    ]
    for text in typed:
        replies = coach.handle(Incoming(chat, Command("skip") if text == "/skip" else Text(text), locale="en-GB"))
    said = words(replies)
    assert "Saved" in said and "lie awake replaying things" in said and "Samaritans" in said
    assert "(empty for now)" in said  # the skipped part
    assert ask(replies).step_id == "show"
    done = press(coach, chat, replies, "That's all for now", "en-GB")
    assert ask(done).step_id == "trigger"  # /plan came on top of the check-in
    sos = coach.handle(Incoming(chat, Command("sos"), locale="en-GB"))
    assert "Walk the dog round the park" in words(sos) and "116 123" in words(sos)
    shown = coach.handle(Incoming(chat, Command("plan"), locale="en-GB"))
    assert ask(shown).step_id == "show" and "My sister Jo" in words(shown)
    pick = press(coach, chat, shown, "Change a part", "en-GB")
    edit = press(coach, chat, pick, "People and places", "en-GB")
    changed = coach.handle(Incoming(chat, Text("the library on Mill Road"), locale="en-GB"))
    assert "the library on Mill Road" in words(changed)
    with coach.transaction(chat) as tx:
        plan = tx.safety_plan()
    assert plan is not None and plan["people_places"] == "the library on Mill Road"
    assert plan["warning_signs"] == typed[0] and plan["on_my_own"] == typed[1]
    assert edit  # the edit question was asked


def test_a_check_in_later_is_opt_in(coach: Coach) -> None:
    chat = ChatKey("telegram", "9108")
    at_trigger(coach, chat)
    path = coach.handle(Incoming(chat, Text("i dont want to be alive anymore"), locale="en-US"))
    later = press(coach, chat, press(coach, chat, path, "Skip"), "Carry on where I was")
    with coach.transaction(chat) as tx:
        assert tx.pending_followups() == []
    press(coach, chat, later, "Yes, check on me")
    with coach.transaction(chat) as tx:
        assert [f.target_flow for f in tx.pending_followups()] == ["crisis-checkin"]


@pytest.mark.parametrize("not_safe", [False, True])
def test_the_professional_help_suggestion_proposes_no_couples_work_to_someone_not_safe(
    coach: Coach, not_safe: bool
) -> None:
    chat = ChatKey("telegram", "9109")
    with coach.turn_of(chat, "en-US") as turn:
        for _ in range(3):
            turn.tx.record_answer("checkin", "intensity", "intensity", 9)
        turn.tx.note_violence(not_safe)
        [suggestion] = coach.safety.escalation(turn)
    assert ("as a couple" in suggestion.text) is not not_safe
    assert ("Gottman" in suggestion.text) is not not_safe


def test_a_check_later_they_said_yes_to_comes_even_with_follow_ups_off(coach: Coach) -> None:
    chat = ChatKey("telegram", "9110")
    at_trigger(coach, chat)
    with coach.transaction(chat) as tx:
        tx.set_followups("none", None)
    path = coach.handle(Incoming(chat, Text("i want to die"), locale="en-US"))
    later = press(coach, chat, press(coach, chat, path, "I'm safe for now"), "Carry on where I was")
    press(coach, chat, later, "Yes, check on me")
    with coach.transaction(chat) as tx:
        assert [f.target_flow for f in tx.pending_followups()] == ["crisis-checkin"]
