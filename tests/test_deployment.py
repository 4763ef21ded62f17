"""The deployment files agree with the settings they feed."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import yaml

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
    # Without one, each process's own memory would serve stale sessions: they stay in the database.
    assert settings_with(tmp_path) == [
        "django.core.cache.backends.locmem.LocMemCache",
        "django.contrib.sessions.backends.db",
    ]
    assert compose()["x-app-environment"]["CACHE_URL"].startswith("redis://redis:")
