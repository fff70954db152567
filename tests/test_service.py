"""The coach service over a real database (SQLite and PostgreSQL): transactions,
exactly-once, commands, effects and what reaches the logs."""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.coach import Coach
from bot.coach.homework import digest
from bot.contract import Incoming
from bot.engine.engine import Engine
from bot.engine.state import Choice, Command, Reply, SessionState, Text, Unsupported
from bot.logs import configure
from bot.storage import ChatKey, Store
from bot.storage import therapy as rows
from bot.storage.models import TABLES
from tests.conftest import COACH_NOW, ask

NOW = COACH_NOW
SECRET_ANSWER = "the-private-words-9f2c"


CHAT = ChatKey("telegram", "1001")


def test_the_same_update_twice_is_handled_once_and_said_once(coach: Coach, store: Store) -> None:
    question = ask(coach.open(CHAT, "checkin"))
    first = coach.handle(Incoming(CHAT, Choice("away", question.step_id, question.seq), update_id=7))
    again = coach.handle(Incoming(CHAT, Choice("away", question.step_id, question.seq), update_id=7))
    assert ask(first).step_id == "intensity"
    assert again == []  # everything it said was shown: nothing twice (the outbox knows)
    with store.chat(CHAT) as tx:
        answers = [row for row in tx.journal() if row.name == "urge"]
    assert len(answers) == 1


def test_a_second_process_sees_the_update_as_done(coach: Coach, engine: Engine, db_url: str) -> None:
    question = ask(coach.open(CHAT, "checkin"))
    coach.handle(Incoming(CHAT, Choice("toward", question.step_id, question.seq), update_id=11))
    other = Store.open(db_url)
    try:
        replica = Coach(engine, other, "checkin")
        replies = replica.handle(Incoming(CHAT, Choice("toward", question.step_id, question.seq), update_id=11))
        assert replies == []  # applied and shown by the first: neither again
        assert replica.peek(CHAT).step_id == "intensity"  # type: ignore[union-attr]
    finally:
        other.close()


def test_updates_of_one_chat_from_many_threads_are_applied_one_after_another(
    coach: Coach, engine: Engine, db_url: str
) -> None:
    coach.open(CHAT, "checkin")
    stores = [Store.open(db_url) for _ in range(4)]
    replicas = [Coach(engine, s, "checkin") for s in stores]
    errors: list[BaseException] = []

    def send(index: int) -> None:
        try:
            for n in range(5):
                replicas[index].handle(
                    Incoming(CHAT, Text("what's the weather like tomorrow"), update_id=1000 + index * 100 + n)
                )
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=send, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for store in stores:
        store.close()
    assert not errors
    state = coach.peek(CHAT)
    assert state is not None and state.step_id == "urge"  # 20 re-asks: nothing moved, nothing lost


def test_answers_are_journaled_and_a_follow_up_is_stored_for_later(coach: Coach, store: Store) -> None:
    chat = ChatKey("telegram", "2002")
    replies = coach.open(chat, "turn-toward")
    for line in ("Yes, I feel safe", "Share one sentence", SECRET_ANSWER, "Later today"):
        replies = coach.handle(Incoming(chat, Text(line)))
    assert coach.peek(chat) is None
    with store.chat(chat) as tx:
        journal = tx.journal()
        followups = tx.pending_followups()
    assert ("words", SECRET_ANSWER) in [(row.name, row.value) for row in journal]
    # "Later today", with no time zone known: a few hours on, never a clock time guessed in UTC
    assert [(f.target_flow, f.due_at) for f in followups] == [("follow-up", NOW + timedelta(hours=4))]
    assert followups[0].plan == {"plan": SECRET_ANSWER, "planned": "later today"}  # to read back
    assert "Your step toward them" in " ".join(r.text for r in replies)


def test_stop_ends_the_session_and_keeps_the_answers(coach: Coach, store: Store) -> None:
    chat = ChatKey("telegram", "3003")
    coach.open(chat, "checkin")
    coach.handle(Incoming(chat, Text("Away from them")))
    replies = coach.handle(Incoming(chat, Command("stop")))
    assert "stopped" in replies[0].text
    assert coach.peek(chat) is None
    with store.chat(chat) as tx:
        assert [row.value for row in tx.journal() if row.name == "urge"] == ["away"]
    after = coach.handle(Incoming(chat, Text("hello?")))
    assert "nothing open" in after[0].text


def test_restart_begins_the_flow_again_from_its_first_step(coach: Coach) -> None:
    chat = ChatKey("telegram", "4004")
    coach.open(chat, "checkin")
    coach.handle(Incoming(chat, Text("Away from them")))
    asked = ask(coach.handle(Incoming(chat, Command("restart"))))
    assert "again from the beginning" in asked.text  # asked first: nothing cleared yet
    assert coach.peek(chat).step_id == "intensity"  # type: ignore[union-attr]
    replies = coach.handle(Incoming(chat, Choice("yes", asked.step_id, asked.seq)))
    assert ask(replies).step_id == "urge"
    state = coach.peek(chat)
    assert state is not None and state.vars.get("urge") == "unsure"  # the answer is gone


def test_help_unknown_commands_and_photos_change_nothing(coach: Coach) -> None:
    chat = ChatKey("telegram", "5005")
    coach.open(chat, "checkin")
    before = coach.peek(chat)
    assert "/checkin" in coach.handle(Incoming(chat, Command("help")))[0].text
    assert "/help" in coach.handle(Incoming(chat, Command("dance")))[0].text
    photo = coach.handle(Incoming(chat, Unsupported("photos")))
    assert "photos" in photo[0].text and ask(photo).step_id == "urge"
    assert coach.peek(chat) == before


def test_a_button_pressed_after_the_flow_ended_is_explained(coach: Coach) -> None:
    chat = ChatKey("telegram", "6006")
    question = ask(coach.open(chat, "turn-toward"))
    coach.handle(Incoming(chat, Choice("not-safe", question.step_id, question.seq)))
    late = coach.handle(Incoming(chat, Choice("safe", question.step_id, question.seq)))
    assert "already finished" in late[0].text


def test_logs_carry_hashed_ids_and_steps_never_what_was_written(coach: Coach, tmp_path: Path) -> None:
    stream_path = tmp_path / "log.txt"
    with stream_path.open("w") as stream:
        configure("INFO", stream=stream)
        try:
            chat = ChatKey("telegram", "777000111")
            coach.open(chat, "checkin")
            for number, line in enumerate(("Away from them", "4", "/skip", SECRET_ANSWER), start=1):
                event = Command("skip") if line == "/skip" else Text(line)
                coach.handle(Incoming(chat, event, update_id=number))
        finally:
            logging.getLogger().handlers.clear()
    logged = stream_path.read_text()
    assert "step=trigger" in logged and "outcome=moved" in logged
    assert SECRET_ANSWER not in logged
    assert "777000111" not in logged
    assert "chat=" in logged


def test_crisis_words_are_recorded_as_an_event_never_as_text(coach: Coach, store: Store) -> None:
    chat = ChatKey("telegram", "8008")
    coach.open(chat, "checkin")
    words = "he hit me again and I want to die 4d2f"
    replies = coach.handle(Incoming(chat, Text(words), locale="en-US"))
    text = " ".join(r.text for r in replies)
    assert "911" in text and "988" in text and "1-800-799-7233" in text
    assert ask(replies).step_id == "safe-now"
    with store.chat(chat) as tx:
        rows = tx.journal()
    assert [(r.kind, r.name, r.value) for r in rows] == [
        ("safety", "crisis", ["partner_violence", "suicide"]),
        ("safety", "violence-from-message", True),
    ]
    with store.engine.connect() as connection:
        for table in ("chat", "session", "journal", "processed_update", "followup"):
            dump = str(connection.execute(sa.text(f"SELECT * FROM {table}")).all())
            assert "4d2f" not in dump, table


def finish_turn_toward(coach: Coach, chat: ChatKey) -> None:
    coach.open(chat, "turn-toward")
    for line in ("Yes, I feel safe", "Answer a bid", "Use this one", "Now"):
        coach.handle(Incoming(chat, Text(line)))
    assert coach.peek(chat) is None


def test_a_follow_up_starts_once_when_due_even_with_two_processes(engine: Engine, db_url: str) -> None:
    clock = [NOW]
    stores = [Store.open(db_url) for _ in range(2)]
    coaches = [Coach(engine, s, "checkin", clock=lambda: clock[0]) for s in stores]
    try:
        chat = ChatKey("telegram", "9009")
        finish_turn_toward(coaches[0], chat)
        clock[0] = NOW + timedelta(hours=1)
        assert coaches[0].due_followups() == []
        clock[0] = NOW + timedelta(hours=2, minutes=1)
        [due] = coaches[1].due_followups()
        results: list[object] = []
        threads = [threading.Thread(target=lambda c=c: results.append(c.follow_up(due))) for c in coaches]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        sent = [r for r in results if r is not None]
        assert len(sent) == 1
        words = " ".join(r.text for r in sent[0].replies)  # type: ignore[attr-defined]
        assert "Turn toward" in words and "check in" in words
        state = coaches[0].peek(chat)
        assert state is not None and (state.flow_id, state.step_id) == ("follow-up", "tried")
        assert coaches[0].due_followups() == [] and coaches[0].follow_up(due) is None
    finally:
        for store in stores:
            store.close()


def test_someone_busy_in_the_bot_is_not_interrupted_by_a_follow_up(engine: Engine, store: Store) -> None:
    clock = [NOW]
    coach = Coach(engine, store, "checkin", clock=lambda: clock[0])
    chat = ChatKey("telegram", "9010")
    finish_turn_toward(coach, chat)
    clock[0] = NOW + timedelta(hours=3)
    [due] = coach.due_followups()
    coach.open(chat, "set-it-free")  # busy with something else right now (real time: "just now")
    assert coach.follow_up(due) is None
    with store.chat(chat) as tx:
        [waiting] = tx.pending_followups()
    assert waiting.due_at == NOW + timedelta(hours=3, minutes=30)
    assert coach.peek(chat).flow_id == "set-it-free"  # type: ignore[union-attr]


def test_opening_the_chat_after_a_follow_up_fell_due_starts_it(engine: Engine, store: Store) -> None:
    clock = [NOW]
    coach = Coach(engine, store, "checkin", clock=lambda: clock[0])
    chat = ChatKey("terminal", "sam")
    finish_turn_toward(coach, chat)
    clock[0] = NOW + timedelta(days=1)
    replies = coach.open(chat)
    assert "I said I'd check in" in replies[0].text
    assert "Did you get to try it?" in replies[-1].text
    assert coach.peek(chat).flow_id == "follow-up"  # type: ignore[union-attr]


def test_stop_cancels_the_follow_ups_that_were_promised(engine: Engine, store: Store) -> None:
    clock = [NOW]
    coach = Coach(engine, store, "checkin", clock=lambda: clock[0])
    chat = ChatKey("telegram", "9011")
    question = ask(coach.open(chat, "turn-toward"))
    for line in ("Yes, I feel safe", "Answer a bid", "Use this one"):
        question = ask(coach.handle(Incoming(chat, Text(line))))
    coach.handle(Incoming(chat, Command("break")))  # a break on top: it plans a check-in
    for line in ("OK, let's pause", "20 minutes", "They know already", "A short walk", "I'll try"):
        coach.handle(Incoming(chat, Text(line)))
    assert coach.peek(chat).step_id == question.step_id  # type: ignore[union-attr]
    replies = coach.handle(Incoming(chat, Command("stop")))
    assert "cancelled the check-in in about 20 minutes" in replies[0].text
    clock[0] = NOW + timedelta(days=2)
    assert coach.due_followups() == []


def test_export_gives_everything_and_delete_erases_it_from_every_table(engine: Engine, store: Store) -> None:
    clock = [NOW]
    coach = Coach(engine, store, "checkin", clock=lambda: clock[0])
    chat, other = ChatKey("telegram", "5150"), ChatKey("telegram", "6160")
    therapist = ChatKey("telegram", "7170")
    rows.add_therapist(store, therapist, "Ana Ruiz", NOW)
    with store.chat(therapist, NOW) as tx:
        ana = rows.therapist_of(tx)
        assert ana is not None
        for n in range(2):
            rows.create_assignment(
                tx,
                ana.id,
                {
                    "flow_id": "turn-toward",
                    "alias": f"client {n}",
                    "cadence": "daily",
                    "per_week": 1,
                    "weeks": 1,
                    "due_at": None,
                    "note": None,
                    "notify": True,
                    "token_hash": digest(f"token-{n}"),
                    "token_expires_at": NOW + timedelta(days=7),
                },
            )
    for n, key in enumerate((chat, other)):
        with store.chat(key, NOW) as tx:
            tx.record_entry("onboarding", "done", "onboarding", {"lean": "unsure", "unsafe": False})
        # The link opened, answers shared, and the homework started from it ("Start now").
        coach.handle(Incoming(key, Command("start", f"token-{n}")))
        coach.handle(Incoming(key, Text("That and my answers")))
        coach.handle(Incoming(key, Text("Start now")))
        for line in ("Yes, I feel safe", "Answer a bid", "Use this one", "Now"):
            coach.handle(Incoming(key, Text(line)))  # answers, a journal entry, homework done, a follow-up, a notice
        assert coach.peek(key) is None
        coach.open(key, "checkin")
        # Update ids of their own (an erase keeps them, as tombstones), not spelled like the chat's address.
        coach.handle(Incoming(key, Text("Away from them"), update_id=100 + 10 * n))
        coach.handle(Incoming(key, Text("6"), update_id=103 + 10 * n))
        coach.handle(Incoming(key, Text(f"{SECRET_ANSWER}-{key.address}"), update_id=101 + 10 * n))
        coach.handle(Incoming(key, Text("I want to die"), update_id=102 + 10 * n))  # a safety event
        with store.chat(key, NOW) as tx:  # a safety plan, in their words
            tx.save_plan({"warning_signs": f"I stop eating {key.address}", "safer": "keep pills at my sister's"})
    with store.chat(chat, NOW) as tx:
        chat_id = tx.chat_id

    [export] = coach.handle(Incoming(chat, Command("export")))
    json_file, markdown_file = export.attachments
    assert json_file.filename.endswith(".json") and markdown_file.filename.endswith(".md")
    assert "Your step toward them" not in markdown_file.content.decode()  # data, not the bot's words
    assert "Sorry, I was miles away" in markdown_file.content.decode()
    assert f"{SECRET_ANSWER}-5150".encode() in json_file.content
    assert b"6160" not in json_file.content
    assert "Warning signs: “I stop eating 5150”" in markdown_file.content.decode()
    assert b'"safer": "keep pills at my sister\'s"' in json_file.content

    confirm = ask(coach.handle(Incoming(chat, Command("delete"))))
    assert confirm.step_id == "confirm"
    done = coach.handle(Incoming(chat, Choice("erase", confirm.step_id, confirm.seq)))
    assert "Clear history" in done[-1].text and all(r.step_id is None for r in done)

    with store.engine.connect() as connection:
        chat_ids = connection.execute(sa.text("SELECT id FROM chat WHERE address = '5150'")).scalars().all()
        assert chat_ids == []
        for model in TABLES:  # every table there is, not a list that could fall behind
            table = model.__table__  # type: ignore[attr-defined]
            dump = str(connection.execute(sa.select(table)).all())
            assert "5150" not in dump and f"{SECRET_ANSWER}-5150" not in dump, table.name
            for column in table.columns:
                if any(fk.column.table.name == "chat" for fk in column.foreign_keys):
                    assert (
                        connection.execute(
                            sa.select(sa.func.count()).select_from(table).where(column == chat_id)
                        ).scalar_one()
                        == 0
                    ), f"{table.name}.{column.name}"
            if table.name not in (
                "processed_update",
                "therapist_invite",
                "erased_update",
                "quarantined_update",
                "send_budget",
            ):
                assert connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one() > 0, table.name
        assert f"{SECRET_ANSWER}-6160" in str(connection.execute(sa.text("SELECT value FROM journal")).all())
        # The therapist keeps only that this client deleted their data; the other client is untouched.
        sharing = dict(connection.execute(sa.text("SELECT alias, sharing FROM assignment")).all())
        assert sharing == {"client 0": "deleted", "client 1": "answers"}
        assert connection.execute(sa.text("SELECT count(*) FROM homework_done")).scalar_one() == 1
    assert coach.peek(chat) is None


def test_keeping_the_data_returns_to_the_question_the_person_was_at(coach: Coach) -> None:
    chat = ChatKey("telegram", "7170")
    coach.open(chat, "checkin")
    coach.handle(Incoming(chat, Text("Away from them")))
    confirm = ask(coach.handle(Incoming(chat, Command("delete"))))
    back = coach.handle(Incoming(chat, Choice("keep", confirm.step_id, confirm.seq)))
    assert "Nothing was deleted" in back[0].text and ask(back).step_id == "intensity"
    assert coach.peek(chat).vars["urge"] == "away"  # type: ignore[union-attr]


def check_in_at(coach: Coach, chat: ChatKey, intensity: int, pull: str = "Away from them") -> list[Reply]:
    """A whole check-in; at 8 or more through the break, which ends it."""
    coach.open(chat, "checkin")
    replies: list[Reply] = []
    steps = [pull, str(intensity)]
    if intensity >= 8:
        steps += [
            "OK, let's pause",
            "20 minutes",
            "I can't say it now",
            "Slow breathing",
            "I've done a few",
            "Done",
            "I'll try",
        ]
    else:
        steps += ["/skip"] * 4 + ["Stop here for now"]
    for line in steps:
        event = Command("skip") if line == "/skip" else Text(line)
        replies = coach.handle(Incoming(chat, event, locale="en-AU"))
    assert coach.peek(chat) is None, [r.text for r in replies]
    return replies


def test_mostly_overwhelming_weeks_bring_a_gentle_suggestion_once(engine: Engine, store: Store) -> None:
    clock = [NOW]
    coach = Coach(engine, store, "checkin", clock=lambda: clock[0])
    chat = ChatKey("telegram", "1212")
    for day, level in enumerate((9, 3, 8)):
        clock[0] = NOW + timedelta(days=day)
        replies = check_in_at(coach, chat, level)
        suggested = any("therapist" in r.text for r in replies)
        assert suggested == (day == 2), day
    assert any("13 11 14" in r.text for r in replies)  # Lifeline, for someone in Australia
    clock[0] = NOW + timedelta(days=3)
    assert not any("therapist" in r.text for r in check_in_at(coach, chat, 9))  # not again so soon
    clock[0] = NOW + timedelta(days=20)
    for level in (9, 9):
        check_in_at(coach, chat, level)
    clock[0] += timedelta(hours=1)
    assert any("therapist" in r.text for r in check_in_at(coach, chat, 10))  # a fortnight on


def test_calm_weeks_bring_no_suggestion(engine: Engine, store: Store) -> None:
    clock = [NOW]
    coach = Coach(engine, store, "checkin", clock=lambda: clock[0])
    chat = ChatKey("telegram", "1313")
    for day, level in enumerate((9, 2, 3, 8, 1)):
        clock[0] = NOW + timedelta(days=day)
        assert not any("therapist" in r.text for r in check_in_at(coach, chat, level))


def test_progress_counts_check_ins_pulls_weeks_and_exercises(engine: Engine, store: Store) -> None:
    clock = [NOW - timedelta(days=8)]
    coach = Coach(engine, store, "checkin", clock=lambda: clock[0])
    chat = ChatKey("telegram", "1414")
    assert "No check-ins yet" in coach.handle(Incoming(chat, Command("progress")))[0].text
    check_in_at(coach, chat, 9)
    clock[0] = NOW
    check_in_at(coach, chat, 4)
    check_in_at(coach, chat, 2)
    text = coach.handle(Incoming(chat, Command("progress")))[0].text
    assert "3 check-ins so far. Which way the pull went: away from them 3." in text
    assert "1, 9.0" in text and "2, 3.0" in text  # last week, this week
    assert "Exercises done to the end: Take a break (1)." in text  # the 9 went through the break


def onboard(coach: Coach, chat: ChatKey, followups: str, local_time: str | None) -> None:
    coach.open(chat)
    for line in (
        "Sounds good",
        "Yes, I'm 18 or older",
        "I agree",
        "No, I feel safe",
        "Somewhere else",
        "Not sure yet",
        followups,
    ):
        coach.handle(Incoming(chat, Text(line)))
    if local_time is not None:
        coach.handle(Incoming(chat, Text(local_time)))
    coach.handle(Incoming(chat, Text("Not now")))
    assert coach.peek(chat) is None


def test_daytime_only_follow_ups_wait_for_the_persons_morning(engine: Engine, store: Store) -> None:
    clock = [datetime(2026, 11, 25, 14, 0, tzinfo=UTC)]
    coach = Coach(engine, store, "checkin", clock=lambda: clock[0])
    chat = ChatKey("telegram", "1515")
    onboard(coach, chat, "Daytime only", "17:00")  # three hours ahead of UTC
    finish_turn_toward(coach, chat)  # a look back in two hours
    clock[0] = datetime(2026, 11, 25, 19, 30, tzinfo=UTC)  # 22:30 for them: night
    [due] = coach.due_followups()
    assert coach.follow_up(due) is None
    with store.chat(chat) as tx:
        [waiting] = tx.pending_followups()
    assert waiting.due_at == datetime(2026, 11, 26, 6, 0, tzinfo=UTC)  # 09:00 for them
    clock[0] = datetime(2026, 11, 26, 6, 5, tzinfo=UTC)
    [due] = coach.due_followups()
    assert coach.follow_up(due) is not None


def test_no_check_ins_means_none_are_scheduled(engine: Engine, store: Store) -> None:
    clock = [NOW]
    coach = Coach(engine, store, "checkin", clock=lambda: clock[0])
    chat = ChatKey("telegram", "1616")
    onboard(coach, chat, "No check-ins, please", None)
    finish_turn_toward(coach, chat)
    clock[0] = NOW + timedelta(days=3)
    assert coach.due_followups() == []
    with store.chat(chat) as tx:
        assert tx.pending_followups() == []


def test_the_weekly_review_reads_back_the_persons_own_week(engine: Engine, store: Store) -> None:
    clock = [NOW - timedelta(days=10)]
    coach = Coach(engine, store, "checkin", clock=lambda: clock[0])
    with store.chat(CHAT, clock[0]) as tx:
        tx.record_entry("onboarding", "done", "onboarding", {"lean": "away", "unsafe": False})
    check_in_at(coach, CHAT, 2)  # older than a week: not counted
    clock[0] = NOW - timedelta(days=2)
    for level, pull in ((6, "Away from them"), (9, "Away from them"), (4, "Toward them")):
        check_in_at(coach, CHAT, level, pull)
    coach.open(CHAT, "checkin")  # one more, left at the first question: not a check-in
    coach.handle(Incoming(CHAT, Text("toward them i think")))
    coach.open(CHAT, "follow-up")
    for line in ("Yes", "we laughed about it later", "3"):
        coach.handle(Incoming(CHAT, Text(line)))
    clock[0] = NOW
    text = " ".join(r.text for r in coach.handle(Incoming(CHAT, Command("review"))))
    assert "3 check-ins: 1 toward them, 2 away from them." in text
    assert "averaged 6.3 out of 10; 1 time it was 8 or more" in text
    assert "You practised: Take a break (1)." in text and "“we laughed about it later”" in text


def test_a_check_in_paused_where_version_1_asked_the_softer_feeling_goes_on_to_the_exercise(
    coach: Coach, store: Store
) -> None:
    chat = ChatKey("telegram", "7007")
    earlier = {
        "urge": "away",
        "felt_unsafe": False,
        "body": None,
        "intensity": 5,
        "trigger": "we argued about money",
        "meaning": None,
        "surface": "angry",
    }
    with store.chat(chat) as tx:  # saved by version 1, on the question version 3 asks again
        tx.save_session(SessionState("checkin", 1, "underneath", earlier, seq=9))
    replies = coach.handle(Incoming(chat, Text("Scared, honestly.")))
    state = coach.peek(chat)
    assert state is not None and (state.flow_id, state.step_id) == ("checkin", "offer-away")
    words = " ".join(r.text for r in replies)
    assert "has been updated" not in words  # the migration, not the safety net
    assert "What happened: <i>we argued about money</i>" in words and "Underneath: <i>Scared, honestly.</i>" in words
    assert state.vars["surface"] == "angry"  # kept for the journal


@pytest.mark.parametrize("flow", ["turn-toward", "softened-startup", "demon-dialogues"])
def test_flows_toward_a_partner_are_replaced_for_someone_not_safe(coach: Coach, store: Store, flow: str) -> None:
    with store.chat(CHAT, NOW) as tx:
        tx.record_entry("onboarding", "done", "onboarding", {"lean": "away", "unsafe": True})
        tx.note_violence(True)
    coach.open(CHAT, flow)
    state = coach.peek(CHAT)
    assert state is not None and state.flow_id == "violence-support"


def test_every_check_in_of_a_week_asks_for_the_same_sunday_review(coach: Coach, store: Store) -> None:
    with store.chat(CHAT, NOW) as tx:
        tx.record_entry("onboarding", "done", "onboarding", {"lean": "away", "unsafe": False})
    for round_ in range(2):
        replies = coach.handle(Incoming(CHAT, Command("checkin"), update_id=1000 + round_ * 100))
        for n in range(1, 40):
            question = ask(replies)
            labels = {b.id: b.label for b in question.buttons}
            if "stop" in labels:  # at the exercise offer: stop here
                coach.handle(Incoming(CHAT, Choice("stop", question.step_id, question.seq)))
                break
            event = (
                Choice("away", question.step_id, question.seq)
                if "away" in labels
                else (
                    Choice("exercise", question.step_id, question.seq)
                    if "exercise" in labels
                    else Text("4")
                    if question.expects == "scale"
                    else Command("skip")
                )
            )
            replies = coach.handle(Incoming(CHAT, event, update_id=1000 + round_ * 100 + n))
        assert coach.peek(CHAT) is None
    with store.chat(CHAT, NOW) as tx:
        reviews = [f for f in tx.pending_followups() if f.target_flow == "weekly-review"]
    assert [r.due_at for r in reviews] == [datetime(2026, 11, 29, 18, 0, tzinfo=UTC)]


def test_every_effect_class_has_one_handler_and_an_unknown_effect_is_an_error(coach: Coach) -> None:
    from bot.coach.effects import HANDLERS, Effects
    from bot.engine.state import EFFECT_CLASSES
    from bot.errors import UnhandledEffect

    assert set(EFFECT_CLASSES) <= set(HANDLERS)
    Effects.check()

    class Unlisted:
        flow_id, step_id = "checkin", "start"

    with coach.turn_of(ChatKey("terminal", "effects")) as turn, pytest.raises(UnhandledEffect) as raised:
        coach.effects.apply(turn, SessionState("checkin", 1, "start"), Unlisted())  # type: ignore[arg-type]
    assert raised.value.effect == "Unlisted"


@pytest.mark.parametrize("tag", ["role", "measures", "offer"])
def test_a_part_no_flow_plays_fails_at_start_in_one_sentence(engine: Engine, sqlite_url: str, tag: str) -> None:
    from dataclasses import replace

    from bot.dialogue.model import Library
    from bot.errors import MissingRole

    flow_id = {"role": "delete", "measures": "checkin", "offer": "homework"}[tag]
    flows = dict(engine.library.flows)
    flows[flow_id] = replace(flows[flow_id], tags={k: v for k, v in flows[flow_id].tags.items() if k != tag})
    bare = Engine(Library(flows, engine.library.prompts), engine.templates)
    store = Store.open(sqlite_url)
    try:
        with pytest.raises(MissingRole) as raised:
            Coach(bare, store, "checkin")
    finally:
        store.close()
    assert raised.value.role == ("delete" if tag == "role" else tag)
    assert str(raised.value).startswith("No flow plays the part")


# ---------------------------------------------------------------------------- the exercises' commands


def _onboarded(store: Store, chat: ChatKey, unsafe: bool = False) -> None:
    with store.chat(chat, NOW) as tx:
        tx.record_entry("onboarding", "done", "onboarding", {"lean": "away", "unsafe": unsafe})
        if unsafe:
            tx.note_violence(True)


def _press(coach: Coach, chat: ChatKey, replies: list[Reply], choice: str) -> list[Reply]:
    question = ask(replies)
    assert choice in {b.id for b in question.buttons}, (question.step_id, [b.id for b in question.buttons])
    return coach.handle(Incoming(chat, Choice(choice, question.step_id, question.seq)))


def _take_the_break(coach: Coach, chat: ChatKey, replies: list[Reply]) -> list[Reply]:
    for choice in ("ok", "m20", "will-tell", "walk", "ok"):
        replies = _press(coach, chat, replies, choice)
    return replies


def test_break_at_the_fourth_question_of_a_check_in_comes_now_and_then_back(coach: Coach, store: Store) -> None:
    _onboarded(store, CHAT)
    replies = coach.handle(Incoming(CHAT, Command("checkin")))
    replies = _press(coach, CHAT, replies, "away")
    replies = coach.handle(Incoming(CHAT, Text("7/10")))
    replies = _press(coach, CHAT, replies, "chest")
    assert ask(replies).step_id == "trigger"  # the fourth question
    replies = coach.handle(Incoming(CHAT, Command("break")))
    state = coach.peek(CHAT)
    assert state is not None and (state.flow_id, state.step_id) == ("break", "welcome")
    assert "Take a break" in " ".join(r.text for r in replies)
    replies = _take_the_break(coach, CHAT, replies)
    state = coach.peek(CHAT)
    assert state is not None and (state.flow_id, state.step_id) == ("checkin", "trigger")
    assert state.vars["urge"] == "away" and state.vars["body"] == "a tight chest"  # answers kept
    assert ask(replies).expects == "text"
    with store.chat(CHAT, NOW) as tx:
        assert [f.target_flow for f in tx.pending_followups() if f.target_flow == "checkin"] == ["checkin"]


def test_break_with_nothing_open_starts_the_break(coach: Coach, store: Store) -> None:
    _onboarded(store, CHAT)
    coach.handle(Incoming(CHAT, Command("break")))
    state = coach.peek(CHAT)
    assert state is not None and (state.flow_id, state.step_id) == ("break", "welcome")


def test_too_flooded_on_the_check_ins_first_screen_goes_straight_to_the_break(coach: Coach, store: Store) -> None:
    _onboarded(store, CHAT)
    replies = coach.handle(Incoming(CHAT, Command("checkin")))
    first = ask(replies)
    flooded = next(b for b in first.buttons if b.id == "flooded-now")
    assert flooded.label == "I'm too flooded to think" and len(flooded.label) <= 24
    replies = _press(coach, CHAT, replies, "flooded-now")  # the second tap
    state = coach.peek(CHAT)
    assert state is not None and (state.flow_id, state.step_id) == ("break", "welcome")
    replies = _take_the_break(coach, CHAT, replies)
    said = "\n".join(r.text for r in replies)
    assert coach.peek(CHAT) is None  # the break is the visit: no questions after it
    assert said.count("check in with you") == 1 and "nothing more to answer" in said


@pytest.mark.parametrize(
    ("name", "flow", "step"),
    [("map", "reflect", "trigger"), ("startup", "softened-startup", "welcome"), ("pattern", "demon-dialogues", "pick")],
)
def test_each_exercise_is_one_command_away(coach: Coach, store: Store, name: str, flow: str, step: str) -> None:
    _onboarded(store, CHAT)
    replies = coach.handle(Incoming(CHAT, Command(name)))
    state = coach.peek(CHAT)
    assert state is not None and (state.flow_id, state.step_id) == (flow, step)
    assert ask(replies).step_id == step
    assert coach.roles[name] == flow  # found by its role tag, not named in the code


def test_an_exercise_command_mid_check_in_says_the_check_in_was_left(coach: Coach, store: Store) -> None:
    _onboarded(store, CHAT)
    replies = coach.handle(Incoming(CHAT, Command("checkin")))
    _press(coach, CHAT, replies, "toward")
    replies = coach.handle(Incoming(CHAT, Command("map")))
    state = coach.peek(CHAT)
    assert state is not None and state.flow_id == "reflect" and not state.stack
    assert "Check-in" in replies[0].text  # the "switched" note names what was left


@pytest.mark.parametrize("name", ["startup", "pattern"])
def test_startup_and_pattern_give_violence_support_to_someone_not_safe(coach: Coach, store: Store, name: str) -> None:
    _onboarded(store, CHAT, unsafe=True)
    replies = coach.handle(Incoming(CHAT, Command(name)))
    state = coach.peek(CHAT)
    assert state is not None and state.flow_id == "violence-support"
    words = " ".join(r.text for r in replies)
    assert "Softened start-up" not in words and "Name the pattern" not in words


def test_break_over_a_session_keeps_the_gating(coach: Coach, store: Store) -> None:
    _onboarded(store, CHAT, unsafe=True)
    replies = coach.handle(Incoming(CHAT, Command("checkin")))
    replies = coach.handle(Incoming(CHAT, Command("break")))
    for choice in ("ok", "m20"):
        replies = _press(coach, CHAT, replies, choice)
    assert ask(replies).step_id == "soothe"  # no "tell your partner" for someone not safe
