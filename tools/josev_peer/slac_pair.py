"""Run our EV-side SLAC (harness/protocols/slac) against the simulated charger's SLAC (sim/dc/slac_evse.py) on
the veth pair of tools/josev_peer/netns.sh, and print the EV's result as JSON (with where the EV sent
CM_SET_KEY.REQ, as the charger side saw it; the NMK is printed only here, to check its length).

    tools/josev_peer/netns.sh python tools/josev_peer/slac_pair.py [--defect slac_late_parm_cnf] [--modem-mac MAC]
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
    ap.add_argument("--modem-mac", default=None, help="the EV's PLC modem (CM_SET_KEY.REQ goes there)")
    args = ap.parse_args()
    evse = EvseSlac("veth0", set(args.defect))
    stop = threading.Event()
    thread = threading.Thread(target=evse.serve, args=(5.0, stop), daemon=True)
    thread.start()
    ev = EvSlac("veth1", bytes.fromhex(args.modem_mac.replace(":", "")) if args.modem_mac else None)
    result = ev.run()
    ev.close()
    stop.set()
    thread.join(1.0)
    print(json.dumps({**dataclasses.asdict(result), "set_key_dst": evse.set_key_dst}))
    return 0 if result.matched else 1


if __name__ == "__main__":
    sys.exit(main())
