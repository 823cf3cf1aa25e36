"""Production settings, security headers, health check and error pages."""

import os
import subprocess
import sys

import pytest
from django.test import Client as HttpClient

PRODUCTION_ENV = {
    "TANDEM_ENV": "production",
    "SECRET_KEY": "a-production-secret-key-that-is-long-and-random-0123456789-abcdefghij",
    "ALLOWED_HOSTS": "tandem.example.com",
    "TANDEM_MASTER_KEY": "prod-1:bW9ja21hc3RlcmtleW1vY2ttYXN0ZXJrZXltb2NrbWE=",
}


def run_manage(*args: str, env: dict[str, str], tmp_path) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "TANDEM_VAR_DIR": str(tmp_path), **env}
    full_env.pop("DJANGO_SETTINGS_MODULE", None)
    # The browser tests allow async-unsafe calls in this process; production must not.
    full_env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return subprocess.run(
        [sys.executable, "-m", "tandem.cli", "manage", *args],
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_deploy_check_reports_nothing_in_production(tmp_path):
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV, tmp_path=tmp_path
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_its_secret_key(tmp_path):
    env = {**PRODUCTION_ENV, "SECRET_KEY": ""}
    result = run_manage("check", env=env, tmp_path=tmp_path)
    assert result.returncode != 0
    assert "Set the SECRET_KEY environment variable" in result.stderr


@pytest.mark.django_db
def test_pages_carry_a_policy_that_allows_no_inline_script():
    response = HttpClient().get("/accounts/login/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
def test_health_check_answers_when_the_database_does():
    response = HttpClient().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_health_check_only_answers_get():
    assert HttpClient().post("/healthz").status_code == 405


@pytest.mark.django_db
def test_unknown_page_gets_our_own_404_page():
    response = HttpClient().get("/no-such-page/")
    assert response.status_code == 404
    assert b"Page not found" in response.content
    assert b"Traceback" not in response.content


@pytest.mark.django_db
def test_server_error_shows_a_calm_page_without_a_trace(settings):
    from tandem.core.views import server_error

    response = server_error(HttpClient().get("/healthz").wsgi_request)
    assert response.status_code == 500
    assert b"Something went wrong on our side" in response.content


def test_a_server_process_compiles_every_template_before_its_first_request():
    from django.template.loader import get_template

    from tandem.warmup import tandem_template_names, warm_up

    names = tandem_template_names()
    assert {"core/base.html", "work/board.html", "home/dashboard.html"} <= set(names)
    # The cached loader, behind template-partials' wrapper; emptied of other tests' pages.
    cached = get_template("core/base.html").backend.engine.template_loaders[0].loaders[0]
    cached.reset()
    warm_up()
    assert set(names) <= set(cached.get_template_cache)


@pytest.mark.django_db
def test_postgresql_answers_pages_without_parallel_workers():
    from django.conf import settings
    from django.db import connection

    if connection.vendor != "postgresql":
        # Nothing to set on SQLite.
        assert "options" not in settings.DATABASES["default"].get("OPTIONS", {})
        return
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_parallel_workers_per_gather")
        assert cursor.fetchone()[0] == "0"
