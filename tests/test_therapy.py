"""Therapists and clients through the coach (the terminal's code path), on SQLite and
PostgreSQL: who may do what, what a token is worth, what a therapist can see."""

from __future__ import annotations

import re
import string
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot import contract
from bot.app import build_coach
from bot.coach import Coach, homework
from bot.config import Settings
from bot.contract import Incoming
from bot.engine.state import Choice, Command, Reply, Text
from bot.errors import ConfigError
from bot.storage import ChatKey, Store
from bot.storage import therapy as rows
from bot.storage.models import TABLES
from bot.transports.terminal import plain

START = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
ANA, BEN, CLIENT, OTHER = (ChatKey("terminal", n) for n in ("ana", "ben", "cleo", "dev"))


class People:
    def __init__(self, coach: Coach, clock: list[datetime]) -> None:
        self.coach = coach
        self.clock = clock
        self.update = 0
        self.shown: dict[ChatKey, list[Reply]] = {}

    def send(self, chat: ChatKey, event: Command | Choice | Text) -> str:
        self.update += 1
        replies = self.coach.handle(Incoming(chat, event, self.update))
        self.shown[chat] = replies
        return " ".join(plain(r.text) for r in replies)

    def say(self, chat: ChatKey, text: str) -> str:
        if text.startswith("/"):
            name, _, argument = text[1:].partition(" ")
            return self.send(chat, Command(name, argument))
        return self.send(chat, Text(text))

    def press(self, chat: ChatKey, label: str) -> str:
        """Press the button `label` on the latest reply that offers it."""
        reply = next(r for r in reversed(self.shown[chat]) if any(b.label == label for b in r.buttons))
        button = next(b for b in reply.buttons if b.label == label)
        return self.send(chat, Choice(button.id, reply.step_id, reply.seq))

    def assign(self, therapist: ChatKey, alias: str, flow_label: str = "Take a break") -> str:
        """The whole /assign conversation; the link's token."""
        self.say(therapist, "/assign")
        self.press(therapist, flow_label)
        self.press(therapist, "Once")
        self.press(therapist, "No due date")
        self.say(therapist, "/skip")
        self.say(therapist, alias)
        self.press(therapist, "Yes, tell me")
        said = self.press(therapist, "Create the link")
        found = re.search(r"/start (\S+)", said)
        assert found, said
        return found.group(1)

    def accept(self, client: ChatKey, token: str, level: str = "That and my answers", start: str = "Later") -> str:
        said = self.say(client, f"/start {token}")
        assert "What would you like" in said, said
        self.press(client, level)
        return self.press(client, start)


@pytest.fixture
def people(db_url: str) -> Iterator[People]:
    settings = Settings.load(environ={"HEDGEHOG_DATABASE_URL": db_url}, dotenv=Path("/nonexistent"))
    built = build_coach(settings)
    clock = [START]
    coach = Coach(built.engine, built.store, "checkin", clock=lambda: clock[0])
    for chat in (ANA, BEN, CLIENT, OTHER):
        with coach.transaction(chat) as tx:
            tx.record_entry("onboarding", "done", "onboarding", {"lean": "unsure", "unsafe": False})
    rows.add_therapist(coach.store, ANA, "Ana Ruiz", START)
    rows.add_therapist(coach.store, BEN, "Ben Okafor", START)
    try:
        yield People(coach, clock)
    finally:
        coach.store.close()


def test_people_who_are_not_therapists_cannot_use_therapist_commands(people: People) -> None:
    for command in ("/assign", "/clients", "/client Sam", "/unassign"):
        assert "is for therapists" in people.say(CLIENT, command)
    said = " ".join(plain(r.text) for r in people.coach.open(CLIENT, "assign"))
    assert "is for therapists" in said  # nor by naming the flow (hedgehog chat --flow assign)
    assert people.coach.peek(CLIENT) is None
    assert "doesn't work" in people.say(CLIENT, "/therapist " + "A" * 32)


def test_an_invite_makes_a_therapist_once(people: People) -> None:
    code, code_hash = homework.new_secret()
    rows.create_invite(people.coach.store, code_hash, "Cleo Park", START, START + timedelta(days=7))
    assert "coming from Cleo Park" in people.say(CLIENT, f"/therapist {code}")
    assert "doesn't work" in people.say(OTHER, f"/therapist {code}")  # single use
    expired_code, expired_hash = homework.new_secret()
    rows.create_invite(people.coach.store, expired_hash, "Dev", START - timedelta(days=9), START - timedelta(days=2))
    assert "doesn't work" in people.say(OTHER, f"/therapist {expired_code}")
    assert "Your clients" in people.say(CLIENT, "/clients") or "haven't assigned" in people.say(CLIENT, "/clients")


def test_a_therapist_sees_only_their_own_clients(people: People) -> None:
    people.accept(CLIENT, people.assign(BEN, "Cleo B"))
    people.accept(OTHER, people.assign(ANA, "Dev A"))
    ana_sees = people.say(ANA, "/clients")
    assert "Dev A" in ana_sees and "Cleo B" not in ana_sees
    assert "no client called" in people.say(ANA, "/client Cleo B")
    # Not even by pressing a forged "end this homework" button for Ben's assignment.
    with people.coach.transaction(BEN) as tx:
        ben = rows.therapist_of(tx)
        assert ben is not None
        [bens] = rows.therapist_assignments(tx, ben.id)
    said = people.send(ANA, Choice("end", f"{contract.UNASSIGN_BUTTON}{bens.id}", 0))
    assert "is for therapists" in said
    assert "due" in people.say(BEN, "/clients")  # still running


def test_a_link_cannot_be_reused_used_late_or_guessed(people: People, monkeypatch: pytest.MonkeyPatch) -> None:
    token = people.assign(ANA, "Cleo")
    # 32 characters of the URL-safe alphabet: 192 bits from the OS's random source.
    assert len(token) == 32 and set(token) <= set(string.ascii_letters + string.digits + "-_")
    people.accept(CLIENT, token)
    assert "already been used" in people.say(OTHER, f"/start {token}")
    assert "already been used" in people.say(CLIENT, f"/start {token}")

    late = people.assign(ANA, "Dev")
    people.clock[0] += homework.LINK_LIFETIME + timedelta(minutes=1)
    assert "expired" in people.say(OTHER, f"/start {late}")

    fresh = people.assign(ANA, "Dev")
    guess = fresh[:-1] + ("A" if fresh[-1] != "A" else "B")
    assert "don't recognise" in people.say(OTHER, f"/start {guess}")

    # Only the token's hash is stored, never the token.
    with people.coach.store.engine.connect() as connection:
        dump = " ".join(str(row) for table in TABLES for row in connection.execute(sa.select(table.__table__)))  # type: ignore[attr-defined]
    assert fresh not in dump and homework.digest(fresh) in dump

    # Tokens come from `secrets`, the OS's cryptographic source.
    monkeypatch.setattr(homework.secrets, "token_urlsafe", lambda n: f"from-secrets-{n}".ljust(32, "x"))
    assert people.assign(ANA, "Eve").startswith("from-secrets-24")


def test_answers_only_with_the_answers_consent(people: People) -> None:
    token = people.assign(ANA, "Cleo", flow_label="Check-in")
    people.accept(CLIENT, token, level="Only whether I did it", start="Start now")
    people.press(CLIENT, "Away from them")
    people.say(CLIENT, "5")
    people.say(CLIENT, "my shoulders are up by my ears")
    people.say(CLIENT, "she asked about the bills")
    for _ in range(12):  # skip the rest, then stop before an exercise
        if people.coach.peek(CLIENT) is None:
            break
        labels = {b.label for b in people.shown[CLIENT][-1].buttons}
        if "Stop here for now" in labels:
            people.press(CLIENT, "Stop here for now")
        else:
            people.say(CLIENT, "/skip")
    assert people.coach.peek(CLIENT) is None
    seen = people.say(ANA, "/client Cleo")
    assert "1 of 1 done" in seen and "the bills" not in seen and "shoulders" not in seen
    assert "not their answers" in seen

    people.say(CLIENT, "/sharing")
    people.press(CLIENT, "That and my answers")
    seen = people.say(ANA, "/client Cleo")
    assert "she asked about the bills" in seen and "my shoulders are up by my ears" in seen

    people.say(CLIENT, "/sharing")
    people.press(CLIENT, "Stop sharing")
    seen = people.say(ANA, "/client Cleo")
    assert "the bills" not in seen and "1 of 1" not in seen and "stopped sharing" in seen


def test_delete_removes_the_homework_for_the_therapist_too(people: People) -> None:
    people.accept(CLIENT, people.assign(ANA, "Cleo"))
    people.say(CLIENT, "/delete")
    shown = people.shown[CLIENT][-1]
    people.press(CLIENT, next(b.label for b in shown.buttons if "rase" in b.label or "elete" in b.label))
    seen = people.say(ANA, "/client Cleo")
    assert "deleted their data" in seen
    with people.coach.store.engine.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM homework_done")).scalar_one() == 0
        assert (
            connection.execute(sa.text("SELECT count(*) FROM assignment WHERE client_chat_id IS NOT NULL")).scalar_one()
            == 0
        )


def test_unassign_ends_the_reminders(people: People) -> None:
    people.accept(CLIENT, people.assign(ANA, "Cleo"))
    with people.coach.store.engine.connect() as connection:
        pending = "SELECT count(*) FROM followup WHERE kind = 'homework' AND status = 'pending'"
        assert connection.execute(sa.text(pending)).scalar_one() == 1
    people.say(ANA, "/unassign Cleo")
    said = people.press(ANA, "End this homework")
    assert "Ended" in said
    with people.coach.store.engine.connect() as connection:
        assert connection.execute(sa.text(pending)).scalar_one() == 0
    assert "ended" in people.say(ANA, "/clients")


def test_assign_offers_exactly_the_assignable_flows(people: People) -> None:
    engine = people.coach.engine
    offered = {c.set["hw_flow"] for c in engine.flow("assign").steps["which"].choices}
    assignable = {f for f, c in engine.flows.items() if c.flow.tags.get("assignable") is True}
    assert offered == assignable
    titles = {c.set["hw_flow"]: c.set["hw_title"] for c in engine.flow("assign").steps["which"].choices}
    assert titles == {f: engine.flow(f).title for f in offered}


def _assignment(**changes: object) -> rows.AssignmentRow:
    base: dict[str, object] = dict(
        id=1,
        therapist_id=1,
        therapist_name="Ana",
        client_chat_id=2,
        alias="Cleo",
        flow_id="break",
        cadence="weekly",
        per_week=3,
        weeks=2,
        due_at=None,
        note=None,
        token_expires_at=START + timedelta(days=7),
        token_used_at=START,
        sharing="completion",
        notify=True,
        created_at=START,
        accepted_at=START,
        ended_at=None,
    )
    base.update(changes)
    return rows.AssignmentRow(**base)  # type: ignore[arg-type]


def test_cadence_counts_reminder_days_and_status() -> None:
    three_a_week = _assignment()
    assert homework.total(three_a_week) == 6
    assert [homework.reminder_day(three_a_week, k) for k in range(6)] == [1, 3, 5, 8, 10, 12]
    daily = _assignment(cadence="daily", weeks=1)
    assert homework.total(daily) == 7 and homework.reminder_day(daily, 6) == 7
    once = _assignment(cadence="once", weeks=1, due_at=START + timedelta(days=7))
    assert homework.total(once) == 1 and homework.reminder_day(once, 0) == 6  # the day before it's due
    assert homework.cadence_text(three_a_week) == "3 times a week for 2 weeks"
    assert homework.status(three_a_week, START + timedelta(days=3)) == "due"
    assert homework.status(three_a_week, START + timedelta(days=15)) == "overdue"
    done = _assignment(done=tuple(START + timedelta(days=d) for d in range(6)))
    assert homework.status(done, START + timedelta(days=15)) == "done"
    assert homework.status(_assignment(sharing="revoked"), START) == "revoked"


def test_export_includes_homework_for_the_client_and_the_therapist(people: People) -> None:
    people.accept(CLIENT, people.assign(ANA, "Cleo"))
    client_files = people.coach.handle(Incoming(CLIENT, Command("export")))[0].attachments
    therapist_files = people.coach.handle(Incoming(ANA, Command("export")))[0].attachments
    client_md = next(f for f in client_files if f.filename.endswith(".md")).content.decode()
    therapist_md = next(f for f in therapist_files if f.filename.endswith(".md")).content.decode()
    assert (
        "- Ana Ruiz gave you Take a break, once, and lists you as “Cleo”. "
        "They see whether you did it and your answers. Not done yet."
    ) in client_md
    assert "## As a therapist (Ana Ruiz)" in therapist_md and "- For “Cleo”: Take a break, once" in therapist_md


def test_a_therapist_opening_the_bot_sees_their_commands_not_onboarding(people: People) -> None:
    newcomer = ChatKey("terminal", "fay")
    said = " ".join(plain(r.text) for r in people.coach.open(newcomer))
    assert "I'm not therapy" in said  # a new person: onboarding
    code, code_hash = homework.new_secret()
    rows.create_invite(people.coach.store, code_hash, "Fay Chen", START, START + timedelta(days=7))
    assert "coming from Fay Chen" in people.say(newcomer, f"/therapist {code}")
    assert people.coach.peek(newcomer) is None  # the clients' welcome is closed
    said = " ".join(plain(r.text) for r in people.coach.open(newcomer))
    assert "/assign give a client homework" in said and people.coach.peek(newcomer) is None
    assert "/assign give a client homework" in people.say(newcomer, "/start")
    assert "which way are you pulled" in people.say(newcomer, "/checkin")  # and the coach is theirs too


def test_two_clients_given_the_same_name_stay_apart(people: People) -> None:
    people.accept(CLIENT, people.assign(ANA, "Sam"))
    people.accept(CLIENT, people.assign(ANA, "sam"))  # the same person again: the same name
    people.accept(OTHER, people.assign(ANA, "Sam"))  # someone else
    seen = people.say(ANA, "/clients")
    assert "Sam (2)" in seen and "sam" not in seen  # one entry for the first, one for the second
    assert people.say(ANA, "/client Sam").count("assigned") == 2
    assert people.say(ANA, "/client Sam (2)").count("assigned") == 1


def test_removing_a_therapist_ends_their_homework_and_its_reminders(people: People) -> None:
    people.accept(CLIENT, people.assign(ANA, "Cleo"))
    pending = sa.text("SELECT count(*) FROM followup WHERE kind = 'homework' AND status = 'pending'")
    with people.coach.store.engine.connect() as connection:
        assert connection.execute(pending).scalar_one() == 1
    assert rows.remove_therapist(people.coach.store, ANA)
    with people.coach.store.engine.connect() as connection:
        assert connection.execute(pending).scalar_one() == 0
    assert "is for therapists" in people.say(ANA, "/clients")
    assert "No therapist has given you homework" in people.say(CLIENT, "/sharing")


def test_a_homework_reminder_goes_once_with_two_processes(people: People, db_url: str) -> None:
    people.accept(CLIENT, people.assign(ANA, "Cleo"))
    people.clock[0] += timedelta(days=2)  # the reminder (10:00 the next day) is due
    other = Store.open(db_url)
    try:
        replica = Coach(people.coach.engine, other, "checkin", clock=lambda: people.clock[0])
        [due] = [d for d in people.coach.due_followups() if d.kind == "homework"]
        [seen_by_replica] = [d for d in replica.due_followups() if d.kind == "homework"]
        first, second = people.coach.follow_up(due), replica.follow_up(seen_by_replica)
        sent = [h for h in (first, second) if h is not None]
        assert len(sent) == 1 and "A gentle reminder of the homework from Ana Ruiz" in sent[0].replies[0].text
    finally:
        other.close()


def test_the_operator_sets_how_long_links_work(db_url: str) -> None:
    settings = Settings.load(
        environ={"HEDGEHOG_DATABASE_URL": db_url, "HEDGEHOG_HOMEWORK_LINK_DAYS": "2"}, dotenv=Path("/nonexistent")
    )
    built = build_coach(settings)
    clock = [START]
    built.clock = lambda: clock[0]
    try:
        rows.add_therapist(built.store, ANA, "Ana Ruiz", START)
        people = People(built, clock)
        token = people.assign(ANA, "Cleo")
        clock[0] += timedelta(days=2, minutes=1)
        assert "expired" in people.say(CLIENT, f"/start {token}")
    finally:
        built.store.close()
    with pytest.raises(ConfigError, match="HEDGEHOG_HOMEWORK_LINK_DAYS"):
        Settings.load(environ={"HEDGEHOG_HOMEWORK_LINK_DAYS": "forever"}, dotenv=Path("/nonexistent"))


def _take_the_break(people: People, how_long: str, soothe: str) -> None:
    people.press(CLIENT, "OK, let's pause")
    people.press(CLIENT, how_long)
    people.press(CLIENT, "They know already")
    people.press(CLIENT, soothe)
    if soothe == "Slow breathing":
        people.press(CLIENT, "I've done a few")
        people.press(CLIENT, "Done")
    people.press(CLIENT, "I'll try")


def _flooded_check_in(people: People, body: str) -> None:
    """A check-in of the person's own at intensity 9: it calls the break."""
    people.say(CLIENT, "/checkin")
    people.press(CLIENT, "Away from them")
    people.say(CLIENT, body)
    people.say(CLIENT, "9")
    _take_the_break(people, "1 hour", "A short walk")
    people.say(CLIENT, "/stop")


def _pending_reminders(people: People) -> int:
    with people.coach.store.engine.connect() as connection:
        return int(
            connection.execute(
                sa.text("SELECT count(*) FROM followup WHERE kind = 'homework' AND status = 'pending'")
            ).scalar_one()
        )


def test_only_the_assigned_run_counts_and_shows_and_the_total_closes_it(people: People) -> None:
    """Assigned the break once: done from the link, then two check-ins of their own at 9
    that call the break. The therapist sees 1 of 1, done, and only that run's answers."""
    people.accept(CLIENT, people.assign(ANA, "Cleo"), start="Start now")
    _take_the_break(people, "20 minutes", "Slow breathing")
    assert "1 of 1 done (done)" in people.say(ANA, "/client Cleo")
    assert _pending_reminders(people) == 0  # complete: no more reminders

    _flooded_check_in(people, "My chest is SO tight right now 😣")
    _flooded_check_in(people, "jaw clenched, hands shaking")
    seen = people.say(ANA, "/client Cleo")
    assert "1 of 1 done (done)" in seen and "3 of 1" not in seen and "2 of 1" not in seen
    assert "How long: 20 minutes" in seen and "Soothe: Slow breathing" in seen  # labels, not ids
    assert "slow breathing" not in seen  # the label pressed, not the value it stored
    assert "1 hour" not in seen and "A short walk" not in seen and "chest" not in seen
    assert "done, 1 of 1 done" in people.say(ANA, "/clients")
    assert "Cleo" not in people.say(ANA, "/unassign")  # nothing left open to end


def test_a_break_called_by_a_check_in_is_not_the_assigned_break_but_a_reminder_run_is(people: People) -> None:
    people.accept(CLIENT, people.assign(ANA, "Cleo"))  # "Later"
    assert _pending_reminders(people) == 1
    _flooded_check_in(people, "i cant breathe properly, we had a huge fight")
    assert "0 of 1 done" in people.say(ANA, "/client Cleo")
    assert _pending_reminders(people) == 1  # still waiting for the homework itself

    people.clock[0] += timedelta(days=2)
    [due] = [d for d in people.coach.due_followups() if d.kind == "homework"]
    handled = people.coach.follow_up(due)
    assert handled is not None
    people.shown[CLIENT] = people.coach.shown(handled)  # shown, and so marked sent, as a transport does
    _take_the_break(people, "30 minutes", "A short walk")
    seen = people.say(ANA, "/client Cleo")
    assert "1 of 1 done (done)" in seen
    assert "How long: 30 minutes" in seen and "huge fight" not in seen and "1 hour" not in seen
    assert _pending_reminders(people) == 0


def test_a_nul_or_control_character_in_an_alias_or_note_is_dropped_not_an_error(people: People) -> None:
    """On PostgreSQL a NUL in text is a DataError that would fail the update every time it
    is redelivered; here it is dropped where the value is stored, on both databases."""
    people.say(ANA, "/assign")
    people.press(ANA, "Take a break")
    people.press(ANA, "Once")
    people.press(ANA, "No due date")
    people.say(ANA, "Try it\x00 after\x1b[31m dinner")
    people.say(ANA, "Sa\x00m\x07 🙂")
    people.press(ANA, "Yes, tell me")
    said = people.press(ANA, "Create the link")
    assert "/start " in said
    seen = people.say(ANA, "/clients")
    assert "Sam 🙂" in seen and "\x00" not in seen and "\x07" not in seen
    with people.coach.transaction(ANA) as tx:
        ana = rows.therapist_of(tx)
        assert ana is not None
        [given] = rows.therapist_assignments(tx, ana.id)
    assert (given.alias, given.note) == ("Sam 🙂", "Try it after[31m dinner")
