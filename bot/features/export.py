"""`/export`: everything stored about a person, as JSON (for machines) and Markdown (to read)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from bot.engine.state import Attachment

PLAN_HEADINGS = {
    "warning_signs": "Warning signs",
    "on_my_own": "Things I can do on my own",
    "people_places": "People and places that help me feel better",
    "ask_for_help": "People I can ask for help",
    "professionals": "Professionals and lines (my own)",
    "safer": "Making my surroundings safer",
}


def export_files(data: dict[str, Any], titles: dict[str, str], now: datetime) -> tuple[Attachment, Attachment]:
    stamp = now.strftime("%Y-%m-%d")
    payload = {"exported_at": now.isoformat(), "about": "Everything Hedgehog stores about you.", **data}
    as_json = json.dumps(payload, ensure_ascii=False, indent=2).encode()
    return (
        Attachment(f"hedgehog-export-{stamp}.json", as_json, "application/json"),
        Attachment(f"hedgehog-export-{stamp}.md", markdown(data, titles, now).encode(), "text/markdown"),
    )


def markdown(data: dict[str, Any], titles: dict[str, str], now: datetime) -> str:
    def title(flow_id: str) -> str:
        return titles.get(flow_id, flow_id)

    lines = [
        "# Everything Hedgehog keeps about you",
        "",
        f"Exported {now:%Y-%m-%d %H:%M} UTC. The same data, for computers, is in the .json file.",
        "",
        "## Your chat",
        "",
        f"- First message: {data['chat']['created_at'][:16].replace('T', ' ')} UTC",
        f"- Last message: {data['chat']['last_seen_at'][:16].replace('T', ' ')} UTC",
    ]
    if data["messages_handled"]:
        lines.append(f"- Telegram messages handled: {data['messages_handled']}")
    if data["chat"].get("timezone"):
        lines.append(f"- Time zone: {data['chat']['timezone']}")
    lines += ["", "## What you answered", ""]
    if not data["journal"]:
        lines.append("Nothing yet.")
    for entry in data["journal"]:
        when = entry["created_at"][:16].replace("T", " ")
        value = entry["value"]
        if entry["kind"] == "answer":
            shown = "(skipped)" if value is None else str(value)
            lines.append(f"- {when}, {title(entry['flow_id'])}, {entry['name'].replace('_', ' ')}: {shown}")
        elif entry["kind"] == "entry":
            parts = "; ".join(f"{k.replace('_', ' ')}: {v}" for k, v in value.items() if v not in (None, ""))
            lines.append(f"- {when}, {title(entry['flow_id'])}, summary ({entry['name']}): {parts or '(empty)'}")
        elif entry["kind"] == "safety" and entry["name"] == "crisis":
            lines.append(f"- {when}, crisis support was shown ({', '.join(value)}); your words were not kept")
        elif entry["kind"] == "safety" and entry["name"] == "asked":
            lines.append(f"- {when}, I asked what a message meant ({', '.join(value)}); your words were not kept")
        elif entry["kind"] == "safety":
            lines.append(f"- {when}, safety note: {entry['name'].replace('-', ' ')}")
        else:
            lines.append(f"- {when}, {title(entry['flow_id'])} counted as homework done")
    plan = data.get("safety_plan")
    if plan:
        lines += ["", "## Your safety plan", ""]
        for key, heading in PLAN_HEADINGS.items():
            lines.append(f"- {heading}: {plan.get(key) or '(empty)'}")
        lines.append(f"- Last changed: {plan['updated_at'][:16].replace('T', ' ')} UTC")
    lines += ["", "## Conversations", ""]
    for session in data["sessions"]:
        started = session["started_at"][:16].replace("T", " ")
        lines.append(f"- {started}, {title(session['flow_id'])}: {session['status']} (last step: {session['step_id']})")
    if not data["sessions"]:
        lines.append("None yet.")
    lines += ["", "## Check-ins I planned to send", ""]
    for followup in data["followups"]:
        due = followup["due_at"][:16].replace("T", " ")
        lines.append(f"- {due} UTC, {title(followup['target_flow'])}: {followup['status']}")
    if not data["followups"]:
        lines.append("None.")
    if data.get("homework"):
        lines += ["", "## Homework from a therapist", ""]
        for item in data["homework"]:
            shared = {"completion": "whether you did it", "answers": "whether you did it and your answers"}.get(
                item["sharing"], "nothing"
            )
            done = ", ".join(d[:10] for d in item["done"]) or "not yet"
            lines.append(
                f"- From {item['from']} (who lists you as “{item['listed_as']}”): {title(item['flow'])}, "
                f"{item['cadence']}. They see {shared}. Done: {done}."
            )
    if data.get("as_therapist"):
        given = data["as_therapist"]
        lines += ["", f"## As a therapist ({given['name']})", ""]
        for item in given["homework"] or []:
            lines.append(
                f"- {item['client']}: {title(item['flow'])}, {item['cadence']}, "
                f"assigned {item['assigned_at'][:10]}, {item['status']}"
            )
        if not given["homework"]:
            lines.append("No homework given yet.")
    lines += ["", "Send /delete to erase all of this.", ""]
    return "\n".join(lines)
