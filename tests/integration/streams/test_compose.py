"""The production stack in docker-compose.yml: it validates, it has the intended
shape, and every `kuota` subcommand its services run exists.

No Docker engine is needed: `docker-compose config` parses, validates and
resolves the file on its own (scripts/ensure-test-tools installs it).
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[3]
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
KUOTA_SERVICES = ("migrate", "worker")

DOCKER_COMPOSE = shutil.which("docker-compose")
NO_DOCKER_COMPOSE = (
    "docker-compose is not installed (run scripts/ensure-test-tools; "
    "on Debian it is the apt package `docker-compose`)"
)
needs_docker_compose = pytest.mark.skipif(DOCKER_COMPOSE is None, reason=NO_DOCKER_COMPOSE)


SASL_PASSWORD = "Compose5ecret"  # what an operator exports before `docker compose up`


def run_compose_config(**env: str) -> subprocess.CompletedProcess[str]:
    given = {"KUOTA_KAFKA_SASL_PASSWORD": SASL_PASSWORD, **env}
    environ = {k: v for k, v in os.environ.items() if not k.startswith("KUOTA_")}
    return subprocess.run(
        [DOCKER_COMPOSE, "-f", str(COMPOSE_FILE), "config"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**environ, **{k: v for k, v in given.items() if v is not None}},
    )


@pytest.fixture(scope="module")
def resolved() -> dict:
    """The compose file as docker-compose resolves it (anchors merged, defaults filled)."""
    if DOCKER_COMPOSE is None:
        pytest.skip(NO_DOCKER_COMPOSE)
    proc = run_compose_config()
    assert proc.returncode == 0, f"docker-compose config failed:\n{proc.stderr}"
    config = yaml.safe_load(proc.stdout)
    assert isinstance(config, dict) and isinstance(config.get("services"), dict), proc.stdout
    return config


def environment(service: dict) -> dict[str, str]:
    """A service's environment as a dict, whether written as a mapping or a list."""
    env = service.get("environment") or {}
    if isinstance(env, list):
        pairs = (item.split("=", 1) for item in env)
        env = {p[0]: (p[1] if len(p) > 1 else None) for p in pairs}
    return {k: ("" if v is None else str(v)) for k, v in env.items()}


def depends_on(service: dict) -> dict[str, str]:
    """service name -> condition (short list form means service_started)."""
    deps = service.get("depends_on") or {}
    if isinstance(deps, list):
        return {name: "service_started" for name in deps}
    return {name: (spec or {}).get("condition", "service_started") for name, spec in deps.items()}


def volume_sources(service: dict) -> list[str]:
    sources = []
    for vol in service.get("volumes") or []:
        if isinstance(vol, dict):
            sources.append(str(vol.get("source", "")))
        else:
            sources.append(str(vol).split(":", 1)[0])
    return sources


def argv(command) -> list[str]:
    if command is None:
        return []
    if isinstance(command, str):
        return shlex.split(command)
    return [str(part) for part in command]


def kuota_subcommands(command: list[str]) -> set[str]:
    """`kuota X` invocations in a command, including inside `sh -c "..."` strings."""
    found = set()
    for text in [shlex.join(command), *command]:
        for match in re.finditer(r"(?:^|[\s;&|(/])kuota\s+([a-z][\w-]*)", text):
            found.add(match.group(1))
    return found


def dockerfile_cmd() -> list[str]:
    """The final CMD of the Dockerfile, exec or shell form."""
    text = re.sub(r"\\\r?\n", " ", DOCKERFILE.read_text())
    cmds = [m.group(1).strip() for m in re.finditer(r"(?im)^\s*CMD\s+(.+)$", text)]
    assert cmds, "Dockerfile has no CMD"
    cmd = cmds[-1]
    if cmd.startswith("["):
        return [str(part) for part in json.loads(cmd)]
    return ["/bin/sh", "-c", cmd]


def kuota_executable() -> str | None:
    beside = Path(sys.executable).parent / "kuota"
    if beside.is_file():
        return str(beside)
    return shutil.which("kuota")


def raw_compose() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text())


# (a) -----------------------------------------------------------------------


@needs_docker_compose
def test_compose_file_is_valid():
    proc = run_compose_config()
    assert proc.returncode == 0, f"docker-compose config exited {proc.returncode}:\n{proc.stderr}"


# (b) -----------------------------------------------------------------------


def test_services_exist(resolved):
    missing = {"kafka", "postgres", "migrate", "worker"} - set(resolved["services"])
    assert not missing, f"missing services: {sorted(missing)}"


def test_kafka_is_apache_kafka_in_kraft_mode(resolved):
    kafka = resolved["services"]["kafka"]
    assert kafka.get("image", "").split(":", 1)[0] == "apache/kafka", kafka.get("image")
    env = environment(kafka)
    roles = {r.strip() for r in env.get("KAFKA_PROCESS_ROLES", "").split(",") if r.strip()}
    assert roles, "KAFKA_PROCESS_ROLES (process.roles) is not set: not KRaft"
    assert {"broker", "controller"} <= roles, f"single node needs broker and controller roles, got {roles}"
    assert env.get("CLUSTER_ID"), "KRaft storage needs a CLUSTER_ID"
    assert env.get("KAFKA_CONTROLLER_QUORUM_VOTERS"), "KRaft needs controller.quorum.voters"
    assert "KAFKA_ZOOKEEPER_CONNECT" not in env
    assert "kafka:9092" in env.get("KAFKA_ADVERTISED_LISTENERS", ""), (
        "other containers must reach the broker as kafka:9092"
    )


def test_postgres_is_16_with_healthcheck_and_named_volume(resolved):
    postgres = resolved["services"]["postgres"]
    image = postgres.get("image", "")
    assert image.split(":", 1)[0] == "postgres" and image.split(":", 1)[1].startswith("16"), image
    assert postgres.get("healthcheck", {}).get("test"), "postgres has no healthcheck"
    named = set(resolved.get("volumes") or {})
    assert named & set(volume_sources(postgres)), "postgres data is not on a named volume"


def test_worker_is_scalable(resolved):
    worker = resolved["services"]["worker"]
    assert "container_name" not in worker, "a fixed container_name prevents --scale worker=N"
    assert not worker.get("ports"), "fixed host ports prevent --scale worker=N"


def test_worker_waits_for_migrate_postgres_and_kafka(resolved):
    deps = depends_on(resolved["services"]["worker"])
    assert deps.get("migrate") == "service_completed_successfully", deps
    assert deps.get("postgres") == "service_healthy", deps
    assert "kafka" in deps, deps


def test_migrate_waits_for_healthy_postgres(resolved):
    deps = depends_on(resolved["services"]["migrate"])
    assert deps.get("postgres") == "service_healthy", deps


@pytest.mark.parametrize("name", KUOTA_SERVICES)
def test_kuota_services_point_at_kafka_and_postgres(resolved, name):
    service = resolved["services"][name]
    assert "build" in service, f"{name} must build from the repo's Dockerfile"
    env = environment(service)
    url = env.get("KUOTA_DATABASE_URL", "")
    parts = urlsplit(url)
    assert parts.scheme.startswith("postgresql"), url
    assert parts.hostname == "postgres", url
    assert env.get("KUOTA_BROKER") == "kafka:9092", env.get("KUOTA_BROKER")
    assert env.get("KUOTA_EMBEDDED_BROKER", "").lower() in {"false", "0", "no", "off"}


def test_kuota_services_run_their_subcommands(resolved):
    services = resolved["services"]
    migrate = argv(services["migrate"].get("command")) or dockerfile_cmd()
    worker = argv(services["worker"].get("command")) or dockerfile_cmd()
    assert "migrate" in kuota_subcommands(migrate), migrate
    assert "worker" in kuota_subcommands(worker), worker


# (c) -----------------------------------------------------------------------


def subcommands_run_by_services() -> dict[str, list[str]]:
    """subcommand -> where it is run, from compose `command:` or the Dockerfile CMD."""
    found: dict[str, list[str]] = {}
    for name, service in (raw_compose().get("services") or {}).items():
        service = service or {}
        command = argv(service.get("entrypoint")) + argv(service.get("command"))
        origin = f"service {name}"
        if not command and "build" in service:
            command, origin = dockerfile_cmd(), f"service {name} (Dockerfile CMD)"
        for sub in kuota_subcommands(command):
            found.setdefault(sub, []).append(origin)
    for sub in kuota_subcommands(dockerfile_cmd()):
        found.setdefault(sub, []).append("Dockerfile CMD")
    return found


def subcommands_for_collection() -> list[str]:
    """Parameters for the test below; a broken file must not break collection
    (the tests above and test_services_run_kuota_at_all report it)."""
    try:
        return sorted(subcommands_run_by_services())
    except Exception:
        return []


def test_services_run_kuota_at_all():
    found = subcommands_run_by_services()
    assert {"migrate", "worker"} <= set(found), found


@pytest.mark.parametrize("subcommand", subcommands_for_collection())
def test_kuota_subcommand_exists(subcommand):
    kuota = kuota_executable()
    if kuota is None:
        pytest.fail(f"no `kuota` executable beside {sys.executable} or on PATH; is the project installed?")
    proc = subprocess.run(
        [kuota, subcommand, "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, (
        f"`kuota {subcommand} --help` exited {proc.returncode}; "
        f"run by {subcommands_run_by_services()[subcommand]}\n{proc.stdout}\n{proc.stderr}"
    )


# (d) transport security ------------------------------------------------------


def kuota_services(resolved: dict) -> list[str]:
    return sorted(name for name, service in resolved["services"].items() if "build" in service)


def properties(env: dict[str, str]) -> dict[str, str]:
    """The apache/kafka image's KAFKA_* variables as broker properties (_ is ., __ is _, ___ is -)."""
    return {key[len("KAFKA_"):].lower().replace("_", ".").replace("...", "-").replace("..", "_"): value
            for key, value in env.items() if key.startswith("KAFKA_")}


@needs_docker_compose
def test_compose_refuses_to_start_without_a_sasl_password():
    proc = run_compose_config(KUOTA_KAFKA_SASL_PASSWORD=None)
    assert proc.returncode != 0
    assert "KUOTA_KAFKA_SASL_PASSWORD" in proc.stderr, proc.stderr


def test_every_kuota_service_authenticates_to_kafka_with_scram(resolved):
    names = kuota_services(resolved)
    assert {"migrate", "worker", "api"} <= set(names), names
    for name in names:
        env = environment(resolved["services"][name])
        assert env.get("KUOTA_KAFKA_SECURITY_PROTOCOL") in {"SASL_PLAINTEXT", "SASL_SSL"}, (name, env)
        assert env.get("KUOTA_KAFKA_SASL_MECHANISM", "").startswith("SCRAM-SHA-"), (name, env)
        assert env.get("KUOTA_KAFKA_SASL_USERNAME") == "kuota", (name, env)
        assert env.get("KUOTA_KAFKA_SASL_PASSWORD") == SASL_PASSWORD, f"{name} does not take the operator's password"


def test_every_kuota_service_asks_postgres_for_tls(resolved):
    for name in kuota_services(resolved):
        mode = environment(resolved["services"][name]).get("KUOTA_DATABASE_SSLMODE", "")
        assert mode in {"prefer", "require", "verify-ca", "verify-full"}, (name, mode)


def test_the_broker_listener_other_containers_reach_asks_for_the_same_scram_mechanism(resolved):
    kafka = properties(environment(resolved["services"]["kafka"]))
    worker = environment(resolved["services"]["worker"])
    protocols = dict(pair.split(":", 1) for pair in kafka["listener.security.protocol.map"].split(","))
    listeners = dict(item.split("://", 1) for item in kafka["listeners"].split(","))
    for name, address in listeners.items():
        if protocols[name] in {"PLAINTEXT", "SSL"}:
            assert address.startswith("localhost:"), f"{name} takes anyone without a password at {address}"
    advertised = dict(item.split("://", 1) for item in kafka["advertised.listeners"].split(","))
    outside = next(name for name, address in advertised.items() if address == worker["KUOTA_BROKER"])
    assert protocols[outside] == worker["KUOTA_KAFKA_SECURITY_PROTOCOL"]
    mechanism = worker["KUOTA_KAFKA_SASL_MECHANISM"]
    assert mechanism in kafka["sasl.enabled.mechanisms"].split(",")
    assert "ScramLoginModule" in kafka[f"listener.name.{outside.lower()}.{mechanism.lower()}.sasl.jaas.config"]


def test_kuota_user_is_created_with_that_mechanism_before_a_worker_starts(resolved):
    users = resolved["services"]["kafka-users"]
    worker = resolved["services"]["worker"]
    assert users.get("network_mode") == "service:kafka", "it reaches the broker's loopback listener"
    script = " ".join(argv(users.get("entrypoint")) + argv(users.get("command")))
    mechanism = environment(worker)["KUOTA_KAFKA_SASL_MECHANISM"]
    assert f"--entity-name {environment(worker)['KUOTA_KAFKA_SASL_USERNAME']}" in script, script
    assert f"{mechanism}=[password=" in script and "KUOTA_KAFKA_SASL_PASSWORD" in script, script
    assert environment(users).get("KUOTA_KAFKA_SASL_PASSWORD") == SASL_PASSWORD
    assert depends_on(worker).get("kafka-users") == "service_completed_successfully"
