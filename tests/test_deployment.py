"""The deployment files agree with the settings they feed."""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import REQUIRE_SERVICES

ROOT = Path(__file__).resolve().parent.parent


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_has_the_four_services_with_health_checks() -> None:
    services = compose()["services"]
    assert set(services) >= {"web", "worker", "postgres", "redis"}
    for name in ("web", "postgres", "redis"):
        assert "healthcheck" in services[name], name
    assert "gunicorn" in " ".join(services["web"]["command"])
    assert "celery" in " ".join(services["worker"]["command"])


def test_compose_sets_every_variable_the_settings_require_in_production() -> None:
    settings_text = (ROOT / "workbench" / "settings.py").read_text()
    read = set(re.findall(r'env(?:bool|int|list)?\(\s*"([A-Z_]+)"', settings_text))
    read |= set(re.findall(r'os\.environ\.get\(\s*"([A-Z_]+)"', settings_text))
    services = compose()["services"]
    for name in ("web", "worker"):
        environment = services[name]["environment"]
        for required in ("DATABASE_URL", "CELERY_BROKER_URL", "SECRET_KEY", "ALLOWED_HOSTS"):
            assert required in environment, (name, required)
        assert set(environment) <= read | {"PYTHONUNBUFFERED"}, set(environment) - read
    assert services["web"]["environment"]["DATABASE_URL"].startswith("postgres://")
    assert services["worker"]["environment"]["CELERY_BROKER_URL"].startswith("redis://")


def test_dockerfile_installs_chromium_and_fonts() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "chromium" in dockerfile
    assert "fonts-dejavu" in dockerfile
    assert re.search(r"FROM python:3\.1[3-9]", dockerfile)


def test_production_settings_pass_check_deploy(tmp_path: Path) -> None:
    # The test session's own async override would (rightly) fail the deployment check.
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DEBUG": "0",
        "SECRET_KEY": "x" * 60 + "-a-long-random-production-key",
        "ALLOWED_HOSTS": "workbench.example.org",
        "SECURE_SSL_REDIRECT": "1",
        "SECURE_COOKIES": "1",
        "SECURE_HSTS_SECONDS": "31536000",
        "DATA_DIR": str(tmp_path),
        # Invitations, confirmations and resets must leave the machine: Django refuses the console in production.
        "EMAIL_URL": "smtp://workbench:mail-password@mail.example.org:587/?tls=True",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def settings_with(tmp_path: Path, **variables: str) -> dict:
    """The cache and session settings a fresh process derives from these environment variables."""
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"CACHE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}},
        "DATA_DIR": str(tmp_path),
        **variables,
    }
    code = (
        "import json; from django.conf import settings; "
        "print(json.dumps([settings.CACHES['default']['BACKEND'], settings.SESSION_ENGINE]))"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_a_shared_cache_serves_sessions_and_throttling_in_production(tmp_path: Path) -> None:
    assert settings_with(tmp_path, CACHE_URL="redis://127.0.0.1:6379/1") == [
        "workbench.cache.TolerantRedisCache",
        "django.contrib.sessions.backends.cached_db",
    ]
    # Without one, the processes share a table of the database; sessions stay in the database alone.
    assert settings_with(tmp_path) == [
        "workbench.cache.SharedDatabaseCache",
        "django.contrib.sessions.backends.db",
    ]
    assert compose()["x-app-environment"]["CACHE_URL"].startswith("redis://redis:")


def benchmark_gunicorn() -> tuple[str, int]:
    """The worker class and threads the load benchmark runs gunicorn with."""
    text = (ROOT / "benchmarks" / "workshop_load.py").read_text()
    worker_class = re.search(r'^GUNICORN_WORKER_CLASS = "(\w+)"', text, re.MULTILINE)
    threads = re.search(r"^GUNICORN_THREADS = (\d+)", text, re.MULTILINE)
    assert worker_class and threads
    return worker_class.group(1), int(threads.group(1))


def test_web_nodes_scale_behind_a_balancer_and_never_migrate_at_start() -> None:
    services = compose()["services"]
    web = services["web"]
    command = " ".join(web["command"])
    # Replicas share no host port (the balancer publishes the one port) and do not migrate: they would race.
    assert "ports" not in web and web["expose"] == ["8000"]
    assert "migrate" not in command
    assert web["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
    migrate = services["migrate"]
    assert migrate["command"][-2:] == ["migrate", "--noinput"] and migrate["restart"] == "no"
    assert migrate["environment"] == web["environment"]
    # The same gunicorn as the load benchmark measured.
    worker_class, threads = benchmark_gunicorn()
    assert f"--worker-class={worker_class}" in command and f"--threads={threads}" in command
    balancer = services["balancer"]
    assert balancer["image"].startswith("haproxy:")
    assert balancer["ports"] == ["8000:8000"]
    assert any(volume.startswith("./deploy/haproxy.cfg:") for volume in balancer["volumes"])


def test_the_balancer_config_spreads_over_every_replica_without_sticky_sessions() -> None:
    config = (ROOT / "deploy" / "haproxy.cfg").read_text()
    lines = [line.split("#")[0].strip() for line in config.splitlines()]
    template = next(line for line in lines if line.startswith("server-template"))
    # Every replica Docker's DNS returns for `web`, health-checked; a dead one's requests go to another.
    assert " web:8000 " in f" {template} " and "resolvers docker" in template and " check" in template
    assert "option redispatch 1" in lines and any(line.startswith("retry-on") for line in lines)
    assert "bind :8000" in lines
    # No stickiness of any kind: sessions live in the shared database and cache.
    assert not any(line.startswith(("cookie ", "stick", "balance source", "hash-type")) for line in lines)


def test_the_benchmark_balancer_runs_the_deployed_rules(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import workshop_load
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    config = workshop_load.balancer_config(8123, [("127.0.0.2", 9000), ("127.0.0.3", 9000)])
    deployed = (ROOT / "deploy" / "haproxy.cfg").read_text()
    for rule in (
        "retry-on conn-failure empty-response response-timeout",
        "option redispatch 1",
        "balance roundrobin",
    ):
        assert rule in deployed and rule in config
    assert "bind 127.0.0.1:8123" in config and "resolvers" not in config and "server-template" not in config
    assert "server node1 127.0.0.2:9000 check" in config and "server node2 127.0.0.3:9000 check" in config
    haproxy = shutil.which("haproxy") or ("/usr/sbin/haproxy" if Path("/usr/sbin/haproxy").exists() else None)
    if haproxy is None:
        if REQUIRE_SERVICES:
            pytest.fail("HAProxy is required (WORKBENCH_REQUIRE_SERVICES=1) but not installed")
        pytest.skip(
            "HAProxy is not installed (apt-get install haproxy): the configurations were not checked by it"
        )
    for name, text in (("bench.cfg", config), ("deployed.cfg", deployed)):
        (tmp_path / name).write_text(text)
        check = subprocess.run([haproxy, "-c", "-f", str(tmp_path / name)], capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr
