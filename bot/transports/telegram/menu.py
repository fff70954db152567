"""The commands Telegram's menu lists: everyone's, and the therapists' extra ones."""

from __future__ import annotations

# setMyCommands: what people see in Telegram's menu. Only commands that work are listed.
MENU = (
    ("checkin", "Check in about what's happening now"),
    ("resume", "Show where you left off"),
    ("skip", "Skip this question"),
    ("restart", "Start this exercise again"),
    ("stop", "Stop here (answers stay saved)"),
    ("progress", "How the last weeks went"),
    ("review", "Look back at your week"),
    ("sos", "People to talk to, right now"),
    ("plan", "Your safety plan for hard moments"),
    ("hide", "Clear this chat from the screen, fast"),
    ("safety", "Exercises toward your partner: on or off"),
    ("country", "Which country's help lines you see"),
    ("reminders", "When I may check in on you"),
    ("export", "Everything I keep about you, as files"),
    ("delete", "Erase everything I keep about you"),
    ("sharing", "What a therapist who gave you homework sees"),
    ("help", "What I can do"),
)
# Added to the menu of a chat that becomes a therapist (a menu scoped to that chat).
THERAPIST_MENU = (
    ("assign", "Give a client homework"),
    ("clients", "Your clients and their homework"),
    ("client", "One client's history: /client NAME"),
    ("unassign", "End a piece of homework"),
)

