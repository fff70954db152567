"""A fake Telegram Bot API on loopback, for driving the real python-telegram-bot stack.

It speaks the real wire format (`POST /bot<token>/<method>`, form fields holding JSON
values or multipart uploads; `{"ok": ..., "result": ...}` answers) so the bot under test
runs unmodified, in-process or as a `hedgehog run` subprocess pointed at it through
`TELEGRAM_API_BASE_URL`. Tests play the people (`send_text`, `press`, ...), look at
what the chat shows (`messages`), and inject Telegram's failures (`fail_next`,
`slow_next`, `block`, `resend`).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any, ClassVar

import httpx
import tornado.httpserver
import tornado.netutil
import tornado.web

BOT_ID = 123456


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    at: float


@dataclass
class BotMessage:
    """A message the bot sent, as the chat currently shows it."""

    chat_id: int
    message_id: int
    text: str | None  # as the person sees it: HTML tags parsed away
    parse_mode: str | None
    reply_markup: dict[str, Any] | None
    kind: str = "text"
    edits: int = 0
    html: str | None = None  # what the bot sent, before parsing
    entities: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class _Failure:
    status: int
    retry_after: int | None
    description: str | None
    times: int


@dataclass
class _Chat:
    id: int
    type: str
    messages: list[BotMessage] = field(default_factory=list)
    theirs: list[int] = field(default_factory=list)  # the person's messages still in the chat
    last_id: int = 0  # message ids count up per chat, never reused (a deleted one stays gone)
    deleted: list[int] = field(default_factory=list)

    def next_id(self) -> int:
        self.last_id += 1
        return self.last_id


class FakeBotAPI:
    def __init__(self, token: str = f"{BOT_ID}:TEST-fake-token", username: str = "hedgehog_test_bot") -> None:
        self.token = token
        self.username = username
        self.calls: list[Call] = []
        self.confirmed_offset = 0
        self._updates: dict[int, dict[str, Any]] = {}
        self._pending: list[int] = []
        self._again: list[int] = []
        self._next_update = 100_000
        self._chats: dict[int, _Chat] = {}
        self._failures: dict[str, list[_Failure]] = {}
        self._slow: dict[str, list[float]] = {}
        self._blocked: set[int] = set()
        self._arrived = asyncio.Event()
        self._closing = False
        self._server: tornado.httpserver.HTTPServer | None = None
        self.url = ""
        self._methods = {name[5:].lower(): name[5:] for name in dir(self) if name.startswith("_api_")}

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        app = tornado.web.Application([(r"/bot([^/]+)/([A-Za-z]+)", _Handler, {"api": self})])
        sockets = tornado.netutil.bind_sockets(0, "127.0.0.1")
        self._server = tornado.httpserver.HTTPServer(app)
        self._server.add_sockets(sockets)
        self.url = f"http://127.0.0.1:{sockets[0].getsockname()[1]}"

    async def stop(self) -> None:
        self._closing = True  # long polls in progress return at once
        self._arrived.set()
        if self._server is not None:
            self._server.stop()
            await self._server.close_all_connections()
            self._server = None

    async def __aenter__(self) -> FakeBotAPI:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # ------------------------------------------------------------------ people doing things

    def _enqueue(self, payload: dict[str, Any]) -> int:
        self._next_update += 1
        update = {"update_id": self._next_update, **payload}
        self._updates[self._next_update] = update
        self._pending.append(self._next_update)
        self._arrived.set()
        return self._next_update

    def _chat(self, chat_id: int, chat_type: str = "private") -> _Chat:
        if chat_id not in self._chats:
            self._chats[chat_id] = _Chat(chat_id, chat_type)
        return self._chats[chat_id]

    def _person(self, chat_id: int, first_name: str = "Sam", language_code: str | None = "en") -> dict[str, Any]:
        person = {"id": abs(chat_id), "is_bot": False, "first_name": first_name}
        if language_code:
            person["language_code"] = language_code
        return person

    def _chat_json(self, chat_id: int) -> dict[str, Any]:
        chat = self._chat(chat_id)
        data: dict[str, Any] = {"id": chat_id, "type": chat.type}
        if chat.type == "private":
            data["first_name"] = "Sam"
        else:
            data["title"] = "A group"
        return data

    def _incoming(self, chat_id: int, chat_type: str, **fields: Any) -> dict[str, Any]:
        chat = self._chat(chat_id, chat_type)
        message_id = chat.next_id()
        chat.theirs.append(message_id)
        return {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": self._chat_json(chat_id),
            "from": self._person(chat_id),
            **fields,
        }

    def send_text(self, chat_id: int, text: str, *, chat_type: str = "private") -> int:
        return self._enqueue({"message": self._incoming(chat_id, chat_type, text=text)})

    def send_command(self, chat_id: int, command: str, argument: str = "", *, chat_type: str = "private") -> int:
        text = f"{command} {argument}".strip()
        entity = {"type": "bot_command", "offset": 0, "length": len(command)}
        return self._enqueue({"message": self._incoming(chat_id, chat_type, text=text, entities=[entity])})

    def press(self, chat_id: int, message_id: int, data: str) -> int:
        message = next(m for m in self._chat(chat_id).messages if m.message_id == message_id)
        query = {
            "id": str(self._next_update + 1),
            "from": self._person(chat_id),
            "chat_instance": str(chat_id),
            "data": data,
            "message": self._message_json(message),
        }
        return self._enqueue({"callback_query": query})

    def send_update(self, payload: dict[str, Any]) -> int:
        return self._enqueue(payload)

    def send_sticker(self, chat_id: int) -> int:
        sticker = {
            "file_id": "s1",
            "file_unique_id": "s1u",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "type": "regular",
        }
        return self._enqueue({"message": self._incoming(chat_id, "private", sticker=sticker)})

    def send_photo(self, chat_id: int) -> int:
        photo = [{"file_id": "p1", "file_unique_id": "p1u", "width": 90, "height": 90}]
        return self._enqueue({"message": self._incoming(chat_id, "private", photo=photo)})

    def send_voice(self, chat_id: int) -> int:
        voice = {"file_id": "v1", "file_unique_id": "v1u", "duration": 3}
        return self._enqueue({"message": self._incoming(chat_id, "private", voice=voice)})

    def edit_text(self, chat_id: int, message_id: int, text: str) -> int:
        edited = self._incoming(chat_id, "private", text=text, edit_date=int(time.time()))
        self._chat(chat_id).theirs.remove(edited["message_id"])  # the same message, changed
        edited["message_id"] = message_id
        return self._enqueue({"edited_message": edited})

    def resend(self, update_id: int) -> None:
        """Telegram delivers the same update once more, whatever the bot confirmed (a lost
        confirmation, a retried webhook). An unconfirmed update is resent anyway by
        getUpdates until it is confirmed."""
        self._again.append(update_id)
        self._arrived.set()

    # ------------------------------------------------------------------ observing

    @property
    def pending_updates(self) -> list[int]:
        """Updates not yet confirmed (nor waiting to be delivered again)."""
        return list(self._pending)

    def update(self, update_id: int) -> dict[str, Any]:
        """The update as Telegram would post it to a webhook."""
        return self._updates[update_id]

    @property
    def redeliveries_waiting(self) -> int:
        return len(self._again)

    def calls_to(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    def messages(self, chat_id: int) -> list[BotMessage]:
        return list(self._chat(chat_id).messages)

    def their_messages(self, chat_id: int) -> list[int]:
        """Ids of the person's own messages still in the chat."""
        return list(self._chat(chat_id).theirs)

    def deleted(self, chat_id: int) -> list[int]:
        return list(self._chat(chat_id).deleted)

    def last_message(self, chat_id: int) -> BotMessage:
        return self._chat(chat_id).messages[-1]

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = 15) -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                recent = ", ".join(f"{c.method}({c.params.get('chat_id', '')})" for c in self.calls[-12:])
                raise AssertionError(f"timed out after {timeout}s; last calls: {recent}")
            await asyncio.sleep(0.02)

    async def wait_for_messages(self, chat_id: int, count: int, timeout: float = 15) -> list[BotMessage]:
        await self.wait_for(lambda: len(self._chat(chat_id).messages) >= count, timeout)
        return self.messages(chat_id)

    # ------------------------------------------------------------------ failures

    def fail_next(
        self,
        method: str,
        *,
        status: int = 429,
        retry_after: int | None = None,
        description: str | None = None,
        times: int = 1,
    ) -> None:
        self._failures.setdefault(method, []).append(_Failure(status, retry_after, description, times))

    def slow_next(self, method: str, seconds: float, times: int = 1) -> None:
        self._slow.setdefault(method, []).extend([seconds] * times)

    def block(self, chat_id: int) -> None:
        self._blocked.add(chat_id)

    async def post_webhook(self, url: str, update_id: int, secret: str | None) -> int:
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
        async with httpx.AsyncClient() as client:
            response = await client.post(url, json=self._updates[update_id], headers=headers, timeout=30)
        return response.status_code

    # ------------------------------------------------------------------ the API

    def _message_json(self, message: BotMessage) -> dict[str, Any]:
        data: dict[str, Any] = {
            "message_id": message.message_id,
            "date": int(time.time()),
            "chat": self._chat_json(message.chat_id),
            "from": {"id": BOT_ID, "is_bot": True, "first_name": "Hedgehog", "username": self.username},
        }
        if message.kind == "text":
            data["text"] = message.text or ""
            if message.entities:
                data["entities"] = message.entities
        elif message.kind == "document":
            data["document"] = {"file_id": "d1", "file_unique_id": "d1u", "file_name": message.text}
        else:
            data["photo"] = [{"file_id": "p1", "file_unique_id": "p1u", "width": 600, "height": 400}]
        if message.reply_markup:
            data["reply_markup"] = message.reply_markup
        return data

    async def answer(
        self, method: str, params: dict[str, Any], gone: Callable[[], bool] = lambda: False
    ) -> tuple[int, dict[str, Any]]:
        method = self._methods.get(method.lower(), method)  # Telegram's method names are case-insensitive
        self.calls.append(Call(method, params, time.monotonic()))
        delays = self._slow.get(method)
        if delays:
            await asyncio.sleep(delays.pop(0))
            if gone():  # the caller hung up (was killed) while this was slow: never done
                return _error(499, "client went away")
        failures = self._failures.get(method)
        if failures:
            failure = failures[0]
            failure.times -= 1
            if failure.times <= 0:
                failures.pop(0)
            return _error(failure.status, failure.description, failure.retry_after)
        chat_id = params.get("chat_id")
        if isinstance(chat_id, int) and chat_id in self._blocked and method.startswith(("send", "edit")):
            return _error(403, "Forbidden: bot was blocked by the user")
        handler = getattr(self, f"_api_{method}", None)
        if handler is None:
            return _error(404, "Not Found: method not found")
        return await handler(params)

    async def _api_getMe(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        return _ok(
            {
                "id": BOT_ID,
                "is_bot": True,
                "first_name": "Hedgehog",
                "username": self.username,
                "can_join_groups": True,
                "can_read_all_group_messages": False,
                "supports_inline_queries": False,
            }
        )

    async def _api_getUpdates(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        if offset:
            self.confirmed_offset = max(self.confirmed_offset, offset)
            self._pending = [u for u in self._pending if u >= offset]
        limit = int(params.get("limit") or 100)
        deadline = time.monotonic() + float(params.get("timeout") or 0)
        while True:
            ready = [u for u in self._pending if u >= offset][:limit]
            if self._again:
                ready, self._again = sorted({*self._again, *ready}), []
            if ready or time.monotonic() >= deadline:
                return _ok([self._updates[u] for u in ready])
            if self._closing:
                return _ok([])
            self._arrived.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._arrived.wait(), timeout=max(deadline - time.monotonic(), 0))

    @staticmethod
    def _render(params: dict[str, Any]) -> tuple[str, list[dict[str, Any]]]:
        source = str(params.get("text", ""))
        if params.get("parse_mode") == "HTML":
            return parse_html(source)
        return source, []

    async def _api_sendMessage(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        chat = self._chat(int(params["chat_id"]))
        try:
            text, entities = self._render(params)
        except ValueError as exc:
            return _error(400, str(exc))
        if not text.strip():
            return _error(400, "Bad Request: message text is empty")
        if len(text.encode("utf-16-le")) // 2 > 4096:
            return _error(400, "Bad Request: message is too long")
        message = BotMessage(
            chat.id,
            chat.next_id(),
            text,
            params.get("parse_mode"),
            params.get("reply_markup"),
            html=str(params.get("text", "")),
            entities=entities,
        )
        chat.messages.append(message)
        return _ok(self._message_json(message))

    async def _send_file(self, params: dict[str, Any], kind: str) -> tuple[int, dict[str, Any]]:
        chat = self._chat(int(params["chat_id"]))
        message = BotMessage(
            chat.id, chat.next_id(), str(params.get("_filename", "")), None, params.get("reply_markup"), kind=kind
        )
        chat.messages.append(message)
        return _ok(self._message_json(message))

    async def _api_sendDocument(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        return await self._send_file(params, "document")

    async def _api_sendPhoto(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        return await self._send_file(params, "photo")

    def _find(self, params: dict[str, Any]) -> BotMessage | None:
        chat = self._chat(int(params["chat_id"]))
        return next((m for m in chat.messages if m.message_id == int(params["message_id"])), None)

    async def _api_editMessageText(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        message = self._find(params)
        if message is None:
            return _error(400, "Bad Request: message to edit not found")
        try:
            text, entities = self._render(params)
        except ValueError as exc:
            return _error(400, str(exc))
        markup = params.get("reply_markup")
        if text == message.text and entities == message.entities and markup == message.reply_markup:
            return _error(400, "Bad Request: message is not modified")
        message.text, message.entities, message.reply_markup = text, entities, markup
        message.parse_mode, message.html = params.get("parse_mode"), str(params.get("text", ""))
        message.edits += 1
        return _ok(self._message_json(message))

    async def _api_editMessageReplyMarkup(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        message = self._find(params)
        if message is None:
            return _error(400, "Bad Request: message to edit not found")
        markup = params.get("reply_markup")
        if markup == message.reply_markup:
            return _error(400, "Bad Request: message is not modified")
        message.reply_markup = markup
        message.edits += 1
        return _ok(self._message_json(message))

    async def _api_deleteMessage(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        chat = self._chat(int(params["chat_id"]))
        if not self._delete(chat, int(params["message_id"])):
            return _error(400, "Bad Request: message to delete not found")
        return _ok(True)

    async def _api_deleteMessages(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """Telegram's: 1 to 100 ids; the ones that cannot be found are skipped."""
        chat = self._chat(int(params["chat_id"]))
        ids = params.get("message_ids")
        if not isinstance(ids, list) or not 1 <= len(ids) <= 100:
            return _error(400, "Bad Request: message_ids must be a list of 1 to 100 ids")
        for message_id in ids:
            self._delete(chat, int(message_id))
        return _ok(True)

    @staticmethod
    def _delete(chat: _Chat, message_id: int) -> bool:
        before = len(chat.messages) + len(chat.theirs)
        chat.messages = [m for m in chat.messages if m.message_id != message_id]
        chat.theirs = [m for m in chat.theirs if m != message_id]
        gone = len(chat.messages) + len(chat.theirs) < before
        if gone:
            chat.deleted.append(message_id)
        return gone

    async def _api_answerCallbackQuery(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        return _ok(True)

    async def _api_setMyCommands(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        self._commands = params.get("commands", [])
        return _ok(True)

    async def _api_getMyCommands(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        return _ok(getattr(self, "_commands", []))

    async def _api_deleteMyCommands(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        self._commands = []
        return _ok(True)

    async def _api_sendChatAction(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        return _ok(True)

    async def _api_deleteWebhook(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        self.webhook: dict[str, Any] | None = None
        return _ok(True)

    async def _api_setWebhook(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        self.webhook = params
        return _ok(True)

    async def _api_getWebhookInfo(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        url = (getattr(self, "webhook", None) or {}).get("url", "")
        return _ok({"url": url, "has_custom_certificate": False, "pending_update_count": len(self._pending)})

    async def _api_close(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        return _ok(True)

    async def _api_logOut(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        return _ok(True)


class _HTMLToEntities(HTMLParser):
    """Telegram's HTML parse mode: plain text plus entities, offsets in UTF-16 code units."""

    KINDS: ClassVar[dict[str, str]] = {
        "b": "bold",
        "strong": "bold",
        "i": "italic",
        "em": "italic",
        "u": "underline",
        "ins": "underline",
        "s": "strikethrough",
        "del": "strikethrough",
        "strike": "strikethrough",
        "code": "code",
        "pre": "pre",
        "a": "text_link",
        "blockquote": "blockquote",
        "tg-spoiler": "spoiler",
    }

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text = ""
        self.entities: list[dict[str, Any]] = []
        self.open: list[tuple[str, int, dict[str, Any]]] = []

    def _offset(self) -> int:
        return len(self.text.encode("utf-16-le")) // 2

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in self.KINDS:
            raise ValueError(f'Bad Request: can\'t parse entities: unsupported start tag "{tag}"')
        extra = {"url": dict(attrs).get("href", "")} if tag == "a" else {}
        self.open.append((tag, self._offset(), extra))

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open[-1][0] != tag:
            raise ValueError(f'Bad Request: can\'t parse entities: unexpected end tag "{tag}"')
        _, start, extra = self.open.pop()
        if self._offset() > start:
            self.entities.append({"type": self.KINDS[tag], "offset": start, "length": self._offset() - start, **extra})

    def handle_data(self, data: str) -> None:
        self.text += data


def parse_html(source: str) -> tuple[str, list[dict[str, Any]]]:
    parser = _HTMLToEntities()
    parser.feed(source)
    parser.close()
    if parser.open:
        raise ValueError(f'Bad Request: can\'t parse entities: unclosed start tag "{parser.open[-1][0]}"')
    return parser.text, sorted(parser.entities, key=lambda e: (e["offset"], -e["length"]))


def _ok(result: Any) -> tuple[int, dict[str, Any]]:
    return 200, {"ok": True, "result": result}


def _error(status: int, description: str | None = None, retry_after: int | None = None) -> tuple[int, dict[str, Any]]:
    default = {
        400: "Bad Request",
        401: "Unauthorized",
        403: "Forbidden: bot was blocked by the user",
        404: "Not Found",
        429: f"Too Many Requests: retry after {retry_after or 1}",
        500: "Internal Server Error",
        502: "Bad Gateway",
    }
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description or default.get(status, "")}
    if status == 429:
        body["parameters"] = {"retry_after": retry_after or 1}
    return status, body


def _value(raw: str) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        return raw


class _Handler(tornado.web.RequestHandler):
    def initialize(self, api: FakeBotAPI) -> None:
        self.api = api

    def check_xsrf_cookie(self) -> None:  # an API, not a form
        return None

    async def get(self, token: str, method: str) -> None:
        await self._call(token, method)

    async def post(self, token: str, method: str) -> None:
        await self._call(token, method)

    async def _call(self, token: str, method: str) -> None:
        if token != self.api.token:
            status, body = _error(401, "Unauthorized")
        else:
            stream = self.request.connection.stream if self.request.connection else None  # type: ignore[attr-defined]
            status, body = await self.api.answer(
                method, self._params(), gone=lambda: stream is not None and stream.closed()
            )
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(body))

    def _params(self) -> dict[str, Any]:
        params: dict[str, Any] = {}
        content_type = self.request.headers.get("Content-Type", "")
        if content_type.startswith("application/json") and self.request.body:
            params.update(json.loads(self.request.body))
        for source in (self.request.query_arguments, self.request.body_arguments):
            for name, values in source.items():
                params[name] = _value(values[-1].decode())
        for name, files in self.request.files.items():
            params[name] = files[0]["body"]
            params["_filename"] = files[0]["filename"]
        return params
