"""The container recipe: the Dockerfile, compose.yaml and the Caddyfile read as an operator's
tools read them, and, where a Docker daemon answers, the image built, measured and run
against the fake Bot API (host network): ready, answering a person, stopping cleanly.

Without Docker (most CI runners) the build is skipped with the reason, as the issue allows.
The base image comes from HEDGEHOG_TEST_PYTHON_IMAGE when set (a machine that cannot reach
Docker Hub builds one with debootstrap), a TLS-inspecting proxy's CA from
HEDGEHOG_TEST_PIP_CERT (a PEM file).

    pytest tests/test_container.py -s     prints the image's size, unpacked and compressed
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import os
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import yaml

from bot.config import PROJECT_ROOT
from tests.support.fakebotapi import FakeBotAPI

DOCKERFILE = (PROJECT_ROOT / "Dockerfile").read_text()
COMPOSE = yaml.safe_load((PROJECT_ROOT / "compose.yaml").read_text())
CADDYFILE = (PROJECT_ROOT / "deploy" / "Caddyfile").read_text()
IMAGE = "hedgehog:test"
# Read at import: the suite's fixtures clear every HEDGEHOG_ setting before each test.
BASE = os.environ.get("HEDGEHOG_TEST_PYTHON_IMAGE", "python:3.12-slim-bookworm")
PIP_CERT = os.environ.get("HEDGEHOG_TEST_PIP_CERT")
LIMIT_MB = 250


def stages() -> list[list[str]]:
    """The Dockerfile's stages, each as its instruction lines (continuations joined)."""
    joined = re.sub(r"\\\n\s*", " ", DOCKERFILE)
    lines = [line.strip() for line in joined.splitlines() if line.strip() and not line.strip().startswith("#")]
    found: list[list[str]] = []
    for line in lines:
        if line.upper().startswith("FROM "):
            found.append([])
        if found:
            found[-1].append(line)
    return found


# ---------------------------------------------------------------------------- read, not run


def test_the_image_is_built_in_two_stages_and_runs_as_a_user_without_privileges() -> None:
    build, final = stages()
    assert build[0].endswith("AS build") and "FROM ${PYTHON_IMAGE}" in final[0]
    assert "python:3.12-slim" in DOCKERFILE.split("FROM", 1)[0]
    assert any("pip install" in line for line in build)
    assert not any("apt-get" in line or "pip install" in line for line in final), "no build tools in the image"
    assert any(line.startswith("COPY --from=build /opt/hedgehog") for line in final)
    users = [line.split()[1] for line in final if line.startswith("USER ")]
    assert users == ["hedgehog"]
    assert 'ENTRYPOINT ["hedgehog"]' in final and 'CMD ["run"]' in final
    assert any("HEALTHCHECK" in line and "/healthz" in line for line in final)
    ignored = (PROJECT_ROOT / ".dockerignore").read_text()
    assert ignored.splitlines()[1] == "*" and "!bot/" in ignored  # only what the image needs is sent


def test_compose_runs_postgres_one_upgrade_replicas_and_a_proxy() -> None:
    services = COMPOSE["services"]
    assert set(services) == {"postgres", "migrate", "bot", "caddy"}

    postgres = services["postgres"]
    assert "pg_isready" in " ".join(postgres["healthcheck"]["test"])
    assert postgres["environment"]["POSTGRES_PASSWORD_FILE"].startswith("/run/secrets/")

    migrate = services["migrate"]
    assert migrate["command"] == ["db", "upgrade"] and migrate["restart"] == "no"
    assert migrate["depends_on"]["postgres"]["condition"] == "service_healthy"

    bot = services["bot"]
    command = bot["command"]
    assert command[0] == "run" and "--webhook" in command and command[command.index("--listen") + 1] == "0.0.0.0:8443"
    assert command[command.index("--webhook") + 1].endswith("/telegram")
    assert str(bot["deploy"]["replicas"]).endswith("2}")  # two unless HEDGEHOG_REPLICAS says otherwise
    assert bot["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    health = " ".join(bot["healthcheck"]["test"])
    assert "/readyz" in health and bot["environment"]["HEDGEHOG_HEALTH_PORT"] in health
    assert _seconds(bot["stop_grace_period"]) > int(bot["environment"]["HEDGEHOG_DRAIN_TIMEOUT"])
    assert "ports" not in bot  # only the proxy is reachable from outside

    for name in ("migrate", "bot"):
        environment = services[name]["environment"]
        assert environment["TELEGRAM_BOT_TOKEN_FILE"] == "/run/secrets/telegram_bot_token"
        assert environment["HEDGEHOG_DATABASE_URL_FILE"] == "/run/secrets/database_url"
        assert "TELEGRAM_BOT_TOKEN" not in environment and "HEDGEHOG_DATABASE_URL" not in environment
        assert set(services[name]["secrets"]) == {"telegram_bot_token", "database_url"}
    assert {s["file"] for s in COMPOSE["secrets"].values()} == {
        "./secrets/telegram_bot_token",
        "./secrets/database_url",
        "./secrets/postgres_password",
    }

    caddy = services["caddy"]
    assert caddy["depends_on"]["bot"]["condition"] == "service_healthy"
    assert "./deploy/Caddyfile:/etc/caddy/Caddyfile:ro" in caddy["volumes"]
    assert {"80:80", "443:443"} <= set(caddy["ports"])


def test_the_proxy_forwards_only_the_webhook_and_leaves_a_stopping_replica_alone() -> None:
    assert "handle /telegram {" in CADDYFILE
    assert re.search(r"dynamic a bot 8443", CADDYFILE)
    assert re.search(r"unhealthy_status 503", CADDYFILE) and re.search(r"fail_duration \d+s", CADDYFILE)
    assert re.search(r"handle \{\s*respond 404\s*\}", CADDYFILE)  # /metrics and /readyz stay inside
    assert "max_size 1MB" in CADDYFILE


def _seconds(text: str) -> int:
    match = re.fullmatch(r"(\d+)s", str(text))
    assert match, text
    return int(match.group(1))


# ---------------------------------------------------------------------------- built and run


def _docker(*args: str, timeout: float = 60, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["docker", *args], capture_output=True, text=True, timeout=timeout, check=check)


@pytest.fixture(scope="module")
def image() -> Iterator[str]:
    if shutil.which("docker") is None:
        pytest.skip("no docker client on this machine")
    info = _docker("info", "--format", "{{.ServerVersion}}", check=False)
    if info.returncode != 0:
        pytest.skip(
            f"no Docker daemon answers: {info.stderr.strip().splitlines()[-1] if info.stderr else 'docker info failed'}"
        )
    base = BASE
    if _docker("image", "inspect", base, check=False).returncode != 0:
        pulled = _docker("pull", base, timeout=300, check=False)
        if pulled.returncode != 0:
            pytest.skip(f"the base image {base} is not here and cannot be pulled: {pulled.stderr.strip()[-200:]}")
    args = ["build", "-t", IMAGE, "--build-arg", f"PYTHON_IMAGE={base}"]
    if PIP_CERT:
        args += ["--build-arg", f"PIP_CERT_PEM={Path(PIP_CERT).read_text()}"]
    env = {**os.environ, "DOCKER_BUILDKIT": os.environ.get("DOCKER_BUILDKIT", "0")}
    started = time.monotonic()
    built = subprocess.run(
        ["docker", *args, str(PROJECT_ROOT)], capture_output=True, text=True, timeout=1800, env=env, check=False
    )
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    print(f"\nimage {IMAGE} on {base} built in {time.monotonic() - started:.0f} s")
    yield IMAGE


@pytest.mark.timeout(1800)  # the first build downloads and compiles every dependency
def test_the_image_is_small_and_holds_a_working_hedgehog(image: str) -> None:
    size = int(_docker("image", "inspect", image, "--format", "{{.Size}}").stdout)
    base = BASE
    base_size = int(_docker("image", "inspect", base, "--format", "{{.Size}}").stdout)
    saved = subprocess.run(["docker", "save", image], capture_output=True, timeout=300, check=True).stdout
    compressed = len(gzip.compress(saved, compresslevel=6))
    print(
        f"\nimage {image}: {size / 1e6:.0f} MB unpacked ({(size - base_size) / 1e6:.0f} MB of it Hedgehog and its "
        f"libraries, {base_size / 1e6:.0f} MB the base {base}); {compressed / 1e6:.0f} MB compressed, as pulled"
    )
    assert compressed < LIMIT_MB * 1e6

    assert _docker("run", "--rm", "--entrypoint", "id", image, "-u").stdout.strip() == "10001"
    assert _docker("run", "--rm", image, "--version").stdout.startswith("hedgehog ")
    checked = _docker("run", "--rm", image, "check")
    assert " 0 errors" in checked.stdout + checked.stderr
    # The crisis detector's trained layer loads and reads (the trimmed ONNX Runtime suffices).
    judged = _docker(
        "run",
        "--rm",
        "--entrypoint",
        "python3",
        image,
        "-c",
        "from bot.safety import crisis, semantic; layer = semantic.load(); assert layer is not None; "
        "layer.judge('nothing matters anymore and I am so tired of all of it'); "
        "print(crisis.detect('I took all my pills, I want to die'))",
        timeout=120,
    )
    assert "suicide" in judged.stdout, judged.stderr
    tools = _docker("run", "--rm", "--entrypoint", "sh", image, "-c", "command -v gcc cc pip strip || true")
    assert tools.stdout.strip() == ""


@pytest.mark.timeout(600)
async def test_the_image_answers_a_person_is_ready_and_stops_cleanly(image: str, tmp_path: Path) -> None:
    tmp_path.chmod(0o777)  # the image's user (10001) writes the SQLite file here
    async with FakeBotAPI() as fake:
        (tmp_path / "token").write_text(fake.token + "\n")
        (tmp_path / "token").chmod(0o644)
        port = 19000 + os.getpid() % 1000
        name = f"hedgehog-test-{os.getpid()}"
        process = await asyncio.create_subprocess_exec(
            "docker",
            "run",
            "--rm",
            "--name",
            name,
            "--network",
            "host",
            "-v",
            f"{tmp_path}:/data",
            "-e",
            "TELEGRAM_BOT_TOKEN_FILE=/data/token",
            "-e",
            f"TELEGRAM_API_BASE_URL={fake.url}",
            "-e",
            "HEDGEHOG_DATABASE_URL=sqlite:////data/bot.sqlite3",
            "-e",
            f"HEDGEHOG_HEALTH_PORT={port}",
            image,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            await fake.wait_for(lambda: bool(fake.calls_to("getUpdates")), timeout=120)
            async with httpx.AsyncClient() as client:
                ready = await client.get(f"http://127.0.0.1:{port}/readyz", timeout=10)
                assert ready.status_code == 200 and ready.json()["checks"]["migrations"]["ok"] is True
                fake.send_command(4242, "/start")
                await fake.wait_for(lambda: bool(fake.messages(4242)), timeout=60)
                metrics = (await client.get(f"http://127.0.0.1:{port}/metrics", timeout=10)).text
                assert 'hedgehog_updates_total{kind="command"' in metrics
            stopped = await asyncio.create_subprocess_exec("docker", "stop", "-t", "30", name)
            await stopped.wait()
            _, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
        finally:
            with contextlib.suppress(Exception):
                _docker("rm", "-f", name, check=False)
    assert process.returncode == 0, stderr.decode()[-2000:]
    lines = [line for line in stderr.decode().splitlines() if line.strip()]
    assert lines and all(line.startswith("{") for line in lines if "onnxruntime" not in line), lines[-5:]
    assert '"message": "bot stopped"' in lines[-1]
