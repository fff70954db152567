"""Follow-ups that keep their word, over a real database (SQLite and PostgreSQL), through
the terminal chat (`hedgehog chat`'s code path): when they come, what /stop cancels, what
/reminders lists and cancels, the plan read back, clock times asked again, and /restart."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from bot.coach import Coach
from bot.contract import Incoming
from bot.dialogue.clock import read_clock
from bot.engine.engine import Engine
from bot.engine.state import Choice, Command, Reply
from bot.features.schedule import after_plan, day_said, due_time, when_said
from bot.storage import Store
from bot.transports.terminal import TerminalChat, numbered, plain
from tests.conftest import COACH_NOW, ask

NOW = COACH_NOW  # Wednesday 25 November 2026, 09:30 UTC
BERLIN = "Europe/Berlin"  # 10:30 there

# What a person might answer on the way to the exercise, by step (anything else: the first button).
ANSWERS = {
    "urge": "Away from them",
    "body": "my chest is tight",
    "intensity": "6",
    "trigger": "He went silent after dinner.",
    "meaning": "That he's done with me",
    "deeper": "Straight to an exercise",
    "offer-away": "Turn toward",
    "turn-toward:welcome": "Yes, I feel safe",
    "pick": "Answer a bid",
}


class Person:
    """Someone at the terminal, with the coach's clock in their hands."""

    def __init__(self, engine: Engine, store: Store, name: str) -> None:
        self.clock = [NOW]
        self.coach = Coach(engine, store, "checkin", clock=lambda: self.clock[0])
        self.chat = TerminalChat(self.coach, name)
        self.store = store
        self.said: list[Reply] = []

    def open(self, flow: str | None = None) -> str:
        self.said = self.chat.open(flow)
        return self.words()

    def send(self, line: str) -> str:
        self.said = self.chat.send(line)
        return self.words()

    def words(self) -> str:
        return "\n".join(plain(r.text) for r in self.said)

    def at(self) -> tuple[str, str] | None:
        state = self.coach.peek(self.chat.chat)
        return (state.flow_id, state.step_id) if state else None

    def walk_to(self, flow: str, step: str) -> None:
        for _ in range(40):
            where = self.at()
            assert where is not None, f"the session ended before {flow}:{step}"
            if where == (flow, step):
                return
            question = ask(self.said) if any(r.step_id for r in self.said) else None
            answer = ANSWERS.get(":".join(where), ANSWERS.get(where[1]))
            if answer is None:
                buttons = numbered(question) if question else ()
                answer = buttons[0].label if buttons else "/skip"
            self.send(answer)
        raise AssertionError(f"never reached {flow}:{step}")

    def set_zone(self, zone: str | None) -> None:
        with self.store.chat(self.chat.chat, self.clock[0]) as tx:
            tx.set_followups(tx.followups, zone)

    def pending(self) -> list[tuple[str, datetime]]:
        with self.store.chat(self.chat.chat, self.clock[0]) as tx:
            return [(f.target_flow, f.due_at) for f in tx.pending_followups()]

    def turn_toward(self, timing: str, words: str = "Use this one", within_checkin: bool = False) -> str:
        if within_checkin:
            self.open("checkin")
            self.walk_to("turn-toward", "welcome")
        else:
            self.open("turn-toward")
        self.walk_to("turn-toward", "words-bid")
        self.send(words)
        return self.send(timing)


@pytest.fixture
def person(engine: Engine, store: Store) -> Callable[[str], Person]:
    return lambda name: Person(engine, store, name)


# ---------------------------------------------------------------------------- when


@pytest.mark.parametrize(
    ("planned", "zone", "due", "said"),
    [
        ("now", BERLIN, NOW + timedelta(hours=2), "in about 2 hours"),
        ("later today", BERLIN, datetime(2026, 11, 25, 19, 0, tzinfo=UTC), "this evening at 8 pm"),
        ("tomorrow", BERLIN, datetime(2026, 11, 26, 19, 0, tzinfo=UTC), "tomorrow at 8 pm"),
        ("Tomorrow", "America/New_York", datetime(2026, 11, 27, 1, 0, tzinfo=UTC), "tomorrow at 8 pm"),
        ("at the weekend", BERLIN, datetime(2026, 11, 28, 10, 0, tzinfo=UTC), "on Saturday at 11 am"),
        ("this evening", BERLIN, datetime(2026, 11, 26, 9, 0, tzinfo=UTC), "tomorrow at 10 am"),
        # No time zone: nothing placed on a clock we can't read.
        ("tomorrow", None, NOW + timedelta(days=1), "tomorrow around this time"),
        ("later today", None, NOW + timedelta(hours=4), "in about 4 hours"),
    ],
)
def test_the_time_a_person_chose_means_what_it_says(planned: str, zone: str | None, due: datetime, said: str) -> None:
    delay = after_plan(planned)
    assert delay is not None
    assert due_time(delay, NOW, zone) == due
    assert when_said(due, NOW, zone) == said


def test_tomorrow_is_the_same_time_of_day_moved_into_daytime() -> None:
    late = datetime(2026, 11, 25, 23, 40, tzinfo=UTC)  # 00:40 in Berlin
    assert due_time("tomorrow", NOW, BERLIN) == datetime(2026, 11, 26, 9, 30, tzinfo=UTC)  # 10:30 there
    assert due_time("tomorrow", late, BERLIN) == datetime(2026, 11, 27, 9, 0, tzinfo=UTC)  # 10:00 there
    assert after_plan("not sure yet") is None


def test_tonight_late_in_the_evening_becomes_the_morning() -> None:
    late = datetime(2026, 11, 25, 21, 30, tzinfo=UTC)  # 22:30 in Berlin
    due = due_time("tonight", late, BERLIN)
    assert due == datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
    assert when_said(due, late, BERLIN) == "tomorrow at 10 am"


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("21:00", (21, 0)),
        ("9pm", (21, 0)),
        ("9 PM", (21, 0)),
        ("9.30pm", (21, 30)),
        ("9:30 p.m.", (21, 30)),
        ("9.30", (9, 30)),
        ("half 9", (9, 30)),
        ("half 9 pm", (21, 30)),
        ("noon", (12, 0)),
        ("Midnight", (0, 0)),
        ("it's 14:45", (14, 45)),
        ("about 7am", (7, 0)),
        ("2130", (21, 30)),
        ("half past nine", None),
        ("9ish", None),
        ("after work", None),
        ("9 or 10", None),
        ("930", None),
        ("25:00", None),
        ("13pm", None),
        ("🙂", None),
    ],
)
def test_clock_times_people_type(typed: str, read: tuple[int, int] | None) -> None:
    assert read_clock(typed) == read


def test_the_day_a_plan_was_made_is_said_in_the_persons_calendar() -> None:
    assert day_said(NOW - timedelta(hours=3), NOW, BERLIN) == "Earlier today"
    assert day_said(NOW - timedelta(days=1), NOW, BERLIN) == "Yesterday"
    assert day_said(NOW - timedelta(days=3), NOW, BERLIN) == "On Sunday"
    assert day_said(NOW - timedelta(days=1), NOW, None) == "Yesterday"


# ---------------------------------------------------------------------------- scheduling


def test_turn_toward_tomorrow_asks_tomorrow_evening_and_says_so(person: Callable[[str], Person]) -> None:
    sam = person("sam")
    sam.set_zone(BERLIN)
    said = sam.turn_toward("Tomorrow")
    assert "I'll check in with you tomorrow at 8 pm" in said
    assert "in about 2 hours" not in said and "couple of hours" not in said
    assert sam.pending() == [("follow-up", datetime(2026, 11, 26, 19, 0, tzinfo=UTC))]


def test_without_a_time_zone_the_promise_says_only_what_is_true(person: Callable[[str], Person]) -> None:
    kim = person("kim")
    said = kim.turn_toward("Tomorrow")
    assert "tomorrow around this time" in said
    assert "tell me your time, so I can name the hour" in said
    assert "pm your time" not in said and "am your time" not in said  # no clock claimed as theirs
    assert kim.pending() == [("follow-up", NOW + timedelta(days=1))]


def test_a_daytime_only_promise_is_the_morning_when_the_step_is_late(person: Callable[[str], Person]) -> None:
    ana = person("ana")
    ana.open("reminders")
    ana.send("Daytime only")
    ana.send("10:30 pm")  # it's 09:30 UTC: UTC+13:00
    said = ana.turn_toward("Now")
    assert "tomorrow at 9 am" in said  # 2 hours on is past midnight there: it waits for the morning


# ---------------------------------------------------------------------------- the follow-up reads the plan back


def test_the_follow_up_reads_back_the_plan_in_the_persons_words(person: Callable[[str], Person]) -> None:
    jo = person("jo")
    jo.set_zone(BERLIN)
    jo.turn_toward("Tomorrow", words="Ask him how his day went, and actually listen.")
    jo.clock[0] = datetime(2026, 11, 26, 19, 5, tzinfo=UTC)
    said = jo.open()
    assert "Yesterday you planned: “Ask him how his day went, and actually listen.”" in said
    assert "Did you get to try it?" in said
    assert jo.at() == ("follow-up", "tried")


def test_the_start_up_follow_up_reads_back_the_sentence_they_planned_to_say(person: Callable[[str], Person]) -> None:
    """The softened start-up keeps no one answer as its plan but a sentence made of three:
    the follow-up and /reminders say it back as the read-back said it, from the flow's
    `plan: softened-startup/plan.j2`."""
    sam = person("sam")
    sam.set_zone(BERLIN)
    sam.open("softened-startup")
    for line in (
        "Yes, I feel safe",
        "Calm enough",
        "Ignored and unimportant",
        "You were on your phone the whole time during dinner last night & didn't ask about my day",
        "I need you to put the phone away when we eat.",
    ):
        said = sam.send(line)
    sentence = (
        "I feel ignored and unimportant about how you were on your phone the whole time during dinner "
        "last night & didn't ask about my day, and I need you to put the phone away when we eat."
    )
    assert sentence in said
    sam.send("Sounds right")
    sam.send("This evening")
    assert f"about your plan: “{sentence}”" in sam.send("/reminders")
    sam.send("Keep them all")
    sam.clock[0] = datetime(2026, 11, 26, 9, 5, tzinfo=UTC)  # the morning after the evening
    said = sam.open()
    assert f"Yesterday you planned: “{sentence}”" in said
    assert "&amp;" not in said and "need I need" not in said
    assert sam.at() == ("follow-up", "tried")


def test_a_plan_without_words_is_still_asked_about_kindly(person: Callable[[str], Person]) -> None:
    lee = person("lee")
    lee.turn_toward("Now", words="/skip")
    lee.clock[0] = NOW + timedelta(hours=2, minutes=5)
    said = lee.open()
    assert "Earlier you planned a small step" in said


# ---------------------------------------------------------------------------- /stop


def test_stop_cancels_only_what_this_visit_planned_and_names_it(person: Callable[[str], Person]) -> None:
    max_ = person("max")
    max_.set_zone(BERLIN)
    max_.turn_toward("Tomorrow", words="ask him how his day went")  # an earlier visit, finished
    earlier = max_.pending()
    max_.open("checkin")
    max_.walk_to("checkin", "intensity")
    max_.send("/break")  # a break on top of the check-in plans a check-in 20 minutes later
    max_.walk_to("checkin", "intensity")
    assert len(max_.pending()) == len(earlier) + 1
    said = max_.send("/stop")
    assert "I've cancelled the check-in in about 20 minutes after “Take a break”" in said
    assert "The other check-in I've planned stays" in said and "/reminders" in said
    assert max_.pending() == earlier  # the finished visit's follow-up is still coming


def test_stop_with_nothing_planned_says_so(person: Callable[[str], Person]) -> None:
    zoe = person("zoe")
    zoe.open("checkin")
    zoe.send("Towards them")
    said = zoe.send("/stop")
    assert "Nothing was planned from it" in said
    assert zoe.at() is None


def test_stop_after_the_exercise_ended_keeps_its_follow_up(person: Callable[[str], Person]) -> None:
    ray = person("ray")
    ray.turn_toward("Now")
    said = ray.send("/stop")
    assert "nothing to stop" in said and "/reminders" in said
    assert len(ray.pending()) == 1


# ---------------------------------------------------------------------------- /reminders


def test_reminders_lists_each_follow_up_in_the_persons_time_and_cancels_one(person: Callable[[str], Person]) -> None:
    eve = person("eve")
    eve.set_zone(BERLIN)
    eve.turn_toward("Tomorrow", words="ask him how his day went")
    eve.turn_toward("Later today", words="Sorry I snapped, can we start over?")
    said = eve.send("/reminders")
    assert "1. the check-in this evening at 8 pm about your plan: “Sorry I snapped, can we start over?”" in said
    assert "2. the check-in tomorrow at 8 pm about your plan: “ask him how his day went”" in said
    labels = [b.label for b in numbered(ask(eve.said))]
    assert labels == ["Cancel 1", "Cancel 2", "Change check-in times", "Keep them all"]
    said = eve.send("2")  # on the terminal, by number
    assert "Done: I've cancelled the check-in tomorrow at 8 pm about your plan: “ask him how his day went”" in said
    assert "1. the check-in this evening at 8 pm" in said  # what is left, listed again
    assert eve.pending() == [("follow-up", datetime(2026, 11, 25, 19, 0, tzinfo=UTC))]
    said = eve.send("3")  # Keep them all
    assert "everything stays as planned" in said
    assert len(eve.pending()) == 1


def test_reminders_answered_in_words_with_or_without_a_question_open(person: Callable[[str], Person]) -> None:
    fay = person("fay")
    fay.set_zone(BERLIN)
    fay.turn_toward("Tomorrow", words="ask him how his day went")
    fay.turn_toward("Later today", words="Sorry I snapped, can we start over?")
    fay.send("/reminders")  # nothing open underneath
    said = fay.send("Cancel 2 please")
    assert "Done: I've cancelled the check-in tomorrow at 8 pm" in said
    assert len(fay.pending()) == 1
    fay.open("checkin")
    fay.send("Away from them")
    assert fay.at() == ("checkin", "intensity")
    fay.send("/reminders")  # over the check-in's question
    said = fay.send("nah keep them")
    assert "everything stays as planned" in said and len(fay.pending()) == 1
    assert fay.at() == ("checkin", "intensity")  # the question underneath, unanswered
    fay.send("7")  # the list is closed: a number is the scale again
    assert fay.at() == ("checkin", "body")


def test_reminders_without_a_time_zone_says_so_and_leads_to_the_settings(person: Callable[[str], Person]) -> None:
    bo = person("bo")
    bo.turn_toward("Now")
    said = bo.send("/reminders")
    assert "in about 2 hours" in said
    assert "I don't know your time zone yet" in said
    bo.send("2")  # Change check-in times
    assert bo.at() == ("reminders", "when")
    assert "9 am to 9 pm your time" not in bo.words()


def test_with_nothing_planned_reminders_is_the_settings(person: Callable[[str], Person]) -> None:
    cy = person("cy")
    cy.open("checkin")
    said = cy.send("/reminders")
    assert cy.at() == ("reminders", "when")
    assert "Right now: any time" in said


def test_a_reminder_of_another_chat_cannot_be_cancelled(person: Callable[[str], Person], store: Store) -> None:
    owner, other = person("owner"), person("other")
    owner.turn_toward("Now")
    with store.chat(owner.chat.chat, NOW) as tx:
        [row] = [f for f in tx.pending_followups()]
    with store.chat(other.chat.chat, NOW) as tx:
        assert tx.cancel_followup(row.id) is None
    assert len(owner.pending()) == 1


# ---------------------------------------------------------------------------- clock times asked again


def test_a_time_the_bot_cannot_read_is_asked_again_with_examples(person: Callable[[str], Person], store: Store) -> None:
    dee = person("dee")
    dee.open("reminders")
    dee.send("Daytime only")
    said = dee.send("half past nine")
    assert dee.at() == ("reminders", "clock-again")
    assert "couldn't read “half past nine”" in said and "9:30 pm" in said
    dee.send("after work")
    assert dee.at() == ("reminders", "clock-again")
    said = dee.send("3.30pm")
    assert "so it's 3:30 pm where you are now" in said
    assert "9 am and 9 pm your time" in said
    with store.chat(dee.chat.chat, NOW) as tx:
        assert tx.timezone == "UTC+06:00"  # 15:30 when it is 09:30 UTC


def test_skipping_the_time_never_claims_your_time(person: Callable[[str], Person], store: Store) -> None:
    fay = person("fay")
    fay.open("reminders")
    fay.send("Daytime only")
    fay.send("9ish")
    said = fay.send("/skip")
    assert "9 am and 9 pm UTC" in said and "pm your time" not in said
    with store.chat(fay.chat.chat, NOW) as tx:
        assert tx.timezone is None


# ---------------------------------------------------------------------------- /restart


def test_restart_inside_turn_toward_asks_then_restarts_only_turn_toward(person: Callable[[str], Person]) -> None:
    gus = person("gus")
    gus.open("checkin")
    gus.walk_to("turn-toward", "words-bid")
    gus.send("Sorry, I was miles away. Tell me again?")
    assert gus.at() == ("turn-toward", "timing")
    said = gus.send("/restart")
    assert "Start “Turn toward” again from the beginning? Your answers so far in it will be cleared." in said
    assert [b.label for b in numbered(ask(gus.said))] == ["Yes, start again", "Keep going"]
    gus.send("2")  # Keep going
    assert gus.at() == ("turn-toward", "timing")
    gus.send("/restart")
    gus.send("yes, start again")  # the label typed out works as well as its number
    assert gus.at() == ("turn-toward", "welcome")
    state = gus.coach.peek(gus.chat.chat)
    assert state is not None
    assert [f.flow_id for f in state.stack] == ["checkin"]  # the check-in around it is intact
    assert state.vars.get("trigger") == "He went silent after dinner."
    assert state.vars.get("words") is None and state.vars.get("move") is None
    gus.walk_to("turn-toward", "timing")
    gus.send("Now")
    assert gus.at() is None  # turn toward returned to the check-in, which closed
    assert "That's your check-in done" in gus.words()


def test_restart_answered_with_a_typed_yep_or_nope_in_the_terminal(person: Callable[[str], Person]) -> None:
    jo = person("jo")
    jo.open("checkin")
    jo.walk_to("turn-toward", "words-bid")
    jo.send("/restart")
    jo.send("nope")  # no: on with turn toward, the words question still waiting
    assert jo.at() == ("turn-toward", "words-bid")
    jo.send("yes")  # the restart question is closed: this answers the words question
    assert jo.at() == ("turn-toward", "timing")
    jo.send("/restart")
    jo.send("yep")
    assert jo.at() == ("turn-toward", "welcome")


def test_an_old_restart_question_changes_nothing(person: Callable[[str], Person]) -> None:
    hal = person("hal")
    hal.open("checkin")
    hal.send("/restart")
    question = ask(hal.said)
    hal.send("2")  # Keep going
    hal.send("Away from them")  # the session moved on
    before = hal.at()
    hal.chat.question = question  # the old question's "Yes", pressed late
    hal.send("1")
    assert hal.at() == before


def test_restart_at_the_check_in_itself_starts_it_again_after_asking(person: Callable[[str], Person]) -> None:
    ivy = person("ivy")
    ivy.open("checkin")
    ivy.send("Away from them")
    said = ivy.send("/restart")
    assert "again from the beginning" in said
    ivy.send("1")  # Yes, start again
    assert ivy.at() == ("checkin", "urge")


def test_forged_and_duplicate_presses_get_a_clear_answer_and_lose_nothing(person: Callable[[str], Person]) -> None:
    kit = person("kit")
    kit.turn_toward("Now")
    kit.open("checkin")
    kit.send("Away from them")
    before = kit.at()
    key = kit.chat.chat
    for update_id, forged in enumerate(
        (
            Choice("999999999", "@followup-0", 0),  # no such follow-up
            Choice("DROP TABLE", "@followup-0", 0),
            Choice("yes", "@followup-x", 0),  # not a number at all
            Choice("yes", "@restart-123456", 0),  # a session seq it never had
            Choice("yes", "@restart-1234567890123", 0),  # too long to be one
        ),
        start=50,
    ):
        replies = kit.coach.handle(Incoming(key, forged, update_id=update_id))
        assert replies and replies[0].text  # a clear answer, never silence or a crash
        assert kit.at() == before
    assert len(kit.pending()) == 1
    # The same update again (Telegram resends): handled once, said once.
    question = ask(kit.coach.handle(Incoming(key, Command("reminders"), update_id=77)))
    cancel = Choice(question.buttons[0].id, question.step_id, question.seq)
    first = kit.coach.handle(Incoming(key, cancel, update_id=78))
    again = kit.coach.handle(Incoming(key, cancel, update_id=78))
    assert "Done: I've cancelled" in first[0].text and again == []
    assert kit.pending() == []
    assert kit.at() == before


def test_onboarding_asks_again_for_a_time_it_cannot_read(person: Callable[[str], Person], store: Store) -> None:
    new = person("new")
    new.open("onboarding")
    new.walk_to("onboarding", "timing")
    new.send("Daytime only")
    said = new.send("after work")
    assert new.at() == ("onboarding", "clock-again")
    assert "couldn't read “after work”" in said and "21:30" in said
    new.send("7:15 AM")
    with store.chat(new.chat.chat, NOW) as tx:
        assert tx.timezone == "UTC-02:15"  # 07:15 when it is 09:30 UTC
