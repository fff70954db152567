"""The peers Hedgehog is measured against, written the plain python-telegram-bot way.

`checkin_application` is the shipped check-in's six questions (the pull, how strong, where
in the body, what happened, what it seemed to mean, the feeling under it, then the offer)
as a `ConversationHandler`: the same questions, buttons and Bot API calls as Hedgehog makes
for them (a button press: answerCallbackQuery, editMessageText to show the answer, then
sendMessage with the next question; typed words: sendMessage), keyboards built once, the
answers kept in `user_data`. With `persistence` it is the durable way PTB offers:
`PicklePersistence`, flushed after every update by the driver (`Application.update_persistence`).
Its calls are made one after another, the way a handler is usually written: a button press
takes three round trips where Hedgehog's take one.

`echo_application` is a bare handler that sends the text back: the floor under any bot.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    ConversationHandler,
    MessageHandler,
    PicklePersistence,
    filters,
)
from telegram.request import BaseRequest
from telegram.warnings import PTBUserWarning

URGE, INTENSITY, BODY, TRIGGER, MEANING, UNDERNEATH = range(6)


def _keyboard(step: str, seq: int, choices: list[tuple[str, str]], per_row: int = 2) -> InlineKeyboardMarkup:
    buttons = [InlineKeyboardButton(label, callback_data=f"{step}|{seq}|{value}") for value, label in choices]
    return InlineKeyboardMarkup([buttons[i : i + per_row] for i in range(0, len(buttons), per_row)])


# (state, question, keyboard): what each step asks, built once.
QUESTIONS: dict[int, tuple[str, InlineKeyboardMarkup]] = {
    URGE: (
        "Right now, is the pull toward them or away from them?",
        _keyboard(
            "urge",
            1,
            [
                ("toward", "Toward them"),
                ("away", "Away from them"),
                ("unsure", "Not sure"),
                ("help", "Help me tell"),
                ("flooded-now", "I'm too flooded to think"),
            ],
            per_row=1,
        ),
    ),
    INTENSITY: (
        "How strong is it, from 0 (calm) to 10 (overwhelming)?",
        _keyboard("intensity", 2, [(str(n), str(n)) for n in range(11)] + [("skip", "Skip")], per_row=6),
    ),
    BODY: (
        "Where do you feel it in your body? Pick one, or tell me in your own words.",
        _keyboard(
            "body",
            3,
            [
                ("chest", "Tight chest"),
                ("heart", "Racing heart"),
                ("hot", "Hot or flushed"),
                ("stomach", "Knot in my stomach"),
                ("numb", "Numb or blank"),
                ("restless", "Restless"),
                ("skip", "Skip"),
            ],
        ),
    ),
    TRIGGER: ("What just happened? A sentence or two is plenty.", _keyboard("trigger", 4, [("skip", "Skip")])),
    MEANING: ("What did it seem to mean, about you or about them?", _keyboard("meaning", 5, [("skip", "Skip")])),
    UNDERNEATH: (
        "Under the pull, what is the softer feeling?",
        _keyboard(
            "underneath",
            6,
            [
                ("scared", "Scared"),
                ("alone", "Alone"),
                ("not-enough", "Not good enough"),
                ("overwhelmed", "Overwhelmed"),
                ("hurt", "Hurt"),
                ("sad", "Sad"),
                ("skip", "Skip"),
            ],
        ),
    ),
}
WELCOME = "Let's check in. A few quick questions, and every one can be skipped."
OFFER = "Thank you for noticing all that. Here is what could help right now:"
OFFER_KEYBOARD = _keyboard("offer", 7, [("turn", "Turn toward"), ("free", "Set it free"), ("break", "Take a break")])
NEXT = {URGE: INTENSITY, INTENSITY: BODY, BODY: TRIGGER, TRIGGER: MEANING, MEANING: UNDERNEATH}
VARS = {URGE: "urge", INTENSITY: "intensity", BODY: "body", TRIGGER: "trigger", MEANING: "meaning"}
VARS[UNDERNEATH] = "underneath"


def _builder(request: BaseRequest, token: str) -> ApplicationBuilder[Any, Any, Any, Any, Any, Any]:
    return ApplicationBuilder().token(token).updater(None).request(request).get_updates_request(request)


async def _ask(context: ContextTypes.DEFAULT_TYPE, chat_id: int, state: int) -> int:
    text, keyboard = QUESTIONS[state]
    await context.bot.send_message(chat_id, text, reply_markup=keyboard)
    return state


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    assert update.effective_chat is not None and context.user_data is not None
    context.user_data.clear()
    await context.bot.send_message(update.effective_chat.id, WELCOME)
    return await _ask(context, update.effective_chat.id, URGE)


def _pressed(state: int) -> Any:
    async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        query = update.callback_query
        assert query is not None and query.data is not None and update.effective_chat is not None
        assert context.user_data is not None
        value = query.data.rsplit("|", 1)[-1]
        context.user_data[VARS[state]] = None if value == "skip" else value
        await query.answer()
        await query.edit_message_text(f"{QUESTIONS[state][0]}  → <b>{value}</b>", parse_mode=ParseMode.HTML)
        return await _next(context, update.effective_chat.id, state)

    return pressed


def _typed(state: int) -> Any:
    async def typed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        message = update.effective_message
        assert message is not None and update.effective_chat is not None and context.user_data is not None
        context.user_data[VARS[state]] = (message.text or "")[:500]
        return await _next(context, update.effective_chat.id, state)

    return typed


async def _next(context: ContextTypes.DEFAULT_TYPE, chat_id: int, state: int) -> int:
    if state in NEXT:
        return await _ask(context, chat_id, NEXT[state])
    await context.bot.send_message(chat_id, OFFER, reply_markup=OFFER_KEYBOARD)
    return ConversationHandler.END


def checkin_application(
    request: BaseRequest, token: str, persistence: Path | None = None, rate_limit: bool = False
) -> Application:
    """The check-in as a ConversationHandler; durable (a pickle file) when `persistence` is given."""
    builder: ApplicationBuilder[Any, Any, Any, Any, Any, Any] = (
        ApplicationBuilder().token(token).updater(None).request(request).get_updates_request(request)
    )
    if rate_limit:
        builder = builder.rate_limiter(AIORateLimiter(max_retries=3))
    if persistence is not None:
        builder = builder.persistence(PicklePersistence(persistence, update_interval=3600))
    app = builder.build()
    text = filters.TEXT & ~filters.COMMAND
    states: dict[object, list[BaseHandler[Update, Any, Any]]] = {
        state: [CallbackQueryHandler(_pressed(state), pattern=rf"^{VARS[state]}\|")]
        + ([MessageHandler(text, _typed(state))] if state != URGE and state != INTENSITY else [])
        for state in QUESTIONS
    }
    with warnings.catch_warnings():  # PTB's note that buttons are tracked per chat: that is the intent
        warnings.simplefilter("ignore", PTBUserWarning)
        conversation = ConversationHandler(
            entry_points=[CommandHandler("checkin", start)],
            states=states,
            fallbacks=[CommandHandler("checkin", start)],
            name="checkin",
            persistent=persistence is not None,
            allow_reentry=True,
            per_message=False,
        )
    app.add_handler(conversation)
    return app


def echo_application(request: BaseRequest, token: str, rate_limit: bool = False) -> Application:
    """One handler that sends the text back."""
    builder: ApplicationBuilder[Any, Any, Any, Any, Any, Any] = (
        ApplicationBuilder().token(token).updater(None).request(request).get_updates_request(request)
    )
    if rate_limit:
        builder = builder.rate_limiter(AIORateLimiter(max_retries=3))
    app = builder.build()

    async def reply(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text(update.effective_message.text or "")

    app.add_handler(MessageHandler(filters.TEXT, reply))
    return app
