"""`/export`: everything stored about a person, as JSON (for machines) and Markdown (to read).

The Markdown file is a letter to the person: day by day, what they did and what they said,
their own words quoted, buttons by the labels they pressed, times in their time zone, and
what counted by the one definition (`bot.features.counts`). No variable, step or flow id,
no True/False/None: what a person never saw is in the JSON file, whose fields are described
in it (`FIELDS`). Pure: the coach hands in the flows' titles and labels.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Any

from bot.engine.state import Attachment
from bot.features.counts import Counts

PLAN_HEADINGS = {
    "warning_signs": "Warning signs",
    "on_my_own": "Things I can do on my own",
    "people_places": "People and places that help me feel better",
    "ask_for_help": "People I can ask for help",
    "professionals": "Professionals and lines (my own)",
    "safer": "Making my surroundings safer",
}

# What the JSON file's fields hold, written into it.
FIELDS = {
    "exported_at": "When this file was made (ISO 8601, UTC).",
    "chat": "Your conversation with the bot: when it began, when you last wrote, your time zone (timezone), "
    "language (locale), country for help lines (country), when follow-ups are welcome (followups), and when "
    "you told the bot you were not safe with a partner (violence_noted_at; null if never, or cleared).",
    "sessions": "Each conversation: the exercise (flow_id), its version, where it stopped (step_id), your answers "
    "while it ran (vars), the exercises it was inside (stack), and status: active (still open), completed, "
    "stopped.",
    "journal": "What you answered and what was noted, oldest first. kind: answer (name: the question's variable, "
    "value: your answer, null when skipped), entry (a summary of a conversation), count (a check-in that reached "
    "the choice of what might help: name checkin; an exercise done to its end: name exercise), homework (an "
    "exercise done that could count for a therapist's homework), safety (crisis support shown: the kinds, "
    "never your words).",
    "followups": "Messages the bot planned to send later (target_flow), when (due_at, UTC), and status: pending, "
    "sent, cancelled.",
    "safety_plan": "Your safety plan, part by part, in your words (null if you have none).",
    "messages_handled": "How many Telegram messages the bot handled for you (their ids are kept 7 days).",
    "counted": "What /progress, the weekly review and a therapist count: check-ins and exercises with their times.",
    "homework": "Homework a therapist gave you: from whom, what, how often, what you share (sharing), when done.",
    "as_therapist": "If you are a therapist here: the homework you gave, under the names you chose.",
}

KINDS_OF_WORRY = {
    "suicide": "thoughts of ending your life",
    "self_harm": "hurting yourself",
    "partner_violence": "being hurt or frightened by someone",
    "harm_others": "hurting someone else",
}

SHARING = {
    "pending": "You haven't said yet what they may see.",
    "completion": "They see whether you did it.",
    "answers": "They see whether you did it and your answers.",
    "declined": "You said no to it, so they see nothing.",
    "revoked": "You stopped sharing it, so they see nothing.",
    "deleted": "You erased your data, so they see only that.",
}

FOLLOW_UP_STATUS = {"pending": "still to come", "sent": "sent", "cancelled": "cancelled", "failed": "could not be sent"}
SESSION_STATUS = {
    "active": "You're still in the middle of it: send /resume to pick it up.",
    "stopped": "You left it there, before the end.",
    "completed": "",
}


@dataclass(frozen=True, slots=True)
class Letter:
    """What the coach knows that the data does not say: each flow's title, the label of a
    button for the value it stored, whether a question was a scale (and its range), what
    counted, the pull's labels, and the person's time zone."""

    titles: Mapping[str, str]
    label: Callable[[str, str, str, Any], str | None]  # (flow, step, variable, value) -> the button's label
    scale: Callable[[str, str], tuple[int, int] | None]  # (flow, step) -> (low, high) for a 0-10 question
    counts: Counts = field(default_factory=Counts)
    pull_labels: Mapping[str, str] = field(default_factory=dict)
    measure: tuple[str, str, str] | None = None  # (check-in flow, intensity variable, pull variable)
    zone: tzinfo | None = None


def export_files(data: dict[str, Any], letter: Letter, now: datetime) -> tuple[Attachment, Attachment]:
    stamp = now.strftime("%Y-%m-%d")
    counted = {
        "checkins": [{"at": c.at.isoformat(), "flow": c.flow_id} for c in letter.counts.checkins],
        "exercises": [{"at": e.at.isoformat(), "flow": e.flow_id} for e in letter.counts.exercises],
    }
    payload = {
        "exported_at": now.isoformat(),
        "about": "Everything Hedgehog stores about you.",
        "fields": FIELDS,
        **data,
        "counted": counted,
    }
    as_json = json.dumps(payload, ensure_ascii=False, indent=2).encode()
    return (
        Attachment(f"hedgehog-export-{stamp}.json", as_json, "application/json"),
        Attachment(f"hedgehog-export-{stamp}.md", markdown(data, letter, now).encode(), "text/markdown"),
    )


# ---------------------------------------------------------------------------- times in words


def _at(text: str | None, zone: tzinfo | None) -> datetime | None:
    if not text:
        return None
    at = datetime.fromisoformat(text)
    return at.astimezone(zone) if zone is not None else at


def _day(at: datetime) -> str:
    return f"{at:%A} {at.day} {at:%B %Y}"


def _part_of_day(at: datetime) -> str:
    hour = at.hour
    if 5 <= hour < 12:
        return "morning"
    if 12 <= hour < 17:
        return "afternoon"
    if 17 <= hour < 22:
        return "evening"
    return "night"


def _when(at: datetime) -> str:
    return f"{_day(at)}, {at:%H:%M}"


def _quote(words: str) -> str:
    """Their words as they wrote them, in quotation marks, on one line, never read as Markdown."""
    flat = " ".join(str(words).split())
    for mark in ("\\", "*", "_", "`", "[", "]", "<"):
        flat = flat.replace(mark, "\\" + mark)
    return f"“{flat}”"


def _plain(text: str) -> str:
    return _quote(text)[1:-1]


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


# ---------------------------------------------------------------------------- the letter


def markdown(data: dict[str, Any], letter: Letter, now: datetime) -> str:
    zone = letter.zone

    def title(flow_id: str) -> str:
        return letter.titles.get(flow_id, "an exercise that is no longer in the bot")

    local_now = now.astimezone(zone) if zone is not None else now
    where = "your time" if data["chat"].get("timezone") else "UTC"
    lines = [
        "# What Hedgehog keeps about you",
        "",
        f"Written out for you on {_day(local_now)} at {local_now:%H:%M} ({where}). Times below are {where} too.",
        "It is all here, in plain words. The same, for a computer, is in the .json file that came with this one.",
        "",
    ]
    lines += _practice(letter)
    lines += ["## Day by day", ""]
    by_session: dict[int | None, list[dict[str, Any]]] = {}
    for entry in data["journal"]:
        by_session.setdefault(entry.get("session_id"), []).append(entry)
    loose = by_session.pop(None, [])
    written_day = None
    parts = sorted(_parts(data["sessions"], by_session, zone), key=lambda part: (part.start, part.session["id"]))
    for part in parts:
        day = _day(part.start)
        if day != written_day:
            lines += [f"### {day}", ""]
            written_day = day
        lines += _conversation(part, letter, title)
    if not parts:
        lines += ["Nothing yet.", ""]
    notes = [e for e in loose if e["kind"] == "safety"]
    if notes:
        lines += ["### Notes kept outside a conversation", ""]
        for entry in notes:
            at = _at(entry["created_at"], zone)
            lines.append(f"- {_when(at) if at else ''}: {_safety(entry)}")
        lines.append("")
    lines += _plan(data, zone)
    lines += _followups(data, zone, title)
    lines += _homework(data, title, zone)
    lines += _chat(data, zone)
    lines += ["Send /delete to erase all of this. Nothing is kept after that.", ""]
    return "\n".join(lines)


def _practice(letter: Letter) -> list[str]:
    counts = letter.counts
    lines = ["## What you've practised", ""]
    if not counts.checkins and not counts.exercises:
        return [*lines, "Nothing counted yet.", ""]
    parts = []
    if counts.checkins:
        parts.append(_count(len(counts.checkins), "check-in"))
    if counts.exercises:
        done = [f"{letter.titles.get(f, f)} ({n})" for f, n in counts.by_exercise.items()]
        parts.append(f"{_count(len(counts.exercises), 'exercise')} done to the end: {', '.join(done)}")
    lines.append(f"So far: {'; '.join(parts)}.")
    if counts.average is not None:
        lines.append(f"On average the pull was {counts.average} out of 10 when you checked in.")
    lines += [
        "",
        "A check-in is counted once you reached the choice of what might help; an exercise once you finished "
        "it. /progress, the weekly review and a therapist you share with count the same way.",
        "",
    ]
    return lines


@dataclass(slots=True)
class _Part:
    """One sitting of a conversation: its rows from one stretch of time (a conversation left
    open and picked up days later is told on each day), and whether it is the last."""

    session: dict[str, Any]
    start: datetime
    end: datetime
    entries: list[dict[str, Any]]
    last: bool = False


GAP_HOURS = 3  # rows further apart than this are told as two sittings


def _parts(
    sessions: list[dict[str, Any]], by_session: Mapping[int | None, list[dict[str, Any]]], zone: tzinfo | None
) -> list[_Part]:
    parts: list[_Part] = []
    for session in sessions:
        started = _at(session["started_at"], zone)
        if started is None:
            continue
        mine: list[_Part] = []
        for entry in by_session.get(session["id"], []):
            at = _at(entry["created_at"], zone) or started
            current = mine[-1] if mine else None
            if (
                current is None
                or at.date() != current.end.date()
                or (at - current.end).total_seconds() > GAP_HOURS * 3600
            ):
                mine.append(_Part(session, at, at, [entry]))
            else:
                current.entries.append(entry)
                current.end = at
        if not mine:
            mine.append(_Part(session, started, started, []))
        mine[-1].last = True
        parts += mine
    return parts


def _conversation(part: _Part, letter: Letter, title: Callable[[str], str]) -> list[str]:
    session, entries = part.session, part.entries
    sid = session["id"]

    def inside(at: datetime) -> bool:
        local = at.astimezone(part.start.tzinfo) if part.start.tzinfo is not None else at
        return part.start <= local <= part.end

    checkins = [c for c in letter.counts.checkins if c.session_id == sid and inside(c.at)]
    finished = [e.flow_id for e in letter.counts.exercises if e.session_id == sid and inside(e.at)]
    flows = list(
        dict.fromkeys([e["flow_id"] for e in entries if e["kind"] in ("answer", "count")] or [session["flow_id"]])
    )
    heading = _join([title(f) for f in flows])
    lines = [f"**{_part_of_day(part.start).capitalize()}, {part.start:%H:%M}: {heading}**", ""]
    said: list[str] = []
    measure = letter.measure
    for checkin in checkins:
        pull = letter.pull_labels.get(checkin.pull or "")
        sentence = f"You noticed a pull {pull[0].lower() + pull[1:]}" if pull else "You checked in"
        if checkin.intensity is not None:
            sentence += f", about {checkin.intensity} out of 10"
        said.append(sentence + ". This check-in counts.")
    asked = measure is not None and any(
        e["kind"] == "answer" and e["flow_id"] == measure[0] and e["name"] == measure[2] for e in entries
    )
    if asked and not checkins and not (part.last and session["status"] == "active"):
        said.append("This check-in ended before the choice of what might help, so it isn't counted. That's all right.")
    for flow_id in finished:
        said.append(f"You finished {title(flow_id)}.")
    if part.last:
        status = SESSION_STATUS.get(session["status"], "")
        if status:
            said.append(status)
    if said:
        lines += [" ".join(said), ""]
    answers_lines = []
    for entry in entries:
        line = _entry(entry, letter)
        if line:
            answers_lines.append(f"- {line}")
    if answers_lines:
        lines += ["What you said:", "", *answers_lines, ""]
    return lines


def _entry(entry: dict[str, Any], letter: Letter) -> str | None:
    kind, value = entry["kind"], entry["value"]
    if kind == "safety":
        return _safety(entry)
    if kind != "answer":
        return None  # summaries, counts and homework marks: said above, or in the .json
    if value is None:
        return "You skipped a question."
    label = letter.label(entry["flow_id"], entry["step_id"], entry["name"], value)
    if label is not None:
        if isinstance(value, str) and " " in value.strip() and label.casefold() not in value.casefold():
            return f"You chose {_quote(label)}: {_quote(value)}"  # "Use this one": the words it stands for
        return f"You chose {_quote(label)}."
    scale = letter.scale(entry["flow_id"], entry["step_id"])
    if scale is not None and isinstance(value, int) and not isinstance(value, bool):
        return f"You said {value} out of {scale[1]}."
    if isinstance(value, str):
        return f"You wrote: {_quote(value)}"
    return None


def _safety(entry: dict[str, Any]) -> str:
    value = entry["value"]
    kinds = [KINDS_OF_WORRY.get(k, "something that worried me") for k in value] if isinstance(value, list) else []
    about = _join(list(dict.fromkeys(kinds))) if kinds else "you might be in danger"
    if entry["name"] == "crisis":
        return f"Something you wrote spoke of {about}, so I showed you help lines. Your words were not kept."
    if entry["name"] == "asked":
        return f"Something you wrote might have been about {about}, so I asked you. Your words were not kept."
    if entry["name"] == "escalation":
        return "Many of your check-ins were very strong, so I suggested talking to someone."
    if entry["name"] == "violence-lifted":
        return "You told me you are safe with your partner again."
    return "You told me you are not safe with your partner."


def _plan(data: dict[str, Any], zone: tzinfo | None) -> list[str]:
    plan = data.get("safety_plan")
    if not plan:
        return []
    lines = ["## Your safety plan", "", "In your own words:", ""]
    for key, heading in PLAN_HEADINGS.items():
        lines.append(f"- {heading}: {_quote(plan[key]) if plan.get(key) else 'nothing written yet'}")
    changed = _at(plan.get("updated_at"), zone)
    if changed is not None:
        lines += ["", f"Last changed on {_when(changed)}."]
    return [*lines, ""]


def _followups(data: dict[str, Any], zone: tzinfo | None, title: Callable[[str], str]) -> list[str]:
    lines = ["## Messages I planned to send you later", ""]
    for followup in sorted(data["followups"], key=lambda f: f["due_at"]):
        due = _at(followup["due_at"], zone)
        status = FOLLOW_UP_STATUS.get(followup["status"], "no longer planned")
        what = title(followup["target_flow"])
        if followup.get("kind") == "homework":
            what = f"a reminder of your homework, {what}"
        lines.append(f"- {_when(due) if due else 'Some time'}: {what} ({status})")
    if not data["followups"]:
        lines.append("None.")
    return [*lines, ""]


def _homework(data: dict[str, Any], title: Callable[[str], str], zone: tzinfo | None) -> list[str]:
    lines: list[str] = []
    if data.get("homework"):
        lines += ["## Homework from a therapist", ""]
        for item in data["homework"]:
            done = [f"{at:%A} {at.day} {at:%B}" for d in item["done"] if (at := _at(d, zone)) is not None]
            done_text = f"Done on {_join(done)}." if done else "Not done yet."
            note = f" Their note: {_quote(item['note'])}." if item.get("note") else ""
            lines.append(
                f"- {_plain(item['from'])} gave you {title(item['flow'])}, {item['cadence']}, and lists you as "
                f"{_quote(item['listed_as'])}.{note} {SHARING.get(item['sharing'], '')} {done_text}".replace("  ", " ")
            )
        lines.append("")
    given = data.get("as_therapist")
    if given:
        lines += [f"## As a therapist ({_plain(given['name'])})", ""]
        for item in given["homework"] or []:
            given_at = _at(item["assigned_at"], zone)
            on = _day(given_at) if given_at is not None else "a day I no longer know"
            lines.append(
                f"- For {_quote(item['client'])}: {title(item['flow'])}, {item['cadence']}, given on {on}; "
                f"{item['status']}."
            )
        if not given["homework"]:
            lines.append("No homework given yet.")
        lines.append("")
    return lines


def _chat(data: dict[str, Any], zone: tzinfo | None) -> list[str]:
    chat = data["chat"]
    first, last = _at(chat["created_at"], zone), _at(chat["last_seen_at"], zone)
    lines = ["## About this chat", ""]
    if first is not None:
        lines.append(f"- You first wrote on {_when(first)}.")
    if last is not None:
        lines.append(f"- You last wrote on {_when(last)}.")
    if data["messages_handled"]:
        lines.append(
            f"- I've handled {_count(data['messages_handled'], 'message')} from you lately "
            "(their numbers are kept a week)."
        )
    if chat.get("timezone"):
        lines.append(f"- Your time zone, from the time you told me: {_plain(chat['timezone'])}.")
    when = {"any": "at any time", "daytime": "in the daytime only", "none": "never: you turned them off"}
    lines.append(f"- Follow-up messages: {when.get(chat.get('followups') or 'any', 'at any time')}.")
    if chat.get("violence_noted_at"):
        lines.append("- You told me you are not safe with your partner, so exercises toward them are switched off.")
    return [*lines, ""]
