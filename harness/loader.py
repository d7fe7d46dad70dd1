"""YAML -> model. Every problem is one line ``file:line:col: what is wrong, what is expected``.

The YAML is composed with PyYAML's SafeLoader so each node keeps its position; only the standard YAML 1.1
tags are accepted (python tags and other application tags are refused at their position), alias
expansion is bounded (billion-laughs documents are refused before anything is built), and duplicate keys
are errors. Pydantic then validates the plain data, and each error location is walked back to its node.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from .model import BenchConfig, DutProfile, LimitSet, Suite

MAX_BYTES = 2_000_000
MAX_NODES = 200_000  # after alias expansion
STANDARD_TAGS = {
    "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:timestamp",
}
KINDS: dict[str, type[BaseModel]] = {"suite": Suite, "dut": DutProfile, "bench": BenchConfig, "limits": LimitSet}
M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    col: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}: {self.message}"


class LoadError(Exception):
    """One or more problems in input files; ``str()`` gives one line per problem."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def _at(file: str, node: yaml.Node | None, message: str) -> Problem:
    if node is None:
        return Problem(file, 1, 1, message)
    return Problem(file, node.start_mark.line + 1, node.start_mark.column + 1, message)


def _check_nodes(file: str, root: yaml.Node) -> None:
    """Refuse unknown tags, duplicate keys and alias bombs, counting expanded nodes with memoisation."""
    sizes: dict[int, int] = {}
    on_path: set[int] = set()

    def size(node: yaml.Node) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in on_path:
            raise LoadError([_at(file, node, "recursive alias: expected a tree of plain values")])
        if node.tag not in STANDARD_TAGS:
            raise LoadError([_at(file, node, f"tag {node.tag!r} is not allowed: expected plain YAML values")])
        on_path.add(key)
        total = 1
        if isinstance(node, yaml.MappingNode):
            seen: dict[Any, yaml.Node] = {}
            for k, v in node.value:
                if k.tag == "tag:yaml.org,2002:merge":
                    raise LoadError([_at(file, k, "merge keys (<<) are not allowed: write the keys out")])
                if isinstance(k, yaml.ScalarNode):
                    if k.value in seen:
                        raise LoadError([_at(file, k, f"duplicate key {k.value!r}: each key may appear once")])
                    seen[k.value] = k
                total += size(k) + size(v)
        elif isinstance(node, yaml.SequenceNode):
            for item in node.value:
                total += size(item)
        on_path.discard(key)
        if total > MAX_NODES:
            raise LoadError([_at(file, node, f"document expands to more than {MAX_NODES} nodes (alias bomb?)")])
        sizes[key] = total
        return total

    size(root)


def read_yaml(path: Path) -> tuple[Any, yaml.Node | None]:
    """Parse one YAML file safely; return the plain data and the node tree for error positions."""
    file = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        msg = f"cannot read file ({exc.strerror}): expected a readable YAML file"
        raise LoadError([Problem(file, 1, 1, msg)]) from None
    if len(raw) > MAX_BYTES:
        raise LoadError([Problem(file, 1, 1, f"file is {len(raw)} bytes: expected at most {MAX_BYTES}")])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise LoadError([Problem(file, 1, 1, f"not UTF-8 at byte {exc.start}: expected UTF-8 text")]) from None
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise LoadError([Problem(file, 1, 1, "file is empty: expected a YAML mapping")])
        _check_nodes(file, node)
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = exc.problem or exc.context or "invalid YAML"
        raise LoadError([Problem(file, line, col, f"YAML syntax: {what}")]) from None
    except yaml.YAMLError as exc:
        raise LoadError([Problem(file, 1, 1, f"YAML: {exc}")]) from None
    except RecursionError:
        raise LoadError([Problem(file, 1, 1, "nesting too deep: expected a shallow document")]) from None
    finally:
        loader.dispose()
    return data, node


def _node_for(root: yaml.Node | None, loc: tuple[Any, ...], key: bool = False) -> yaml.Node | None:
    """Walk an error location to the closest node: the value's node, or with ``key`` the key's node.

    Parts that are not in the document (a union's tag, a missing field) are skipped, leaving the nearest
    enclosing node, so the position still points at the place to fix.
    """
    node = root
    key_node = None
    for part in loc:
        key_node = None
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                if isinstance(k, yaml.ScalarNode) and k.value == str(part):
                    key_node, node = k, v
                    break
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            node = node.value[part]
    return key_node if (key and key_node is not None) else node


def _message(err: dict[str, Any]) -> str:
    kind = err["type"]
    loc = ".".join(str(p) for p in err["loc"]) or "(top level)"
    if kind == "extra_forbidden":
        return f"unknown key {loc.rsplit('.', 1)[-1]!r} at {loc}: expected only the documented keys (typo?)"
    if kind == "missing":
        return f"{loc}: required key is missing"
    if kind == "union_tag_invalid":
        ctx = err.get("ctx", {})
        return f"{loc}: unknown action {ctx.get('tag')!r}: expected one of {ctx.get('expected_tags')}"
    if kind == "union_tag_not_found":
        return f"{loc}: step has no 'action': expected a mapping with an 'action' key"
    return f"{loc}: {err['msg']}"


def validate(model: type[M], data: Any, root: yaml.Node | None, file: str) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors(include_url=False):
            loc = tuple(err["loc"])
            if err["type"] == "union_tag_invalid":
                loc += ("action",)
            node = _node_for(root, loc, key=err["type"] == "extra_forbidden")
            problems.append(_at(file, node, _message(err)))
        raise LoadError(problems) from None


def detect_kind(data: Any, root: yaml.Node | None, file: str) -> str:
    if not isinstance(data, dict):
        raise LoadError([_at(file, root, f"top level is a {type(data).__name__}: expected a mapping")])
    kind = data.get("kind")
    if kind is None:
        for key, guess in (("tests", "suite"), ("instruments", "bench"), ("connector", "dut"), ("limits", "limits")):
            if key in data:
                return guess
        raise LoadError([_at(file, root, "no 'kind': expected kind: suite, dut, bench or limits")])
    if kind not in KINDS:
        node = _node_for(root, ("kind",))
        raise LoadError([_at(file, node, f"kind {kind!r} is unknown: expected one of {', '.join(KINDS)}")])
    return str(kind)


def load(path: str | Path, expect: type[M] | None = None) -> M:
    """Load and validate one file; with ``expect``, the file must be of that kind."""
    path = Path(path)
    data, root = read_yaml(path)
    kind = detect_kind(data, root, str(path))
    model = KINDS[kind]
    if expect is not None and model is not expect:
        wanted = next(k for k, m in KINDS.items() if m is expect)
        raise LoadError([_at(str(path), root, f"this is a {kind} file: expected a {wanted} file")])
    return validate(model, data, root, str(path))  # type: ignore[return-value]


@dataclass
class LoadedSuite:
    suite: Suite
    path: Path
    limits: dict[str, Any]  # limit id -> Limit
    limit_sets: list[LimitSet]


def load_suite(path: str | Path) -> LoadedSuite:
    """A suite with its limit sets, and every limit it names resolved."""
    path = Path(path)
    data, root = read_yaml(path)
    kind = detect_kind(data, root, str(path))
    if kind != "suite":
        raise LoadError([_at(str(path), root, f"this is a {kind} file: expected a suite file")])
    suite = validate(Suite, data, root, str(path))
    limit_sets = []
    limits: dict[str, Any] = {}
    problems: list[Problem] = []
    for i, rel in enumerate(suite.limits):
        lpath = (path.parent / rel).resolve()
        if not lpath.is_file():
            problems.append(_at(str(path), _node_for(root, ("limits", i)),
                                f"limit set {rel!r} not found (looked in {lpath.parent}): expected a limits file"))
            continue
        try:
            lset = load(lpath, LimitSet)
        except LoadError as exc:
            problems.extend(exc.problems)
            continue
        limit_sets.append(lset)
        limits.update(lset.by_id())
    if problems:
        raise LoadError(problems)
    for ti, case in enumerate(suite.tests):
        for si, step in enumerate(list(suite.setup) + list(case.steps)):
            for field in ("limit", "elapsed_limit"):
                ref = getattr(step, field, None)
                if ref is not None and ref not in limits:
                    node = _node_for(root, ("tests", ti, "steps", si - len(suite.setup), field))
                    problems.append(_at(str(path), node, f"limit {ref!r} is not in the suite's limit sets: "
                                        f"expected one of {', '.join(sorted(limits)) or '(none)'}"))
    if problems:
        raise LoadError(problems)
    return LoadedSuite(suite=suite, path=path, limits=limits, limit_sets=limit_sets)


def load_any(path: str | Path) -> BaseModel:
    """Validate a file of any kind (``chargebench validate``); suites also resolve their limits."""
    path = Path(path)
    data, root = read_yaml(path)
    kind = detect_kind(data, root, str(path))
    if kind == "suite":
        return load_suite(path).suite
    return validate(KINDS[kind], data, root, str(path))
