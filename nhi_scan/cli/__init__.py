"""The `nhi-scan` command line: a typer app whose commands are found by discovery of this package."""

from __future__ import annotations

import io
import os
import sys
from typing import Annotated

import typer

from nhi_scan import __version__
from nhi_scan.cli._common import err_console
from nhi_scan.discovery import iter_modules
from nhi_scan.errors import NhiScanError, printable
from nhi_scan.gc_tuning import few_collections
from nhi_scan.redact import redact_text
from nhi_scan.reporters._text import escape, visible

app = typer.Typer(
    name="nhi-scan",
    help=(
        "Find and judge the non-human identities (NHIs) of cloud estates: keys, roles, service accounts, "
        "agents — what they hold, how old and used their credentials are, and what is wrong with them.\n\n"
        "Example: nhi-scan scan ./exports/ -f json -o report.json --fail-on high"
    ),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"nhi-scan {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")
    ] = False,
) -> None:
    """nhi-scan: find and judge cloud non-human identities."""


for _module in iter_modules(__name__):
    _module.register(app)


def _escape_unencodable() -> None:
    """A value an export holds that the terminal cannot encode (a lone surrogate from a JSON escape) is written as
    its escape (``\\ud800``) instead of failing the whole report; files are opened the same way."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")


def main() -> None:
    """Entry point: run the app; input errors are one line on stderr with exit code 2, never a traceback."""
    _escape_unencodable()
    try:
        with few_collections():
            code = app(standalone_mode=False)  # usage errors come back here, to be said in one line
    except NhiScanError as exc:
        err_console.print(f"[red]error:[/] {escape(printable(str(exc)))}", soft_wrap=True)
        sys.exit(2)
    except (KeyboardInterrupt, typer.Abort):
        err_console.print("interrupted")
        sys.exit(130)
    except Exception as exc:  # a usage error of the command line parser (bad option value, unknown option)
        code = _usage_error(exc)
        if code is not None:
            sys.exit(code)
        if os.environ.get("NHI_SCAN_DEBUG"):  # last resort: one line unless debugging
            raise
        err_console.print(
            f"internal error: {type(exc).__name__}: {visible(redact_text(str(exc), loose=True)[:300])} "
            "(set NHI_SCAN_DEBUG=1 for a traceback and report it)",
            markup=False,
            highlight=False,
            soft_wrap=True,  # one line off a terminal too (a CI log), not wrapped at 80 columns
        )
        sys.exit(3)
    if isinstance(code, int) and code:
        sys.exit(code)


def _usage_error(exc: Exception) -> int | None:
    """Say a command-line parser error (click's, raised as such without standalone mode) in one line; its exit
    code, or None for any other exception. (No arguments at all shows the help, which needs no error line.)"""
    message = getattr(exc, "format_message", None)
    exit_code = getattr(exc, "exit_code", None)
    if not callable(message) or not isinstance(exit_code, int):
        return None
    context = getattr(exc, "ctx", None)
    command = getattr(context, "command_path", "nhi-scan") if context is not None else "nhi-scan"
    text = " ".join(str(message()).split())
    if text:
        err_console.print(f"[red]error:[/] {escape(printable(text))} (see {command} --help)", soft_wrap=True)
    return exit_code
