"""Run our EV-side SLAC (harness/protocols/slac) against the simulated charger's SLAC (sim/dc/slac_evse.py) on
the veth pair of tools/josev_peer/netns.sh, and print the EV's result as JSON.

    tools/josev_peer/netns.sh python tools/josev_peer/slac_pair.py [--defect slac_late_parm_cnf]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import threading

from harness.protocols.slac.ev import EvSlac
from sim.dc.slac_evse import EvseSlac


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--defect", action="append", default=[])
    args = ap.parse_args()
    evse = EvseSlac("veth0", set(args.defect))
    thread = threading.Thread(target=evse.serve, args=(5.0,), daemon=True)
    thread.start()
    ev = EvSlac("veth1")
    result = ev.run()
    ev.close()
    print(json.dumps(dataclasses.asdict(result)))
    return 0 if result.matched else 1


if __name__ == "__main__":
    sys.exit(main())
