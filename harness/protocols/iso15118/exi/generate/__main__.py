"""Command line: rebuild the committed grammar tables from a folder of XSDs."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .emit import build_tables, write_module
from .josev_jaxb import JAXB_PRIMITIVES
from .xsd import SchemaSet, XsdError

#: table module name -> (root namespace of its schema set, loop_from)
#: loop_from: maxOccurs from which Josev's grammar classes keep accepting an element after
#: its last allowed occurrence (measured on EXICodec.jar; see grammar.GrammarBuilder).
SCHEMA_SETS: dict[str, tuple[str, int | None]] = {
    "app_protocol": ("urn:iso:15118:2:2010:AppProtocol", None),
    "din": ("urn:din:70121:2012:MsgDef", None),
    "iso2": ("urn:iso:15118:2:2013:MsgDef", 16),
    "iso20_cm": ("urn:iso:std:iso:15118:-20:CommonMessages", 255),
    "iso20_ac": ("urn:iso:std:iso:15118:-20:AC", 255),
    "iso20_dc": ("urn:iso:std:iso:15118:-20:DC", 255),
    "iso20_wpt": ("urn:iso:std:iso:15118:-20:WPT", 255),
    "iso20_acdp": ("urn:iso:std:iso:15118:-20:ACDP", 255),
    "xmldsig": ("http://www.w3.org/2000/09/xmldsig#", None),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m harness.protocols.iso15118.exi.generate",
                                     description=__doc__)
    parser.add_argument("--xsd-dir", type=Path, required=True,
                        help="folder holding the V2G XSDs (searched recursively)")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent.parent / "tables",
                        help="output folder for the table modules (default: the committed ones)")
    parser.add_argument("--only", nargs="*", help="table names to build (default: all)")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    init = args.out / "__init__.py"
    if not init.exists():
        init.write_text('"""Generated EXI grammar tables, one module per schema set."""\n')
    for name, (ns, loop_from) in SCHEMA_SETS.items():
        if args.only and name not in args.only:
            continue
        try:
            schema = SchemaSet(args.xsd_dir, ns)
            family = "iso20" if name.startswith("iso20") else name
            tables = build_tables(schema, ns, loop_from, JAXB_PRIMITIVES.get(family, ()))
        except XsdError as exc:
            print(f"{name}: skipped ({exc})", file=sys.stderr)
            continue
        sources = sorted(p.name for p in schema._loaded)
        write_module(args.out / f"{name}.py", tables, sources)
        print(f"{name}: {len(tables['GRAMMARS'])} grammars, "
              f"{sum(len(g[0]) for g in tables['GRAMMARS'])} states, "
              f"{len(tables['DOCUMENT'])} global elements")
    return 0


if __name__ == "__main__":
    sys.exit(main())
