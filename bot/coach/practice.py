"""Therapists and homework: who may assign, what a client agreed to share, when reminders go.

The rules, in one place:

- The therapist role is given by the operator (`hedgehog therapist add`, or a single-use
  invite code), never claimed.
- `/assign` is a flow (`dialogues/assign.yaml`) only a therapist can start; its `assign`
  effect creates the assignment and a link carrying a random token. Only the token's
  SHA-256 is stored; it works once, for a week.
- The client opening the link meets the `homework` flow: who, what, how often, the note,
  and a choice of what to share (completion, completion and answers, or decline).
  Nothing is shared before that choice, and every view a therapist has is computed from
  the consent as it is *now*, so revoking hides everything at once.
- Only a run started from the assignment counts: its link's "Start now" or one of its
  reminders starts the assigned flow and records that session (`started`); reaching the
  step where the flow counts there (`count`: a check-in at its offer, an exercise at its
  end, as /progress counts; `homework_done` in a flow without one) counts once, and only
  the answers of that run are shown.
  The same flow done on one's own, or called by another (a check-in at 9 calls the
  break), counts for nothing and shows nothing. When the total is reached the
  assignment closes: no more reminders, and the therapist sees it done.
- Reminders and "homework done" notices are durable follow-ups (kinds "homework" and
  "notice"), so they survive restarts and go once with several processes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.coach.homework import (
    LINK_LIFETIME,
    SHARE_LEVELS,
    cadence_text,
    digest,
    new_secret,
    plan,
    reminder_time,
    status,
    total,
)
from bot.coach.roles import Roles
from bot.coach.turn import Turn
from bot.contract import SHARE_BUTTON, UNASSIGN_BUTTON, Handled, is_service_button, service_button
from bot.engine.engine import Engine
from bot.engine.state import Assign, Button, Choice, Command, Reply, SessionState, Share
from bot.features.schedule import zone
from bot.storage import ChatTx, DueFollowUp
from bot.storage import therapy as rows
from bot.storage.therapy import AssignmentRow, LinkRefused

# The flows by role (tag `role:`): `assign` (the therapist's /assign conversation) and
# `homework-offer` (what a client meets when opening a link). Flows tagged `private: true`
# never show their answers to a therapist, even with "answers" consent.
THERAPIST_TAG = "audience"  # flows tagged `audience: therapist` are for therapists only

THERAPY_PROMPTS = {
    "therapist_only": "system/therapist-only.j2",
    "therapist_welcome": "system/therapist-welcome.j2",
    "invite_invalid": "system/invite-invalid.j2",
    "assign_link": "system/assign-link.j2",
    "link_invalid": "system/link-invalid.j2",
    "clients": "system/clients.j2",
    "client": "system/client.j2",
    "sharing": "system/sharing.j2",
    "sharing_item": "system/sharing-item.j2",
    "sharing_changed": "system/sharing-changed.j2",
    "homework_reminder": "system/homework-reminder.j2",
    "homework_notice": "system/homework-notice.j2",
    "unassign": "system/unassign.j2",
    "sharing_stale": "system/sharing-stale.j2",
}
THERAPIST_COMMANDS = frozenset({"assign", "clients", "client", "unassign"})
CLIENT_COMMANDS = frozenset({"sharing", "therapist"})


# ---------------------------------------------------------------------------- the service part


@dataclass(frozen=True, slots=True)
class Shown:
    """One completion's answers as a therapist sees them."""

    done_at: datetime
    answers: tuple[tuple[str, Any], ...]  # (step, the answer as the client saw it)


class Practice:
    """The therapist and client commands, effects and reminders, for the coach."""

    def __init__(self, engine: Engine, roles: Roles) -> None:
        self.engine = engine
        self.roles = roles
        self.words = {key: engine.templates.file_prompt(name) for key, name in THERAPY_PROMPTS.items()}
        self.assignable = {f: c.flow.title for f, c in engine.flows.items() if c.flow.tags.get("assignable") is True}
        self.therapist_flows = frozenset(
            f for f, c in engine.flows.items() if c.flow.tags.get(THERAPIST_TAG) == "therapist"
        )
        self.link_lifetime = LINK_LIFETIME  # HEDGEHOG_HOMEWORK_LINK_DAYS, set by `bot.app`
        # How a link is written: the terminal's; `hedgehog run` sets a t.me deep link.
        self.link: Callable[[str], str] = lambda token: f"/start {token}"

    def say(self, key: str, **context: Any) -> Reply:
        return Reply(text=self.words[key].render(context))

    def titles(self) -> dict[str, str]:
        return {f: c.flow.title for f, c in self.engine.flows.items()}

    # ------------------------------------------------------------------ commands

    def handles(self, event: Command | Choice) -> bool:
        if isinstance(event, Choice):
            return is_service_button(event)
        return event.name in THERAPIST_COMMANDS | CLIENT_COMMANDS or (event.name == "start" and bool(event.argument))

    def command(self, turn: Turn, state: SessionState | None, event: Command | Choice) -> Handled:
        tx = turn.tx
        if isinstance(event, Choice):
            return self.button(turn, state, event)
        name = event.name
        if name == "start":
            return self.open_link(turn, state, event.argument)
        if name == "therapist":
            return self.redeem(tx, state, event.argument)
        if name == "sharing":
            return self.sharing(tx)
        therapist = rows.therapist_of(tx)
        if therapist is None:
            return Handled([self.say("therapist_only", name=name)], "refused")
        if name == "assign":
            return Handled(turn.begin(state, self.roles["assign"], asked=True), "started")
        mine = rows.therapist_assignments(tx, therapist.id)
        if name == "clients":
            return Handled(
                [
                    self.say(
                        "clients",
                        clients=self.by_client(mine),
                        titles=self.titles(),
                        status=status,
                        total=total,
                        now=tx.now,
                    )
                ],
                "clients",
            )
        if name == "client":
            return self.client(tx, mine, event.argument)
        return self.unassign(mine, event.argument, tx.now)

    def welcome(self, tx: ChatTx) -> Reply | None:
        """For a therapist opening the bot with nothing open: their commands."""
        therapist = rows.therapist_of(tx)
        return self.say("therapist_welcome", name=therapist.name) if therapist else None

    def redeem(self, tx: ChatTx, state: SessionState | None, code: str) -> Handled:
        name = rows.redeem_invite(tx, digest(code)) if code.strip() else None
        if name is None:
            return Handled([self.say("invite_invalid")], "refused")
        if state is not None and state.flow_id == self.roles["onboarding"]:
            tx.end_session("stopped")  # the welcome they met first was for clients
        return Handled([self.say("therapist_welcome", name=name)], "therapist", role_changed="therapist")

    def by_client(self, assignments: Iterable[AssignmentRow]) -> dict[str, list[AssignmentRow]]:
        clients: dict[str, list[AssignmentRow]] = {}
        names: dict[str, str] = {}  # "sam" and "Sam" are one client, shown as first written
        for a in assignments:
            name = names.setdefault(a.alias.casefold(), a.alias)
            clients.setdefault(name, []).append(a)
        return clients

    def client(self, tx: ChatTx, mine: list[AssignmentRow], alias: str) -> Handled:
        wanted = " ".join(alias.split()).casefold()
        found = [a for a in mine if a.alias.casefold() == wanted]
        if not found:
            names = sorted(self.by_client(mine))
            return Handled([self.say("client", alias=alias, items=[], names=names)], "client-unknown")
        items = []
        for a in found:
            answers = []
            if a.sharing == "answers" and a.client_chat_id is not None:
                flows = frozenset(self.engine.reachable_flows(a.flow_id)) - self.roles.private
                answers = [
                    Shown(done.done_at, tuple(self.readable(done.answers)))
                    for done in rows.shared_answers(tx, a.id, flows)
                ]
            items.append((a, answers))
        return Handled(
            [
                self.say(
                    "client",
                    alias=found[0].alias,
                    items=items,
                    names=[],
                    titles=self.titles(),
                    status=status,
                    total=total,
                    cadence=cadence_text,
                    now=tx.now,
                )
            ],
            "client",
        )

    def readable(self, answers: Iterable[tuple[str, str, str, Any]]) -> Iterable[tuple[str, Any]]:
        """(step, answer) as the client saw it: the label of the button they pressed
        ("Find the bad guy"), not the value it stored ("bad-guy"); typed words as typed."""
        flows = self.engine.flows
        for flow_id, step_id, variable, value in answers:
            compiled = flows.get(flow_id)
            step = compiled.flow.steps.get(step_id) if compiled else None
            pressed = (
                next((c.label for c in step.choices if variable in c.set and c.set[variable] == value), None)
                if step is not None
                else None
            )
            yield step_id, pressed if pressed is not None else value

    def unassign(self, mine: list[AssignmentRow], alias: str, now: datetime) -> Handled:
        wanted = " ".join(alias.split()).casefold()
        open_ = [a for a in mine if a.ended_at is None and (not wanted or a.alias.casefold() == wanted)]
        titles = self.titles()
        replies = [self.say("unassign", items=open_, titles=titles, alias=alias, now=now, status=status)]
        # One message per assignment, each with its own button, so the right one is ended.
        for a in open_:
            label = f"{a.alias}: {titles.get(a.flow_id, a.flow_id)}, {cadence_text(a)}"
            replies.append(
                Reply(
                    text=_escape(label),
                    buttons=(Button("end", "End this homework"),),
                    expects="choice",
                    step_id=f"{UNASSIGN_BUTTON}{a.id}",
                    seq=0,
                )
            )
        return Handled(replies, "unassign")

    def sharing(self, tx: ChatTx) -> Handled:
        mine = [a for a in rows.client_assignments(tx) if a.sharing not in ("deleted",)]
        replies = [self.say("sharing", count=len(mine))]
        for a in mine:
            replies.append(
                Reply(
                    text=self.words["sharing_item"].render({"a": a, "titles": self.titles(), "cadence": cadence_text}),
                    buttons=(
                        Button("completion", "Only whether I did it"),
                        Button("answers", "That and my answers"),
                        Button("revoked", "Stop sharing"),
                    ),
                    # The version the choice had when shown: a press from an older message is refused.
                    expects="choice",
                    step_id=f"{SHARE_BUTTON}{a.id}",
                    seq=a.sharing_version,
                )
            )
        return Handled(replies, "sharing")

    def button(self, turn: Turn, state: SessionState | None, event: Choice) -> Handled:
        tx = turn.tx
        where = turn.show(state)
        pressed = service_button(event)
        share = pressed.row_id if pressed is not None and pressed.prefix == SHARE_BUTTON else None
        unassign = pressed.row_id if pressed is not None and pressed.prefix == UNASSIGN_BUTTON else None
        if share is not None and event.choice_id in (*SHARE_LEVELS, "revoked"):
            mine = {a.id: a for a in rows.client_assignments(tx)}
            a = mine.get(share)
            if a is None or a.sharing == "deleted":
                return Handled([self.say("sharing_changed", a=None), *where], "stale")
            if event.seq != a.sharing_version:  # an older /sharing message, or a replayed press
                return Handled([self.say("sharing_stale"), *where], "stale")
            rows.set_sharing(tx, a.id, event.choice_id)
            if event.choice_id == "revoked":
                rows.end_assignment(tx, a.id)
            elif a.ended_at is None and a.sharing not in SHARE_LEVELS:
                self.schedule_reminder(tx, rows.client_assignments(tx, open_only=True), a.id)
            return Handled(
                [
                    self.say(
                        "sharing_changed", a=a, level=event.choice_id, title=self.titles().get(a.flow_id, a.flow_id)
                    ),
                    *where,
                ],
                "sharing-changed",
            )
        if unassign is not None:
            therapist = rows.therapist_of(tx)
            mine_ = {a.id: a for a in rows.therapist_assignments(tx, therapist.id)} if therapist else {}
            a = mine_.get(unassign)
            if a is None:
                return Handled([self.say("therapist_only", name="unassign")], "refused")
            rows.end_assignment(tx, a.id)
            return Handled(
                [self.say("unassign", items=[], ended=a, titles=self.titles(), alias=a.alias), *where], "unassigned"
            )
        return Handled(where, "stale")

    # ------------------------------------------------------------------ the link

    def open_link(self, turn: Turn, state: SessionState | None, token: str) -> Handled:
        claimed = rows.claim_link(turn.tx, digest(token))
        if isinstance(claimed, LinkRefused):
            return Handled(
                [self.say("link_invalid", reason=claimed.reason), *turn.show(state)], f"link-{claimed.reason}"
            )
        return Handled(self.offer(turn, state, claimed), "homework-offered")

    def offer(self, turn: Turn, state: SessionState | None, a: AssignmentRow) -> list[Reply]:
        tx = turn.tx
        flow = self.engine.flow(a.flow_id)
        offer = self.roles.offer
        details = {
            "therapist": a.therapist_name,
            "title": flow.title,
            "summary": flow.summary,
            "cadence": cadence_text(a),
            "due": f"{a.due_at.astimezone(zone(tx.timezone)):%-d %B}" if a.due_at else None,
            "note": a.note,
            "onboarded": tx.last_event("entry", self.roles["onboarding"]) is not None,
        }
        facts = {
            offer.assignment: a.id,
            offer.flow: a.flow_id,
            **{variable: details[detail] for detail, variable in offer.details.items()},
        }
        return turn.begin(state, self.roles["homework-offer"], asked=True, variables=facts)

    # ------------------------------------------------------------------ effects

    def assign(self, tx: ChatTx, effect: Assign) -> list[Reply]:
        therapist = rows.therapist_of(tx)
        values = plan(effect.values, tx.now)
        if therapist is None or values is None or values["flow_id"] not in self.assignable:
            return [self.say("therapist_only", name="assign")]
        token, token_hash = new_secret()
        rows.create_assignment(
            tx, therapist.id, {**values, "token_hash": token_hash, "token_expires_at": tx.now + self.link_lifetime}
        )
        expires = (tx.now + self.link_lifetime).astimezone(zone(tx.timezone))
        return [
            self.say(
                "assign_link",
                link=self.link(token),
                alias=values["alias"],
                name=therapist.name,
                title=self.assignable[values["flow_id"]],
                cadence=cadence_text(values),
                expires=f"{expires:%-d %B}",
            )
        ]

    def share(self, tx: ChatTx, state: SessionState | None, effect: Share) -> None:
        assignment_id = state.vars.get(self.roles.offer.assignment) if state else None
        level = effect.level if effect.level in (*SHARE_LEVELS, "declined") else "declined"
        if not isinstance(assignment_id, int) or not rows.set_sharing(tx, assignment_id, level):
            return
        if level == "declined":
            rows.end_assignment(tx, assignment_id)
        else:
            self.schedule_reminder(tx, rows.client_assignments(tx, open_only=True), assignment_id)

    def started(self, tx: ChatTx, assignment_id: object, flow_id: str) -> None:
        """The assigned flow was just started from the assignment (a link's "Start now", a
        reminder): this run, in the session just saved, is the one that will count."""
        session_id = tx.saved_session_id
        if not isinstance(assignment_id, int) or session_id is None:
            return
        for a in rows.client_assignments(tx, open_only=True):
            if a.id == assignment_id and a.flow_id == flow_id and a.sharing in SHARE_LEVELS:
                rows.start_run(tx, a.id, session_id)

    def homework_done(self, tx: ChatTx, flow_id: str, session_id: int | None, called: bool = False) -> None:
        """A flow counts (its `count` step, or `homework_done`): it counts for the assignment
        whose run this is (started from it, in this session), never when another flow called it."""
        if called or session_id is None:
            return
        for a in rows.client_assignments(tx, open_only=True):
            if a.flow_id != flow_id or a.sharing not in SHARE_LEVELS or a.run_session_id != session_id:
                continue
            if len(a.done) >= total(a):
                continue
            rows.record_done(tx, a, session_id)
            done = len(a.done) + 1
            if done >= total(a):
                rows.end_assignment(tx, a.id)  # complete: closed, and its reminders stop
            therapist_chat = rows.therapist_chat_id(tx, a.therapist_id)
            if a.notify and therapist_chat is not None:
                rows.schedule(
                    tx,
                    chat_id=therapist_chat,
                    kind="notice",
                    assignment_id=a.id,
                    flow_id=a.flow_id,
                    due_at=tx.now,
                    dedupe_key=f"notice:{a.id}:{done}",
                )

    def schedule_reminder(self, tx: ChatTx, open_: list[AssignmentRow], assignment_id: int) -> None:
        """The next reminder of an assignment that is not done yet: one at a time, each
        keyed by its number, so it is planned and sent once."""
        a = next((x for x in open_ if x.id == assignment_id), None)
        if a is None or a.accepted_at is None:
            return
        count = total(a)
        k = len(a.done)
        while k < count and reminder_time(a, k, tx.timezone) <= tx.now:
            k += 1
        if k >= count:
            return
        rows.schedule(
            tx,
            chat_id=tx.chat_id,
            kind="homework",
            assignment_id=a.id,
            flow_id=a.flow_id,
            due_at=reminder_time(a, k, tx.timezone),
            dedupe_key=f"homework:{a.id}:{k}",
        )

    def export(self, tx: ChatTx) -> dict[str, Any]:
        """For /export: the homework this person was given and what they share, and, for a
        therapist, the homework they gave (under the names they chose)."""

        def when(at: datetime | None) -> str | None:
            return at.isoformat() if at else None

        homework = [
            {
                "from": a.therapist_name,
                "listed_as": a.alias,
                "flow": a.flow_id,
                "cadence": cadence_text(a),
                "note": a.note,
                "sharing": a.sharing,
                "opened_at": when(a.token_used_at),
                "ended_at": when(a.ended_at),
                "done": [when(d) for d in a.done],
            }
            for a in rows.client_assignments(tx)
        ]
        therapist = rows.therapist_of(tx)
        given = None
        if therapist is not None:
            given = {
                "name": therapist.name,
                "since": when(therapist.created_at),
                "homework": [
                    {
                        "client": a.alias,
                        "flow": a.flow_id,
                        "cadence": cadence_text(a),
                        "note": a.note,
                        "status": status(a, tx.now),
                        "assigned_at": when(a.created_at),
                    }
                    for a in rows.therapist_assignments(tx, therapist.id)
                ],
            }
        return {"homework": homework, "as_therapist": given}

    def forget(self, tx: ChatTx) -> None:
        rows.forget_client(tx)

    # ------------------------------------------------------------------ due reminders and notices

    def reminder(self, tx: ChatTx, due: DueFollowUp) -> tuple[AssignmentRow, str] | None:
        """A homework reminder about to go: the assignment and its words, or None if the
        assignment is over (then nothing is sent)."""
        a = next((x for x in rows.client_assignments(tx, open_only=True) if x.id == due.assignment_id), None)
        if a is None or a.sharing not in SHARE_LEVELS or len(a.done) >= total(a):
            return None
        words = self.words["homework_reminder"].render(
            {
                "name": a.therapist_name,
                "title": self.titles().get(a.flow_id, a.flow_id),
                "done": len(a.done),
                "total": total(a),
                "cadence": cadence_text(a),
                "note": a.note,
            }
        )
        return a, words

    def notice(self, tx: ChatTx, due: DueFollowUp) -> Reply | None:
        therapist = rows.therapist_of(tx)
        mine = rows.therapist_assignments(tx, therapist.id) if therapist else []
        a = next((x for x in mine if x.id == due.assignment_id), None)
        if a is None or a.sharing not in SHARE_LEVELS:
            return None  # consent withdrawn since: say nothing
        return self.say(
            "homework_notice",
            alias=a.alias,
            title=self.titles().get(a.flow_id, a.flow_id),
            done=len(a.done),
            total=total(a),
        )


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
