"""The project's setup and test command fail loudly, with a way out, when Odoo or
PostgreSQL is missing: they never skip to green."""

import os
import pathlib
import subprocess

ROOT = pathlib.Path(__file__).resolve().parent.parent


def run_bash(script, **env):
    return subprocess.run(
        ["bash", "-c", script],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_setup_refuses_a_directory_that_is_not_odoo(tmp_path):
    result = run_bash("bash tools/setup.sh", ODOO_SRC=str(tmp_path))
    assert result.returncode == 1
    assert f"ODOO_SRC={tmp_path} is not an Odoo source tree" in result.stderr


def test_setup_refuses_another_odoo_version(tmp_path):
    (tmp_path / "odoo").mkdir()
    (tmp_path / "odoo" / "release.py").write_text(
        "version_info = (17, 0, 0, FINAL, 0, '')\n"
    )
    (tmp_path / "requirements.txt").write_text("")
    result = run_bash("bash tools/setup.sh", ODOO_SRC=str(tmp_path))
    assert result.returncode == 1
    assert "not Odoo 18.0" in result.stderr


def test_no_odoo_anywhere_says_where_to_get_it(tmp_path):
    result = run_bash(
        "bash tools/setup.sh", ODOO_SRC="", ODOO_SRC_DEFAULTS=str(tmp_path / "none")
    )
    assert result.returncode == 1
    assert "no Odoo 18.0 source tree found" in result.stderr
    assert "https://github.com/odoo/odoo.git" in result.stderr
    assert "ODOO_SRC" in result.stderr


def test_unreachable_postgres_is_explained():
    result = run_bash(
        "source tools/env.sh; require_postgres", PGHOST="127.0.0.1", PGPORT="1"
    )
    assert result.returncode == 1
    assert "cannot connect to PostgreSQL at 127.0.0.1:1" in result.stderr


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in readme
    assert ci.strip().splitlines()[-1] == "make test"
