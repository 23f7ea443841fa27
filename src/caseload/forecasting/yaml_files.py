"""Reading the planning YAML files (cost model, scenarios) with pydantic, so a mistake is reported
with the file, the line and the entry, and what to write instead."""

from __future__ import annotations

from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from caseload.errors import ConfigurationError

M = TypeVar("M", bound=BaseModel)


def line_numbers(text: str) -> dict[str, int]:
    """Dotted entry path (list items by index) -> 1-based line."""
    lines: dict[str, int] = {}

    def walk(node: yaml.Node, path: str) -> None:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                name = f"{path}.{key.value}" if path else str(key.value)
                lines[name] = key.start_mark.line + 1
                walk(value, name)
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                name = f"{path}.{index}"
                lines[name] = item.start_mark.line + 1
                walk(item, name)

    try:
        root = yaml.compose(text)
    except yaml.YAMLError:
        return lines
    if root is not None:
        walk(root, "")
    return lines


def read_model(model: type[M], text: str, *, source: str, layout: str) -> M:
    """The document in ``text`` checked against ``model``; ``layout`` names the file to copy."""
    try:
        raw: Any = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        raise ConfigurationError(f"{source}: {where}not valid YAML ({exc})") from None
    if not isinstance(raw, dict):
        raise ConfigurationError(f"{source}: expected entries like those of {layout}")
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"])
        lines = line_numbers(text)
        parts = where.split(".")
        line = next(
            (
                lines[".".join(parts[:size])]
                for size in range(len(parts), 0, -1)
                if ".".join(parts[:size]) in lines
            ),
            None,
        )
        at = f"line {line}: " if line is not None else ""
        raise ConfigurationError(
            f"{source}: {at}{where}: {error['msg']}; see {layout} for the layout"
        ) from None
