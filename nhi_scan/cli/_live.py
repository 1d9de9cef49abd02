"""Live collection for commands: each provider plug-in's options on `scan`, progress on stderr, and
`scan --<cloud>` as collect-then-scan.

`scan --aws` collects into a private temporary directory and scans it like any export, so a live scan is, by
construction, the offline scan of what `nhi-scan collect aws` would have written. Several clouds at once
(`--aws --gcp`) are collected side by side into that directory and scanned together.
"""

from __future__ import annotations

import inspect
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.markup import escape
from rich.progress import Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn

from nhi_scan.cli._common import err_console
from nhi_scan.errors import UsageError
from nhi_scan.plugin import CollectUi, LiveOption, ProviderPlugin
from nhi_scan.providers import all_providers

F = TypeVar("F", bound=Callable[..., Any])


class _Progress:
    """Per-scope phase on stderr: a live spinner line per account / project on a terminal, plain lines otherwise."""

    def __init__(self, live: Progress | None, warn: bool) -> None:
        self.live = live
        self.tasks: dict[str, TaskID] = {}
        self.show_warnings = warn

    def _task(self, scope: str) -> TaskID | None:
        if self.live is None:
            return None
        if scope not in self.tasks:
            self.tasks[scope] = self.live.add_task(scope, total=None)
        return self.tasks[scope]

    def phase(self, scope: str, text: str) -> None:
        task = self._task(scope)
        if task is not None and self.live is not None:
            self.live.update(task, description=f"{escape(scope)}: {escape(text)}")

    def finished(self, scope: str, text: str, ok: bool) -> None:
        task = self._task(scope)
        if task is not None and self.live is not None:
            self.live.remove_task(task)
        colour = "green" if ok else "yellow"
        err_console.print(f"{escape(scope)}: [{colour}]{escape(text)}[/]")

    def warn(self, text: str) -> None:
        if self.show_warnings:
            err_console.print(f"[yellow]warning:[/] {escape(text)}", soft_wrap=True)


class _Silent:
    def phase(self, scope: str, text: str) -> None:
        return None

    def finished(self, scope: str, text: str, ok: bool) -> None:
        return None

    def warn(self, text: str) -> None:
        return None


def live_providers() -> list[ProviderPlugin]:
    return [plugin for plugin in all_providers() if plugin.live is not None]


def flag_name(plugin: ProviderPlugin) -> str:
    """The options-mapping name of `--<cloud>` (scan it live)."""
    return f"live_{plugin.id}"


def _parameter(option: LiveOption) -> inspect.Parameter:
    kind: Any = option.type
    annotation: Any
    if kind is bool:
        annotation = Annotated[bool, typer.Option(*option.flags, help=option.help)]
    elif kind == list[str]:
        annotation = Annotated[list[str] | None, typer.Option(*option.flags, help=option.help)]
    else:
        annotation = Annotated[
            kind if option.default is not None else kind | None, typer.Option(*option.flags, help=option.help)
        ]
    return inspect.Parameter(option.name, inspect.Parameter.KEYWORD_ONLY, default=option.default, annotation=annotation)


def scan_options() -> list[LiveOption]:
    """`--<cloud>` for each plug-in with a live collector, then its options (names and flags unique)."""
    found: list[LiveOption] = []
    for plugin in live_providers():
        assert plugin.live is not None
        found.append(
            LiveOption(
                name=flag_name(plugin), flags=(f"--{plugin.id}",), help=plugin.live.help, type=bool, default=False
            )
        )
        found.extend(plugin.live.options)
    names: set[str] = set()
    flags: set[str] = set()
    for option in found:
        clash = option.name in names or flags.intersection(option.flags)
        if clash:
            raise ValueError(f"live option {option.flags[0]} ({option.name}) is declared by two providers")
        names.add(option.name)
        flags.update(option.flags)
    return found


def with_options(options: Sequence[LiveOption]) -> Callable[[F], F]:
    """Give a command taking ``**values`` the options as typer parameters (after its own)."""

    def decorate(command: F) -> F:
        signature = inspect.signature(command, eval_str=True)
        own = [p for p in signature.parameters.values() if p.kind is not inspect.Parameter.VAR_KEYWORD]
        command.__signature__ = signature.replace(  # type: ignore[attr-defined]
            parameters=[*own, *(_parameter(o) for o in options)]
        )
        return command

    return decorate


def with_live_options(command: F) -> F:
    return with_options(scan_options())(command)


def ui_for(*, quiet: bool, warn: bool) -> tuple[CollectUi, Progress | None]:
    if quiet:
        return _Silent(), None
    if err_console.is_terminal:
        columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
        live = Progress(*columns, console=err_console, transient=True)
        return _Progress(live, warn), live
    return _Progress(None, warn), None


def collect_live(
    plugin: ProviderPlugin, out: Path, values: Mapping[str, Any], *, quiet: bool, warn: bool = True
) -> bool:
    """Run a plug-in's collector into ``out`` with progress on stderr; True when everything was collected.

    ``warn``: print each thing not collected as it happens (a scan reports them itself, so it passes False).
    """
    assert plugin.live is not None
    ui, live = ui_for(quiet=quiet, warn=warn)
    if live is None:
        return plugin.live.collect(out, values, ui)
    with live:
        return plugin.live.collect(out, values, ui)


def empty_directory(out: Path) -> None:
    """Make ``out`` (new or empty) for a collection, so old documents do not mix in."""
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise UsageError(f"{out}: not an empty directory (collect into a new one, so old documents do not mix in)")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"{out}: cannot create the directory ({exc.strerror})") from None


@contextmanager
def scan_inputs(inputs: Sequence[Path] | None, values: Mapping[str, Any], *, quiet: bool) -> Iterator[list[Path]]:
    """The paths to scan: the given exports, or (with --<cloud>) a live collection in a temporary directory."""
    plugins = live_providers()
    enabled = [p for p in plugins if values.get(flag_name(p))]
    for plugin in plugins:
        assert plugin.live is not None
        plugin.live.validate(values, plugin in enabled)
    if not enabled:
        if not inputs:
            flags = " / ".join(f"--{p.id}" for p in plugins)
            live_hint = f", or {flags} to scan live" if plugins else ""
            raise UsageError(f"give export files or directories to scan{live_hint}")
        yield list(inputs)
        return
    if inputs:
        raise UsageError(f"give either export files or {' / '.join(f'--{p.id}' for p in enabled)}, not both")
    directory = Path(tempfile.mkdtemp(prefix="nhi-scan-live-"))  # private: mode 0700
    try:
        for plugin in enabled:
            target = directory / plugin.id if len(enabled) > 1 else directory
            target.mkdir(exist_ok=True)
            collect_live(plugin, target, values, quiet=quiet, warn=False)
        yield [directory]
    finally:
        shutil.rmtree(directory, ignore_errors=True)
