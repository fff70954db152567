"""One week of real use, through the real coach on SQLite and PostgreSQL, and every view of it
saying the same numbers: /progress (its words and its chart), the weekly review, the export
(the letter and the JSON) and what the therapist the person shares with sees.

The week (Sam, with a daily check-in as homework from Ana, answers shared):
- Tuesday evening: the link's "Start now": a check-in at 7, toward, then Set it free, done.
- Wednesday: the reminder's check-in, at 4, restarted before its offer and left.
- Thursday: the reminder's check-in at 9: the break first (done), then Turn toward (done).
- Friday: a check-in at 6 that reaches its offer; in Turn toward Sam writes that he shoved
  her: crisis support, then violence support instead of Turn toward, which never finishes.
- Saturday: a check-in at 5, stopped with /stop before its offer.
So: 3 check-ins (7, 9, 6: average 7.3; 2 toward, 1 away; one at 8 or more), 3 exercises done
(Set it free, Take a break, Turn toward), 3 of 7 homework check-ins done.
"""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.app import build_coach
from bot.coach import Coach
from bot.config import PROJECT_ROOT, Settings
from bot.contract import Incoming
from bot.engine.state import Attachment, Choice, Command, Reply, Text
from bot.features.chart import progress_png
from bot.features.counts import Measure, count_all
from bot.features.progress import Progress, Week
from bot.storage import ChatKey, Store
from bot.storage import therapy as rows
from bot.transports.terminal import plain, save_attachments

MONDAY = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
ANA, SAM = ChatKey("terminal", "ana"), ChatKey("terminal", "sam")


@dataclass
class Week_:
    coach: Coach
    clock: list[datetime]
    shown: dict[ChatKey, list[Reply]] = field(default_factory=dict)
    update: int = 0

    def send(self, chat: ChatKey, event: Command | Choice | Text) -> str:
        self.update += 1
        replies = self.coach.handle(Incoming(chat, event, self.update))
        self.shown[chat] = replies
        return " ".join(plain(r.text) for r in replies)

    def say(self, chat: ChatKey, *lines: str) -> str:
        said = ""
        for line in lines:
            if line.startswith("/"):
                name, _, argument = line[1:].partition(" ")
                said = self.send(chat, Command(name, argument))
            else:
                said = self.send(chat, Text(line))
        return said

    def press(self, chat: ChatKey, label: str) -> str:
        reply = next(r for r in reversed(self.shown[chat]) if any(b.label == label for b in r.buttons))
        button = next(b for b in reply.buttons if b.label == label)
        return self.send(chat, Choice(button.id, reply.step_id, reply.seq))

    def at(self, day: int, hour: int, minute: int = 0) -> None:
        self.clock[0] = MONDAY.replace(hour=hour, minute=minute) + timedelta(days=day)

    def reminder(self) -> None:
        """The homework's reminder for today arrives, as the follow-up loop sends it."""
        due = [d for d in self.coach.due_followups() if d.kind == "homework"]
        assert due, "no homework reminder due"
        handled = self.coach.follow_up(due[0])
        assert handled is not None
        self.shown[SAM] = self.coach.shown(handled)

    def files(self) -> tuple[str, dict[str, object]]:
        [reply] = self.coach.handle(Incoming(SAM, Command("export")))
        letter = next(a for a in reply.attachments if a.filename.endswith(".md")).content.decode()
        data = json.loads(next(a for a in reply.attachments if a.filename.endswith(".json")).content)
        return letter, data


@pytest.fixture
def week(db_url: str) -> Iterator[Week_]:
    settings = Settings.load(environ={"HEDGEHOG_DATABASE_URL": db_url}, dotenv=Path("/nonexistent"))
    built = build_coach(settings)
    clock = [MONDAY]
    coach = Coach(built.engine, built.store, "checkin", clock=lambda: clock[0])
    rows.add_therapist(coach.store, ANA, "Ana Ruiz", MONDAY)
    with coach.transaction(SAM) as tx:
        tx.record_entry("onboarding", "done", "onboarding", {"lean": "toward", "unsafe": False})
    try:
        yield Week_(coach, clock)
    finally:
        coach.store.close()


def live_the_week(w: Week_) -> None:
    # Monday: Ana gives Sam a daily check-in for a week, answers shared.
    w.say(ANA, "/assign")
    for label in ("Check-in", "Every day", "1 week"):
        w.press(ANA, label)
    w.say(ANA, "/skip", "Sam")
    w.press(ANA, "Yes, tell me")
    found = re.search(r"/start (\S+)", w.press(ANA, "Create the link"))
    assert found is not None
    # Tuesday evening: the link, "Start now", a check-in at 7 and Set it free to its end.
    w.at(1, 19, 40)
    w.say(SAM, f"/start {found.group(1)}")
    w.press(SAM, "That and my answers")
    w.press(SAM, "Start now")
    w.say(
        SAM,
        "Toward them",
        "7",
        "Tight chest",
        "He went silent after our fight and hasn't answered my texts for 3 hours.",
    )
    w.say(SAM, "that he's done with me", "Scared", "Set it free", "I want to text him like 10 times")
    w.say(SAM, "OK", "Use this one", "Slow breathing", "Done", "Something I enjoy", "1 hour", "I'll try")
    assert w.coach.peek(SAM) is None
    # Wednesday: the reminder's check-in at 4, restarted before its offer and left there.
    w.at(2, 19, 0)
    w.reminder()
    w.say(SAM, "Away from them", "4", "/restart")
    # Thursday night: the reminder's check-in at 9: the break, which is the whole visit;
    w.at(3, 21, 15)
    w.reminder()
    w.say(SAM, "Toward them", "9", "OK, let's pause", "20 minutes", "I can't say it now")
    w.say(SAM, "Slow breathing", "I've done a few", "Done", "I'll try")
    w.say(SAM, "/stop")  # what /restart left open underneath
    assert w.coach.peek(SAM) is None
    # Friday: a check-in at 6 that reaches its offer; Turn toward is replaced by violence support.
    w.at(4, 18, 30)
    w.reminder()
    w.say(SAM, "Away from them", "6", "/skip", "he stopped talking to me again", "/skip", "/skip")
    w.say(SAM, "Turn toward", "Yes, I feel safe", "Share one sentence")
    crisis = w.say(SAM, "honestly he shoved me into the wall last night and I'm scared of him")
    assert "someone may be hurting, threatening or frightening you" in crisis
    w.say(SAM, "I'm safe for now", "Carry on where I was", "No, thank you")
    assert "Ideas for staying safe" in {b.label for r in w.shown[SAM] for b in r.buttons}  # violence support
    w.say(SAM, "OK")
    assert w.coach.peek(SAM) is None
    # Saturday morning: a check-in at 5, stopped before its offer.
    w.at(5, 10, 5)
    w.reminder()
    w.say(SAM, "Toward them", "5", "Tight chest", "/stop")
    w.at(6, 19, 0)  # Sunday evening


def test_every_view_of_one_week_says_the_same_numbers(week: Week_) -> None:
    live_the_week(week)

    # /progress: the words, and the chart beside them.
    [progress, *_] = week.coach.handle(Incoming(SAM, Command("progress")))
    said = plain(progress.text)
    assert "3 check-ins so far. Which way the pull went: toward them 2, away from them 1." in said
    assert "• 23 Nov: 3, 7.3" in said
    assert "Exercises done to the end: Set it free (1), Take a break (1)." in said
    [chart] = progress.attachments
    drawn = Progress(3, [("Toward them", 2), ("Away from them", 1)], [Week("23 Nov", 3, 7.3)])
    assert chart.content == progress_png(drawn)  # one bar of 3, the pull at 7.3, 2 toward and 1 away

    # The weekly review (/review; the Sunday one is the same flow).
    review = week.say(SAM, "/review")
    assert "3 check-ins: 2 toward them, 1 away from them." in review
    assert "The pull averaged 7.3 out of 10; 1 time it was 8 or more." in review
    assert "You practised: Set it free (1), Take a break (1)." in review
    week.say(SAM, "/stop")

    # The therapist Sam shares with.
    assert "Check-in: due, 3 of 7 done" in week.say(ANA, "/clients")
    client = week.say(ANA, "/client Sam")
    assert "3 of 7 done (due): 24 Nov, 26 Nov, 27 Nov." in client
    assert "Intensity: 4" not in client and "Intensity: 5" not in client  # the restarted and the stopped one
    assert "shoved" not in client

    # The export: the letter and the JSON.
    letter, data = week.files()
    assert "So far: 3 check-ins; 2 exercises done to the end: Set it free (1), Take a break (1)." in (letter)
    assert "On average the pull was 7.3 out of 10 when you checked in." in letter
    assert letter.count("This check-in counts.") == 3
    assert letter.count("so it isn't counted") == 2  # Wednesday's restarted one, Saturday's stopped one
    tuesday = "You noticed a pull toward them, about 7 out of 10. This check-in counts. You finished Set it free."
    thursday = "You noticed a pull toward them, about 9 out of 10. This check-in counts. You finished Take a break."
    friday_said = "You noticed a pull away from them, about 6 out of 10. This check-in counts."
    for day, sentence in (
        ("Tuesday 24 November", tuesday),
        ("Thursday 26 November", thursday),
        ("Friday 27 November", friday_said),
    ):
        assert sentence in letter.split(f"### {day}")[1].split("###")[0], day
    friday = letter.split("### Friday 27 November")[1].split("###")[0]
    assert "You finished Turn toward" not in friday  # replaced by violence support
    assert "Done on Tuesday 24 November, Thursday 26 November and Friday 27 November." in letter
    counted = data["counted"]
    assert isinstance(counted, dict)
    assert len(counted["checkins"]) == 3 and len(counted["exercises"]) == 2


def test_the_letter_is_in_plain_words_and_quotes_the_person(week: Week_) -> None:
    live_the_week(week)
    letter, data = week.files()
    assert "**Evening, 19:40: Check-in and Set it free**" in letter
    assert "- You wrote: “He went silent after our fight and hasn't answered my texts for 3 hours.”" in letter
    assert "- You chose “Use this one”: “I'm going to give us a little room for now." in letter
    assert "- You said 7 out of 10." in letter
    assert "Something you wrote spoke of being hurt or frightened by someone, so I showed you help lines." in letter
    assert "honestly he shoved me" not in letter  # crisis words are never kept
    # No variable, step or flow id, no Python values.
    for internal in (
        "True", "False", "None", "null", "break_len", "break len", "trigger asked", "unsafe:", "intensity", "urge",
        "turn-toward", "set-it-free", "checkin", "offer-toward", "words-share", "homework-offer", "hw_", "wk_",
    ):  # fmt: skip
        assert internal not in letter, internal
    # The JSON stays for machines, and says what its fields are.
    fields = data["fields"]
    assert isinstance(fields, dict)
    assert {key for key in data if key not in ("about", "fields")} <= set(fields)


def test_export_files_are_private_from_the_moment_they_exist(tmp_path: Path) -> None:
    reply = Reply(
        text="Here you are.",
        attachments=(
            Attachment("hedgehog-export-2026-11-29.json", b"{}", "application/json"),
            Attachment("hedgehog-export-2026-11-29.md", b"# Hi", "text/markdown"),
            Attachment("progress.png", b"\x89PNG", "image/png"),
        ),
    )
    old = os.umask(0)  # even with nothing masked, the files are the owner's alone
    try:
        first = save_attachments(reply, tmp_path / "data" / "exports")
        again = save_attachments(reply, tmp_path / "data" / "exports")
    finally:
        os.umask(old)
    folder = tmp_path / "data" / "exports"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert [p.name for p in first] == ["hedgehog-export-2026-11-29.json", "hedgehog-export-2026-11-29.md"]
    assert [p.name for p in again] == ["hedgehog-export-2026-11-29-1.json", "hedgehog-export-2026-11-29-1.md"]
    for path in (*first, *again):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert first[1].read_bytes() == b"# Hi"  # never overwritten
    named = tmp_path / "shared"
    named.mkdir(mode=0o755)
    os.chmod(named, 0o755)
    [json_file, _] = save_attachments(reply, named, private=False)  # a folder someone named: used as it is
    assert stat.S_IMODE(named.stat().st_mode) == 0o755 and stat.S_IMODE(json_file.stat().st_mode) == 0o600


def test_hedgehog_chat_saves_the_export_in_the_data_folder_and_says_where(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HEDGEHOG_", "TELEGRAM_"))}
    env["HEDGEHOG_DATA_DIR"] = str(tmp_path / "data")
    work = tmp_path / "somewhere"
    work.mkdir()
    answers = "Sounds good\nYes, I'm 18 or older\nI agree\nNo, I feel safe\nSomewhere else\nNot sure yet\n"
    result = subprocess.run(
        [sys.executable, "-m", "bot", "chat", "--as", "robin"],
        input=answers + "/export\n",
        capture_output=True,
        text=True,
        env=env,
        cwd=work,
        timeout=120,
        check=False,
        umask=0o022,
    )
    assert result.returncode == 0, result.stderr
    saved = re.findall(r"saved: (\S+) \(only you can open it\)", result.stdout)
    assert len(saved) == 2, result.stdout
    folder = tmp_path / "data" / "exports"
    for name in saved:
        path = Path(name)
        assert path.parent == folder and path.exists()
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert list(work.iterdir()) == []  # nothing in the folder it was run from
    letter = next(Path(n) for n in saved if n.endswith(".md")).read_text()
    assert "Nothing counted yet." in letter and "You chose “Somewhere else”." in letter
    named = tmp_path / "mine"
    again = subprocess.run(
        [sys.executable, "-m", "bot", "chat", "--as", "robin", "--exports", str(named)],
        input="/export\n",
        capture_output=True,
        text=True,
        env=env,
        cwd=PROJECT_ROOT,
        timeout=120,
        check=False,
    )
    assert again.returncode == 0, again.stderr
    assert f"saved: {named / 'hedgehog-export-'}" in again.stdout


def test_what_was_done_before_counts_is_counted_after_the_upgrade(db_url: str) -> None:
    """Journal rows as the bot wrote them before counts were recorded (a finished check-in
    at 7 with Turn toward, one left after its first answers, a break of its own) come out of
    the upgrade counted as the bot counts now; running it again adds nothing."""
    store = Store.open(db_url)
    at = MONDAY + timedelta(days=1)
    try:
        with store.chat(SAM, at) as tx:
            chat_id = tx.chat_id
        with store.engine.begin() as connection:
            session = sa.table("session", *(sa.column(c) for c in SESSION_COLUMNS))
            journal = sa.table("journal", *(sa.column(c) for c in JOURNAL_COLUMNS))
            ids = []
            for minute, status in ((0, "completed"), (30, "stopped"), (50, "completed")):
                started = at + timedelta(minutes=minute)
                inserted = connection.execute(
                    sa.insert(session)
                    .values(chat_id=chat_id, flow_id="checkin", flow_version=2, step_id="close", vars="{}")
                    .values(stack="[]", seq=9, status=status, started_at=started, updated_at=started)
                    .returning(sa.column("id"))
                )
                ids.append(inserted.scalar_one())

            def row(
                session_id: int | None, minute: int, flow: str, step: str, kind: str, name: str, value: str
            ) -> None:
                connection.execute(
                    sa.insert(journal).values(
                        chat_id=chat_id, session_id=session_id, flow_id=flow, step_id=step, kind=kind, name=name,
                        value=value, created_at=(at + timedelta(minutes=minute)).replace(tzinfo=None)
                        if connection.dialect.name == "sqlite" else at + timedelta(minutes=minute),
                    )
                )  # fmt: skip

            row(ids[0], 1, "checkin", "urge", "answer", "urge", '"toward"')
            row(ids[0], 2, "checkin", "intensity", "answer", "intensity", "7")
            row(None, 9, "turn-toward", "done", "homework", "turn-toward", "true")
            row(None, 9, "checkin", "close", "entry", "cycle", '{"urge": "toward", "intensity": 7}')
            row(ids[1], 31, "checkin", "urge", "answer", "urge", '"away"')  # left after two answers
            row(ids[1], 32, "checkin", "intensity", "answer", "intensity", "4")
            row(None, 55, "break", "done", "homework", "break", "true")
            connection.execute(sa.text("UPDATE alembic_version SET version_num = '0009_homework_runs'"))
    finally:
        store.close()
    measure = [Measure("checkin", "intensity", "urge")]
    for _ in range(2):  # upgraded, then the same again: nothing more
        store = Store.open(db_url)
        try:
            with store.chat(SAM, at) as tx:
                counts = count_all(tx.journal(), measure)
        finally:
            store.close()
        assert [(c.intensity, c.pull) for c in counts.checkins] == [(7, "toward")]
        assert counts.by_exercise == {"turn-toward": 1, "break": 1}
        again = Store.open(db_url)
        try:
            with again.engine.begin() as connection:
                connection.execute(sa.text("UPDATE alembic_version SET version_num = '0009_homework_runs'"))
        finally:
            again.close()


SESSION_COLUMNS = ("id", "chat_id", "flow_id", "flow_version", "step_id", "vars", "stack", "seq", "status")
SESSION_COLUMNS += ("started_at", "updated_at")
JOURNAL_COLUMNS = ("chat_id", "session_id", "flow_id", "step_id", "kind", "name", "value", "created_at")
