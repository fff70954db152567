"""The commands the coach answers itself, one small function each, in one table.

`COMMANDS` maps a command's name to its function; a function gets the `Asked` (this turn,
the session, the command, the helpers) and returns what was `Handled`. Therapist and
client commands (`/assign`, `/clients`, `/client`, `/unassign`, `/therapist`, `/sharing`,
`/start TOKEN`) go to the practice. A name not in the table is answered as unknown, with
the question the person is on asked again.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import timedelta

from bot.coach import followups
from bot.coach.effects import Parts
from bot.coach.practice import CLIENT_COMMANDS, THERAPIST_COMMANDS
from bot.coach.turn import Turn
from bot.contract import FOLLOWUP_BUTTON, RESTART_BUTTON, Handled, service_button
from bot.dialogue import answers
from bot.engine.state import Attachment, Button, Choice, Command, Reply, SessionState
from bot.features.chart import progress_png
from bot.features.export import Letter, export_files
from bot.features.progress import summarize
from bot.features.schedule import known_zone, zone
from bot.storage import FollowUpRow
from bot.storage.therapy import therapist_of

# The session remembers, by its seq, that /restart's "start it again?" is open.
RESTART_ASKED_VAR = "@restart"
# ...and that the list /reminders shows is open over it.
REMINDERS_ASKED_VAR = "@reminders"
_CANCEL_TYPED = re.compile(r"(?:cancel|stop|remove|delete|drop) (?:number |no |the )?(\d{1,3})(?: one| please)*")
_KEEP_TYPED = frozenset({"keep them all", "keep them", "keep all", "keep them please", "keep all of them"})

# /hide: Telegram lets a bot delete messages of a private chat for 48 hours; a margin.
HIDE_WINDOW = timedelta(hours=47)


@dataclass(frozen=True, slots=True)
class Asked:
    """One command, as its function gets it."""

    turn: Turn
    state: SessionState | None
    event: Command
    parts: Parts
    default_flow: str


CommandFunction = Callable[[Asked], Handled]
COMMANDS: dict[str, CommandFunction] = {}


def command(*names: str) -> Callable[[CommandFunction], CommandFunction]:
    def register(function: CommandFunction) -> CommandFunction:
        for name in names:
            COMMANDS[name] = function
        return function

    return register


def answer(asked: Asked) -> Handled:
    """Run the command's function (or say it is unknown)."""
    return COMMANDS.get(asked.event.name, unknown)(asked)


def unknown(c: Asked) -> Handled:
    suggested = likely_command(c.event.name)
    if suggested is not None:
        # "/brake": "Did you mean /break?", a question on top of whatever is open (yes runs it).
        typed: dict[str, object] = {"typed": c.event.name[:MAX_TYPED], "suggested": suggested}
        return _interrupt(c, "did-you-mean", typed, "did-you-mean")
    return Handled([c.turn.say("unknown_command", name=c.event.name), *c.turn.show(c.state)], "unknown-command")


MAX_TYPED = 40  # characters of a mistyped command said back


def likely_command(typed: str) -> str | None:
    """The command a mistyped name most likely was: the one nearest by letters typed wrong,
    left out, added or swapped ("brake" -> "break", "chekin" -> "checkin", "reminder" ->
    "reminders"), or the one it begins ("prog" -> "progress"); None when nothing is near or
    two are equally near."""
    name = typed.casefold()[:MAX_TYPED]
    known = sorted(COMMANDS)
    if len(name) < 2 or name in COMMANDS:
        return None
    allowed = 1 if len(name) <= 4 else 2
    near = sorted((_distance(name, k), k) for k in known)
    near = [(d, k) for d, k in near if d <= allowed]
    if near and (len(near) == 1 or near[0][0] < near[1][0]):
        return near[0][1]
    if not near and len(name) >= 3:
        starting = [k for k in known if k.startswith(name)]
        if len(starting) == 1:
            return starting[0]
    return None


def _distance(a: str, b: str) -> int:
    """Edits from `a` to `b`: a letter changed, left out, added, or two neighbours swapped."""
    rows = [list(range(len(b) + 1))]
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            row[j] = min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], rows[-2][j - 2] + 1)
        rows.append(row)
    return rows[-1][-1]


def _interrupt(c: Asked, role: str, variables: dict[str, object] | None, outcome: str) -> Handled:
    """Run the flow playing `role` on top of the session (which resumes when it ends)."""
    redirect = c.parts.safety.redirect(c.turn.tx)  # gated flows stay gated when they interrupt
    result = c.turn.engine.interrupt(c.state, c.turn.roles[role], variables, redirect=redirect)
    c.turn.save(c.state, result)
    return Handled(result.replies, outcome)


# ---------------------------------------------------------------------------- safety first


@command("sos")
def sos(c: Asked) -> Handled:
    return Handled([c.parts.safety.sos(c.turn), *c.turn.show(c.state)], "sos")


@command("plan")
def plan(c: Asked) -> Handled:
    flow_id = c.turn.roles["safety-plan"]
    return _interrupt(c, "safety-plan", c.parts.safety.facts(c.turn, flow_id, c.turn.locale), "plan")


@command("safety")
def safety(c: Asked) -> Handled:
    return _interrupt(c, "safety-review", {"violence_noted": c.turn.tx.violence_noted}, "safety-review")


# ---------------------------------------------------------------------------- the conversation


@command("help")
def help_(c: Asked) -> Handled:
    return Handled(
        [c.turn.say("help", active=c.state is not None, therapist=therapist_of(c.turn.tx) is not None)], "help"
    )


@command("start", "resume")
def start(c: Asked) -> Handled:
    turn, state = c.turn, c.state
    if c.event.name == "start" and c.event.argument:
        return c.parts.practice.command(turn, state, c.event)  # a homework link
    if state is None:
        if c.event.name == "resume":
            return Handled([turn.say("no_session", kind="resume")], "no-session")
        welcome = c.parts.practice.welcome(turn.tx)
        if welcome is not None:
            return Handled([welcome], "therapist", role_changed="therapist")
        return Handled(turn.begin(None, c.default_flow), "started")
    result = turn.engine.show(state)
    turn.save(state, result)
    title = turn.engine.flow(result.state.flow_id).title
    return Handled([turn.say("welcome_back", title=title), *result.replies], "resumed")


def _start(c: Asked, role: str) -> Handled:
    """Start the flow playing `role`, closing what is open (its answers stay saved)."""
    return Handled(c.turn.begin(c.state, c.turn.roles[role]), "started")


@command("checkin")
def checkin(c: Asked) -> Handled:
    return _start(c, "checkin")


@command("review")
def review(c: Asked) -> Handled:
    return _start(c, "weekly-review")


@command("restart")
def restart(c: Asked) -> Handled:
    """Ask first: the exercise the person is in (the innermost flow) starts again, its
    answers cleared; a check-in around it stays as it is."""
    turn, state = c.turn, c.state
    if state is None:
        return Handled(turn.begin(None, c.default_flow, quiet=True), "restarted")
    engine = turn.engine
    text = turn.say(
        "restart_asked",
        title=engine.flow(state.flow_id).title,
        around=engine.flow(state.stack[0].flow_id).title if state.stack else "",
    ).text
    buttons = (Button("yes", "Yes, start again"), Button("keep", "Keep going"))
    asked = Reply(text=text, buttons=buttons, expects="choice", step_id=f"{RESTART_BUTTON}{state.seq}", seq=0)
    # Remembered with the session, so a typed "yes" or "no" answers this question, not the one
    # underneath (on any transport, in any process); the next event forgets it.
    turn.tx.save_session(replace(state, vars={**state.vars, RESTART_ASKED_VAR: state.seq}))
    return Handled([asked], "restart-asked")


def typed_at_restart(c: Asked, text: str) -> Handled | None:
    """Typed words while "Start it again?" is open: yes or no (in their everyday forms, or a
    button's label) answer it; anything else is for the question underneath (None)."""
    state = c.state
    if state is None:
        return None
    said = answers.polarity(text)
    folded = answers.fold(text)
    if said == "yes" or folded in ("yes start again", "start again", "restart"):
        return _restart_pressed(c, state.seq, "yes")
    if said == "no" or folded in ("keep going", "keep", "carry on"):
        return _restart_pressed(c, state.seq, "keep")
    return None


def _restart_pressed(c: Asked, seq: int, choice: str) -> Handled:
    turn, state = c.turn, c.state
    if state is None or state.seq != seq:  # an older question, or the session moved on since
        return Handled([turn.say("no_session", kind="button"), *turn.show(state)], "stale")
    if choice != "yes":
        return Handled([turn.say("restart_kept"), *turn.show(state)], "restart-kept")
    if not state.stack:  # the check-in (or exercise) itself: afresh, as a new visit
        return Handled(turn.begin(state, state.flow_id, quiet=True), "restarted")
    result = turn.engine.restart(state, redirect=c.parts.safety.redirect(turn.tx))
    extra = turn.save(state, result)
    return Handled([*result.replies, *extra], "restarted", moved=True)


@command("stop")
def stop(c: Asked) -> Handled:
    """End the session; cancel only what it planned (this visit's follow-ups), saying what."""
    turn, state = c.turn, c.state
    session = turn.tx.session_id
    rows = turn.tx.cancel_session_followups(session) if state is not None and session is not None else []
    cancelled = followups.described(turn, rows)
    others = len(followups.own_pending(turn))
    if state is None:
        return Handled([turn.say("no_session", kind="stop", others=others)], "no-session")
    turn.tx.end_session("stopped")
    title = turn.engine.flow(state.flow_id).title
    return Handled([turn.say("stopped", title=title, cancelled=cancelled, others=others)], "stopped")


@command("reminders")
def reminders(c: Asked) -> Handled:
    """What is planned, each with a way to cancel it; nothing planned: the settings."""
    pending = followups.own_pending(c.turn)
    if not pending:
        return _settings(c)
    if c.state is not None:  # a typed "cancel 2" or "keep them all" answers the list, not the question under it
        c.turn.tx.save_session(replace(c.state, vars={**c.state.vars, REMINDERS_ASKED_VAR: c.state.seq}))
    return Handled([_planned(c, pending)], "reminders")


def typed_at_reminders(c: Asked, text: str, listed: bool) -> Handled | None:
    """Typed words for the list /reminders shows: "cancel 2", "keep them all", "change check-in
    times"; while the list is open over a question (`listed`), a plain no keeps them all too.
    None for anything else."""
    folded = answers.fold(text)
    pending = followups.own_pending(c.turn)
    if not pending:
        return None
    cancel = _CANCEL_TYPED.fullmatch(folded)
    if cancel is not None and 1 <= int(cancel.group(1)) <= len(pending):
        return _reminder_pressed(c, str(pending[int(cancel.group(1)) - 1].id))
    if folded in _KEEP_TYPED or (listed and ("keep" in folded.split() or answers.polarity(text) == "no")):
        return _reminder_pressed(c, "keep")
    if folded in ("change check in times", "change the times", "change times"):
        return _reminder_pressed(c, "settings")
    return None


def _settings(c: Asked) -> Handled:
    tx = c.turn.tx
    facts = {"current": tx.followups, "timezone_known": known_zone(tx.timezone)}
    return _interrupt(c, "reminders", facts, "reminders")


def _planned(c: Asked, pending: list[FollowUpRow]) -> Reply:
    """One message: every planned follow-up, numbered, a Cancel button for each, and the settings."""
    tx = c.turn.tx
    items = followups.described(c.turn, pending)
    text = c.turn.say(
        "reminders_list", items=items, current=tx.followups, known=known_zone(tx.timezone), zone=tx.timezone
    ).text
    buttons = (
        *(Button(str(item["id"]), f"Cancel {n}") for n, item in enumerate(items, start=1)),
        Button("settings", "Change check-in times"),
        Button("keep", "Keep them all"),
    )
    return Reply(text=text, buttons=buttons, expects="choice", step_id=f"{FOLLOWUP_BUTTON}0", seq=0)


def _reminder_pressed(c: Asked, choice: str) -> Handled:
    turn, state = c.turn, c.state
    if choice == "settings":
        return _settings(c)
    if choice == "keep":
        return Handled([turn.say("reminder_cancelled", kept=True), *turn.show(state)], "reminders-kept")
    row_id = int(choice) if choice.isascii() and choice.isdigit() and len(choice) <= 12 else None
    row = turn.tx.cancel_followup(row_id) if row_id is not None else None
    item = followups.described(turn, [row])[0] if row is not None else None
    said = turn.say("reminder_cancelled", item=item, kept=False)
    pending = followups.own_pending(turn)
    if pending:
        return Handled([said, _planned(c, pending)], "reminder-cancelled" if row else "stale")
    return Handled([said, *turn.show(state)], "reminder-cancelled" if row else "stale")


def pressed(c: Asked, event: Choice) -> Handled:
    """The coach's own buttons of /reminders and /restart (`bot/contract.py`); `c` is the
    turn as the command that showed them had it."""
    button = service_button(event)
    if button is None:
        return Handled([c.turn.say("no_session", kind="button"), *c.turn.show(c.state)], "stale")
    if button.prefix == RESTART_BUTTON:
        return _restart_pressed(c, button.row_id, event.choice_id)
    return _reminder_pressed(c, event.choice_id)


@command("country")
def country(c: Asked) -> Handled:
    return _interrupt(c, "country", None, "country")


# ---------------------------------------------------------------------------- the exercises


@command("break")
def break_(c: Asked) -> Handled:
    # For a flooded moment: the break comes now, on top of whatever is open, which
    # resumes at the same question when the break ends.
    return _interrupt(c, "break", None, "break")


@command("map")
def map_(c: Asked) -> Handled:
    return _start(c, "map")


@command("startup")
def startup(c: Asked) -> Handled:
    # Someone not safe with their partner gets violence support instead (the redirect).
    return _start(c, "startup")


@command("pattern")
def pattern(c: Asked) -> Handled:
    return _start(c, "pattern")


# ---------------------------------------------------------------------------- the person's data


@command("progress")
def progress(c: Asked) -> Handled:
    turn = c.turn
    roles = turn.roles
    counts = roles.count(turn.tx.journal())
    summary = summarize(counts, turn.clock(), roles.titles, roles.pull_labels, roles.tried_labels)
    where = turn.show(c.state)
    chart = progress_png(summary)
    text = turn.say("progress", progress=summary).text
    files = (Attachment("progress.png", chart, "image/png"),) if chart else ()
    return Handled([Reply(text=text, attachments=files), *where], "progress")


@command("export")
def export(c: Asked) -> Handled:
    turn, roles = c.turn, c.turn.roles
    tx = turn.tx
    data = {**tx.export(), **c.parts.practice.export(tx)}
    measure = roles.measure
    letter = Letter(
        titles=roles.titles,
        label=roles.label_of,
        scale=roles.scale_of,
        counts=roles.count(tx.journal()),
        pull_labels=roles.pull_labels,
        measure=(measure.flow_id, measure.intensity, measure.pull),
        zone=zone(tx.timezone) if tx.timezone else None,
    )
    files = export_files(data, letter, turn.clock())
    return Handled([Reply(text=turn.say("export").text, attachments=files)], "exported")


@command("delete")
def delete(c: Asked) -> Handled:
    return _interrupt(c, "delete", None, "delete-asked")


@command("hide")
def hide(c: Asked) -> Handled:
    # Quick exit: the chat's recent messages, theirs and the bot's, go from the screen (the
    # data stays: /delete is for that). Nothing is said after it.
    tx = c.turn.tx
    tx.queue_delete(tx.recent_messages(c.turn.clock() - HIDE_WINDOW), tx.update_id)
    return Handled([], "hidden")


# ---------------------------------------------------------------------------- therapists and clients


@command(*sorted(THERAPIST_COMMANDS | CLIENT_COMMANDS))
def practice(c: Asked) -> Handled:
    return c.parts.practice.command(c.turn, c.state, c.event)
