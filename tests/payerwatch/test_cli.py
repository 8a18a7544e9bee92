"""The command line as a user meets it: help, documentation, and clear errors for bad data dirs."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import click
import pytest

from payerwatch.cli import cli
from tests.support import ROOT, run_cli

COMMANDS = sorted(cli.commands)


def test_help_lists_every_command():
    result = run_cli("--help")
    assert result.returncode == 0
    for name in COMMANDS:
        assert re.search(rf"^\s+{name}\b", result.stdout, re.M), name


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_an_example_in_its_help(name):
    ctx = click.Context(cli, info_name="payerwatch")
    help_text = cli.commands[name].get_help(click.Context(cli.commands[name], parent=ctx, info_name=name))
    assert "Example:" in help_text and f"payerwatch {name}" in help_text


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_is_documented_in_the_readme(name):
    readme = (ROOT / "README.md").read_text()
    assert re.search(rf"`payerwatch (\[[^\]]*\] )?{name}\b", readme), (
        f"README does not document `payerwatch {name}`"
    )


def test_status_and_verify_on_a_fresh_data_dir(tmp_path):
    data = tmp_path / "fresh"
    assert run_cli("status", data_dir=data).returncode == 0
    result = run_cli("verify", data_dir=data)
    assert result.returncode == 0 and "archive OK" in result.stdout
    assert (data / "archive.db").exists()


def test_data_dir_from_environment(tmp_path):
    data = tmp_path / "from-env"
    result = run_cli("verify", env={"PAYERWATCH_DATA": str(data)})
    assert result.returncode == 0 and (data / "archive.db").exists()


def _one_line_error(result, path: Path):
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert str(path) in lines[0] and "Traceback" not in result.stderr


def test_corrupt_database_is_a_one_line_error(tmp_path):
    data = tmp_path / "corrupt"
    data.mkdir()
    (data / "archive.db").write_bytes(b"this is not sqlite" * 100)
    _one_line_error(run_cli("status", data_dir=data), data / "archive.db")
    assert (data / "archive.db").read_bytes() == b"this is not sqlite" * 100  # left untouched


def test_data_dir_that_is_a_file_is_a_one_line_error(tmp_path):
    data = tmp_path / "a-file"
    data.write_text("x")
    _one_line_error(run_cli("status", data_dir=data), data)


def test_unwritable_data_dir_is_a_one_line_error(tmp_path_factory):
    """Run as an unprivileged user (root ignores permission bits) against a read-only directory."""
    base = Path(tempfile.mkdtemp(prefix="pw-ro-", dir="/tmp"))
    base.chmod(0o755)
    data = base / "ro"
    data.mkdir(mode=0o555)
    cmd = [sys.executable, "-m", "payerwatch", "--data", str(data), "status"]
    if os.geteuid() == 0:
        cmd = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *cmd]
    result = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=60, check=False)
    _one_line_error(result, data)


def test_data_dir_under_a_file_is_a_one_line_error(tmp_path):
    """The directory cannot be created at all."""
    blocker = tmp_path / "blocker"
    blocker.write_text("x")
    data = blocker / "data"
    _one_line_error(run_cli("status", data_dir=data), data)
