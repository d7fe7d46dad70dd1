"""Regenerate tests/exi/corpus/*.jsonl: schema-driven messages, encoded and decoded by EXIficient.

Run inside .venv-josev (it needs xmlschema and the XSDs of the installed iso15118 wheel):

    bash tools/josev_bridge/setup.sh
    .venv-josev/bin/python tools/josev_bridge/make_corpus.py [--only din,iso2]

Why the double round trip: a line is kept only when bridge.encode(json) == exi and bridge.decode(exi) == json,
where json is what the bridge decoded. So every line is a fixed point of EXIficient, and a byte-exact codec
must reproduce both directions. Deterministic: every variant has a fixed seed.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from client import BridgeClient, BridgeError  # noqa: E402
from schema_gen import Generator, Plan  # noqa: E402

CORPUS = HERE.parent.parent / "tests" / "exi" / "corpus"


@dataclass(frozen=True)
class Namespace:
    """One corpus file: the EXI namespace, the XSD to read and how a message is wrapped."""

    stem: str
    uri: str
    xsd: str  # relative to iso15118/shared/schemas
    wrapped: bool  # DIN / -2: {"V2G_Message": {"Header", "Body": {msg}}}
    messages: Callable[[Any], list[Any]]
    skip: frozenset[str] = frozenset()  # optional elements the jar cannot encode in this namespace


def sap_messages(schema: Any) -> list[Any]:
    return [schema.elements[n] for n in ("supportedAppProtocolReq", "supportedAppProtocolRes")]


def body_messages(schema: Any) -> list[Any]:
    """DIN / -2: every member of the BodyElement substitution group is a message."""
    groups = schema.maps.substitution_groups
    members = next(m for head, m in groups.items() if head.endswith("}BodyElement"))
    return sorted(members, key=lambda e: e.local_name)


def global_messages(schema: Any) -> list[Any]:
    """-20: the namespace's own global elements named *Req / *Res."""
    return [
        e
        for name, e in sorted(schema.elements.items())
        if name.endswith(("Req", "Res")) and e.target_namespace == schema.target_namespace
    ]


# KeyInfo children whose binding in the jar needs javax.mail (NoClassDefFoundError: MimeMultipart).
XMLDSIG_GAPS = frozenset({"X509Data", "PGPData", "SPKIData"})
ISO20 = "urn:iso:std:iso:15118:-20:"

NAMESPACES = [
    Namespace("sap", "urn:iso:15118:2:2010:AppProtocol", "V2G_CI_AppProtocol.xsd", False, sap_messages),
    # DIN's whole xmldsig binding in the jar hits the same javax.mail gap, so no header Signature there.
    Namespace(
        "din",
        "urn:din:70121:2012:MsgDef",
        "din_spec/V2G_CI_MsgDef.xsd",
        True,
        body_messages,
        frozenset({"Signature"}),
    ),
    Namespace(
        "iso2",
        "urn:iso:15118:2:2013:MsgDef",
        "iso15118_2/V2G_CI_MsgDef.xsd",
        True,
        body_messages,
        XMLDSIG_GAPS,
    ),
    Namespace(
        "iso20_cm",
        ISO20 + "CommonMessages",
        "iso15118_20/V2G_CI_CommonMessages.xsd",
        False,
        global_messages,
        XMLDSIG_GAPS,
    ),
    Namespace("iso20_dc", ISO20 + "DC", "iso15118_20/V2G_CI_DC.xsd", False, global_messages, XMLDSIG_GAPS),
    Namespace("iso20_ac", ISO20 + "AC", "iso15118_20/V2G_CI_AC.xsd", False, global_messages, XMLDSIG_GAPS),
]

SEEDS = 3  # extra random variants per message


def schemas_dir() -> Path:
    from iso15118.shared.settings import JAR_FILE_PATH

    return Path(JAR_FILE_PATH).parent / "schemas"


def build(ns: Namespace, schema: Any, el: Any, plan: Plan) -> tuple[dict, Generator]:
    gen = Generator(schema.maps, plan)
    body = gen.typed(el.type, el.local_name)
    if ns.wrapped:
        root = schema.elements["V2G_Message"]
        header_el = next(e for e in root.type.content.iter_elements() if e.local_name == "Header")
        header = gen.typed(header_el.type, "Header")
        return {"V2G_Message": {"Header": header, "Body": {el.local_name: body}}}, gen
    return {el.local_name: body}, gen


def seed_of(*parts: str) -> int:
    return zlib.crc32("/".join(parts).encode())


def variants(ns: Namespace, schema: Any, el: Any) -> Iterator[tuple[str, dict]]:
    """All variants of one message, as (variant name, JSON message)."""
    name = el.local_name

    def make(variant: str, **kw: Any) -> dict:
        msg, _ = build(ns, schema, el, Plan(seed=seed_of(ns.stem, name, variant), skip=ns.skip, **kw))
        return msg

    yield "min", make("min", kind="min", optional="none")
    yield "max", make("max", kind="max", optional="all")
    yield "typical", make("typical", optional="none")
    yield "all-optional", make("all-optional", optional="all")
    yield "hits", make("hits", optional="all", hits=True, list_count=3)
    _, probe = build(ns, schema, el, Plan(kind="max", optional="all"))
    stats = probe.stats
    for k in range(stats.choice_width if stats.choice_width > 1 else 0):
        yield f"choice-{k}", make(f"choice-{k}", optional="all", choice=k)
    for k in range(stats.enum_len if stats.enum_len > 1 else 0):
        yield f"enum-{k}", make(f"enum-{k}", enum=k)
    if stats.multipliers:
        for m in range(-3, 4):
            yield f"mult{m:+d}", make(f"mult{m:+d}", optional="all", multiplier=m)
    # Each long list (maxOccurs > 64) at its maxOccurs once, with small items: EXI unrolls bounded
    # occurrences, so the last position of every long list is a grammar state of its own.
    # Long lists sit under different choice branches (e.g. -20 Scheduled/Dynamic, price schedules), so
    # walk them once per branch index.
    for c in range(stats.choice_width):
        _, probe = build(ns, schema, el, Plan(kind="min", optional="all", choice=c))
        for k in range(probe.stats.long_lists):
            variant = f"long-{c}-{k}"
            yield variant, make(variant, kind="min", optional="all", choice=c, long_list=k)
    for k in range(SEEDS):
        yield f"seed{k}", make(f"seed{k}")


def verify(bridge: BridgeClient, msg: dict, uri: str) -> tuple[dict, bytes]:
    """EXIficient's fixed point for msg: (decoded json, exi), or BridgeError when it has none."""
    exi = bridge.encode(msg, uri)
    decoded = bridge.decode(exi, uri)
    again = bridge.encode(decoded, uri)
    if again != exi:
        raise BridgeError(f"re-encoding the decoded JSON differs: {exi.hex()} != {again.hex()}")
    if bridge.decode(again, uri) != decoded:
        raise BridgeError("decoding is not stable")
    return decoded, exi


def java_reason(text: str) -> str:
    """The informative line of a py4j / JAXB error (the rest is stack trace)."""
    for line in text.splitlines():
        line = line.strip(" :[]")
        if line and not line.startswith(("Py4JJavaError", "at ", "- with linked", "Exception:")):
            return line[:200]
    return text[:200]


def long_paths(node: Any, path: tuple[str, ...] = ()) -> set[tuple[str, ...]]:
    """JSON paths (list indices dropped) of the lists longer than 64 items in a message."""
    found: set[tuple[str, ...]] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            found |= long_paths(value, (*path, key))
    elif isinstance(node, list):
        if len(node) > 64:
            found.add(path)
        for value in node:
            found |= long_paths(value, path)
    return found


def make_namespace(bridge: BridgeClient, ns: Namespace, out_dir: Path) -> tuple[int, list[str]]:
    import xmlschema

    schema = xmlschema.XMLSchema(str(schemas_dir() / ns.xsd))
    lines: list[str] = []
    dropped: list[str] = []
    for el in ns.messages(schema):
        seen: set[bytes] = set()
        long_seen: set[tuple[str, ...]] = set()
        for variant, msg in variants(ns, schema, el):
            mid = f"{ns.stem}/{el.local_name}/{variant}"
            try:
                decoded, exi = verify(bridge, msg, ns.uri)
            except BridgeError as exc:
                dropped.append(f"{mid}: {java_reason(str(exc))}")
                continue
            if exi in seen:
                continue
            filled = long_paths(decoded)
            if variant.startswith("long-") and filled <= long_seen:
                continue  # a list already seen at its maxOccurs, only under other choice branches
            long_seen |= filled
            seen.add(exi)
            line = {"id": mid, "namespace": ns.uri, "json": decoded, "exi": exi.hex()}
            lines.append(json.dumps(line, separators=(",", ":")))
    (out_dir / f"{ns.stem}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(lines), dropped


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="comma-separated file stems (default: all)")
    parser.add_argument("--out", type=Path, default=CORPUS, help="output folder (default: the corpus)")
    args = parser.parse_args(argv)
    wanted = set(args.only.split(",")) if args.only else None
    with BridgeClient() as bridge:
        for ns in NAMESPACES:
            if wanted and ns.stem not in wanted:
                continue
            t0 = time.monotonic()
            kept, dropped = make_namespace(bridge, ns, args.out)
            print(
                f"{ns.stem}: {kept} kept, {len(dropped)} dropped ({time.monotonic() - t0:.0f} s)",
                file=sys.stderr,
            )
            for d in dropped:
                print(f"  dropped {d}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
