"""A name an export holds cannot become markup in the report it lands in: Markdown links, images, emphasis, code
and mentions are shown as written (a PR comment cannot load a tracking image or notify someone), HTML is escaped,
a backtick cannot close the code span it is shown in, CSV cannot start a formula."""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from nhi_scan.reporters.markdown import cell, code
from tests.hardening._estate import aws_copy, edit_json

NAME = "ops`](https://evil.example)![p](https://t.example/p.png)**@octocat**<b>x</b>"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    def rename(document: dict[str, Any]) -> None:
        for user in document["UserDetailList"]:
            user["UserName"] = NAME + user["UserName"]
        for role in document["RoleDetailList"]:
            role["RoleName"] = '=HYPERLINK("https://evil.example")' + role["RoleName"]

    root = aws_copy(tmp_path_factory.mktemp("markup"))
    edit_json(root / "authz.json", rename)
    return root


def report(root: Path, fmt: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "nhi_scan", "scan", str(root), "-f", fmt, "-v", "-q", "--now", "2026-11-29T00:00:00Z"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode in (0, 1), done.stderr
    return done.stdout


def outside_code(text: str) -> str:
    """The Markdown with what is shown as written taken out: backslash-escaped characters, code spans and fenced
    blocks. What is left is what GitHub reads as markup."""
    text = re.sub(r"\\[\\`*_\[\]~|]", "", text)
    text = re.sub(r"^(`{3,})[^\n]*\n.*?^\1\s*$", "", text, flags=re.S | re.M)
    return re.sub(r"(?<!`)(`+)(?!`).+?(?<!`)\1(?!`)", "", text)


def test_markdown_shows_markup_as_written(hostile: Path) -> None:
    text = report(hostile, "markdown")
    assert "ops" in text and "``ops`](" in text  # the name whole, in a code span its backtick cannot close
    prose = outside_code(text)
    assert "&#64;octocat" in prose
    for live in ("![p](", "](https://evil", "**@octocat", "@octocat", "<b>x"):
        assert live not in prose, live


def test_html_escapes_it(hostile: Path) -> None:
    page = report(hostile, "html")
    assert "<b>x</b>" not in page and "&lt;b&gt;x&lt;/b&gt;" in page


def test_csv_cells_cannot_start_a_formula(hostile: Path) -> None:
    rows = list(csv.reader(io.StringIO(report(hostile, "csv"))))
    cells = [value for row in rows for value in row]
    assert any("HYPERLINK" in value for value in cells)
    assert not any(value.lstrip().startswith(("=", "+", "-", "@")) for value in cells)


def test_the_escapes() -> None:
    assert cell("[a](b) *c* _d_ `e` ~f~ @g") == "\\[a\\](b) \\*c\\* \\_d\\_ \\`e\\` \\~f\\~ &#64;g"
    assert code("a`b") == "``a`b``" and code("`a") == "`` `a ``" and code("x|y") == "`x\\|y`"
