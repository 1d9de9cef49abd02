"""The governance file: every documented key is read, every mistake is one line naming file and key."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from nhi_scan.governance import ConfigError, load_config
from nhi_scan.model import Severity
from tests.conftest import RunCli

EXAMPLE = """
key-max-age-days = 30
key_unused_days = 60
owner-tag-keys = ["Owner", "CostCenter"]
fail-on = "high"

[checks]
disabled = ["human-access-key"]
severity = { missing-owner = "medium" }

[sarif]
base = "."
anchor = "infra/nhi-scan.toml"

[[suppressions]]
check = "credential-not-rotated"
subject = "arn:aws:iam::*:user/legacy-*"
reason = "vendor appliance, replaced in Q1"
owner = "alice@example.com"
expires = 2027-03-31
"""


def write(directory: Path, text: str, name: str = "nhi-scan.toml") -> Path:
    path = directory / name
    path.write_text(text)
    return path


def test_every_key_is_read(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, EXAMPLE))
    settings = config.settings()
    assert (settings.key_max_age_days, settings.key_unused_days, settings.identity_unused_days) == (30, 60, 90)
    assert settings.owner_tag_keys == ("Owner", "CostCenter")
    assert config.fail_on is Severity.HIGH
    assert config.severity == {"missing-owner": Severity.MEDIUM}
    assert not config.check_enabled("human-access-key") and config.check_enabled("root-access-key")
    (suppression,) = config.suppressions
    assert suppression.expires == date(2027, 3, 31) and suppression.owner == "alice@example.com"
    assert suppression.declared_in.endswith("nhi-scan.toml: suppressions[1]")
    assert config.sarif_base_path() == tmp_path / "." and config.sarif_anchor == "infra/nhi-scan.toml"


def test_command_line_wins_over_the_file(tmp_path: Path) -> None:
    settings = load_config(write(tmp_path, EXAMPLE)).settings(key_max_age_days=7, key_unused_days=None)
    assert (settings.key_max_age_days, settings.key_unused_days) == (7, 60)


def test_discovery_in_current_dir_and_pyproject(tmp_path: Path) -> None:
    assert load_config(None, search_dir=tmp_path).source is None
    write(tmp_path, '[project]\nname = "x"\n', "pyproject.toml")
    assert load_config(None, search_dir=tmp_path).source is None
    write(
        tmp_path,
        '[tool.nhi-scan]\nkey-max-age-days = 12\n[tool.nhi-scan.checks]\nenabled = ["root-access-key"]\n',
        "pyproject.toml",
    )
    config = load_config(None, search_dir=tmp_path)
    assert config.settings().key_max_age_days == 12 and not config.check_enabled("missing-owner")
    write(tmp_path, "key-max-age-days = 5\n")
    assert load_config(None, search_dir=tmp_path).settings().key_max_age_days == 5


@pytest.mark.parametrize(
    ("text", "needles"),
    [
        ("key-max-age = 3\n", ("key-max-age", "unknown key")),
        ('key-max-age-days = "ninety"\n', ("key-max-age-days", "whole number")),
        ("key-max-age-days = -1\n", ("key-max-age-days",)),
        ('fail-on = "severe"\n', ("fail-on", "unknown severity")),
        ('[checks]\ndisabled = ["no-such-check"]\n', ("checks.disabled[0]", "no-such-check")),
        ('[checks]\nseverity = { root-access-key = "huge" }\n', ("checks.severity.root-access-key",)),
        ('[checks]\nonly = ["x"]\n', ("checks.only", "unknown key")),
        (
            '[[suppressions]]\ncheck = "root-access-key"\nsubject = "*"\nreason = "r"\nowner = "o"\n',
            ("suppressions[1].expires", "required"),
        ),
        (
            '[[suppressions]]\ncheck = "root-access-key"\nsubject = "*"\nreason = "r"\nowner = "o"\nexpires = "soon"\n',
            ("suppressions[1].expires", "2026-12-31"),
        ),
        (
            '[[suppressions]]\ncheck = "nope"\nsubject = "*"\nreason = "r"\nowner = "o"\nexpires = 2026-01-01\n',
            ("suppressions[1].check", "nope"),
        ),
        (
            '[[suppressions]]\ncheck = "*"\nsubject = "*"\nreason = ""\nowner = "o"\nexpires = 2026-01-01\n',
            ("suppressions[1].reason", "non-empty"),
        ),
        ("key-max-age-days = [\n", ("invalid TOML",)),
    ],
)
def test_mistakes_name_file_and_key(tmp_path: Path, text: str, needles: tuple[str, ...]) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert "\n" not in message and message.startswith(str(path))
    for needle in needles:
        assert needle in message


def test_pyproject_named_without_table_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"tool\.nhi-scan"):
        load_config(write(tmp_path, '[project]\nname = "x"\n', "pyproject.toml"))


def test_cli_bad_config_is_one_line_exit_2(tmp_path: Path, run_cli: RunCli) -> None:
    write(tmp_path, "[checks]\ndisabled = 3\n")
    done = run_cli("scan", tmp_path, cwd=tmp_path)
    assert done.returncode == 2
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "nhi-scan.toml: checks.disabled" in lines[0], done.stderr
    missing = run_cli("scan", tmp_path, "--config", tmp_path / "absent.toml")
    assert missing.returncode == 2 and "absent.toml" in missing.stderr
