"""One root for Claimdesk's errors: every exception class the core defines derives from it."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import claimdesk.core as core
from claimdesk.core.errors import ClaimdeskError


def test_every_exception_class_in_core_derives_from_claimdesk_error() -> None:
    found: dict[str, type[BaseException]] = {}
    for info in pkgutil.walk_packages(core.__path__, "claimdesk.core."):
        if info.name.endswith("__main__") or ".migrations" in info.name:
            continue
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if (
                inspect.isclass(value)
                and issubclass(value, BaseException)
                and value.__module__ == info.name
            ):
                found[f"{info.name}.{name}"] = value
    # The walk reached the modules: the families of the store, text, formats, classroom, CLI.
    for name in (
        "errors.ProjectError",
        "errors.Cancelled",
        "text.encoding.ArticleError",
        "formats.base.FormatError",
        "classroom.exercise_files.ExerciseError",
        "cli.main.CliError",
    ):
        assert f"claimdesk.core.{name}" in found, name
    strays = sorted(name for name, cls in found.items() if not issubclass(cls, ClaimdeskError))
    assert strays == []


def test_the_families_keep_their_messages() -> None:
    from pathlib import Path

    from claimdesk.core.errors import EditError, ProjectError

    assert str(ProjectError(Path("/x/a.claimdesk"), "is locked")) == "a.claimdesk: is locked"
    assert isinstance(EditError("refused"), ClaimdeskError)
