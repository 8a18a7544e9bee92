"""A bad configuration value is one line naming the variable, and exit status 2 (README promise)."""

from __future__ import annotations

import pytest

from payerwatch.config import ConfigError, check_environment
from tests.support import run_cli


@pytest.mark.parametrize(
    "name,value",
    [
        ("PAYERWATCH_MAXSIZE", "abc"),
        ("PAYERWATCH_MAXSIZE", "-5"),
        ("PAYERWATCH_DOWNLOAD_TIMEOUT", "soon"),
        ("PAYERWATCH_DOWNLOAD_TIMEOUT", "nan"),
        ("PAYERWATCH_CRAWL_DELAY", "-1"),
        ("PAYERWATCH_SMTP_PORT", "70000"),
        ("PAYERWATCH_SMTP_PORT", "smtp"),
        ("PAYERWATCH_SMTP_SECURITY", "ssl3"),
        ("PAYERWATCH_BASE_URL", "payerwatch.example.org"),
        ("PAYERWATCH_CLOCK", "yesterday"),
        ("PAYERWATCH_EXTRACT_MEMORY", "lots"),
        ("PAYERWATCH_EXTRACT_WORKERS", "0"),
        ("PAYERWATCH_STALLED_AFTER", "0"),
        ("PAYERWATCH_HEARTBEAT", "often"),
    ],
)
def test_a_bad_value_names_the_variable(name, value):
    with pytest.raises(ConfigError, match=name):
        check_environment({name: value})


def test_good_and_empty_values_pass():
    check_environment(
        {
            "PAYERWATCH_MAXSIZE": "1000000",
            "PAYERWATCH_DOWNLOAD_TIMEOUT": "2.5",
            "PAYERWATCH_CRAWL_DELAY": "0",
            "PAYERWATCH_SMTP_PORT": "587",
            "PAYERWATCH_SMTP_SECURITY": "TLS",
            "PAYERWATCH_BASE_URL": "https://payerwatch.example.org",
            "PAYERWATCH_CLOCK": "2026-01-31T06:00:00Z",
            "PAYERWATCH_CONTACT_URL": "mailto:ops@example.org",
            "PAYERWATCH_DATABASE_URL": "postgresql+psycopg://u@localhost/pw",
            "PAYERWATCH_EXTRACT_WORKERS": "",
        }
    )


@pytest.mark.parametrize("command", [["status"], ["crawl", "--source", "x"], ["send"]])
def test_the_command_line_prints_one_line_and_exits_2(data_dir, command):
    result = run_cli(*command, data_dir=data_dir, env={"PAYERWATCH_MAXSIZE": "abc"})
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "payerwatch: error: PAYERWATCH_MAXSIZE='abc' is not a whole number"
    ]
