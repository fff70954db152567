"""The coach: the service between the transports and the rest (engine, storage, safety).

Its face is `Coach`; what a transport builds and reads back is in `bot.contract`.

    service     the doors (process, open, follow_up, ...), the transaction, the log line
    turn        one event as a helper gets it: transaction, session, locale, clock, verbs
    commands    the commands the coach answers, one function each, in a table
    effects     one handler per effect value the engine returns
    followups   when a due follow-up goes, and what each kind says
    safeguards  crisis language, violence gating, escalation, help lines
    practice    therapists, homework and consent; `homework` its pure arithmetic
    roles       which flow plays which part, from the flows' tags
    sending     what a transport does with claimed outbox rows
"""

from bot.coach.practice import THERAPY_PROMPTS
from bot.coach.service import SERVICE_PROMPTS, Coach

__all__ = ["SERVICE_PROMPTS", "THERAPY_PROMPTS", "Coach"]
