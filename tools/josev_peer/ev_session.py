"""Run the harness's own EV side (the code under harness/protocols/iso15118) against a charger reached by
SDP multicast on a network interface, and print the session record as JSON.

Used against Josev's SECC (a peer nobody here wrote) inside tools/josev_peer/netns.sh.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from harness.engine.actions_hlc import _dialect
from harness.protocols.iso15118.battery import Battery
from harness.protocols.iso15118.evcc import Evcc, Target, Timers
from harness.protocols.iso15118.session import Deviation


class RealClock:
    def now(self) -> float:
        return time.monotonic()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--protocol", default="din70121", choices=["din70121", "iso15118-2", "iso15118-20"])
    ap.add_argument("--interface", default="veth1")
    ap.add_argument("--loop-s", type=float, default=3.0, help="charge-loop seconds before the EV stops")
    ap.add_argument("--deviation", help="kind:at[:send], e.g. out_of_sequence:ServiceDiscoveryReq:CurrentDemandReq")
    ap.add_argument("--timeout", type=float, default=90.0)
    ap.add_argument("--energy", default="DC", choices=["DC", "DC_BPT"], help="DC_BPT: -20 bidirectional")
    ap.add_argument("--target-a", type=float, default=50.0, help="EVTargetCurrent; negative discharges (DC_BPT)")
    ap.add_argument("--tls-root", help="V2G root PEM: TLS (1.2 for -2) trusting it")
    ap.add_argument("--pnc", help="folder with the EV's Plug & Charge material (pki_contract layout): PnC")
    ap.add_argument("--install", action="store_true", help="PnC: CertificateInstallation first")
    ap.add_argument("--no-client-cert", action="store_true", help="TLS 1.3 (-20): present no vehicle certificate")
    ap.add_argument("--precharge-tolerance-v", type=float, default=20.0,
                    help="Josev's simulated EVSE has no power stage (present voltage stays 1 V): use a huge value")
    args = ap.parse_args(argv)
    dev = None
    if args.deviation:
        kind, at, *rest = args.deviation.split(":")
        dev = Deviation(kind=kind, at=at, send=rest[0] if rest else None)
    # Josev's simulated EVSE answers slowly at first (JVM warm-up): real, generous per-message timeouts
    dialect = _dialect(args.protocol, args.energy)
    dialect.timeouts = {k: max(v, 2.0) for k, v in dialect.timeouts.items()}
    timers = Timers(loop_real_s=0.1, poll_real_s=0.1, precharge_tolerance_v=args.precharge_tolerance_v)
    tls = None
    if args.tls_root:
        from harness.protocols.iso15118.pki import ev_context

        v13 = args.protocol == "iso15118-20"
        client = None
        if v13 and args.pnc and not args.no_client_cert:
            client = (Path(args.pnc) / "vehicle_chain.pem", Path(args.pnc) / "vehicle.key")
        tls = ev_context(Path(args.tls_root), "1.3" if v13 else "1.2", client)
    if args.pnc:
        from harness.protocols.iso15118.pnc import Wallet

        dialect.use_pnc(Wallet.load(Path(args.pnc)), install=args.install)
    evcc = Evcc(dialect, Battery(soc_pct=40.0, target_current_a=args.target_a),
                Target(interface=args.interface, tls=tls),
                RealClock(), timers, deviation=dev, stop_after_s=args.loop_s)
    evcc.start()
    evcc.join(args.timeout)
    rec = evcc.record
    out = {"protocol": args.protocol, "outcome": rec.outcome, "phase": rec.phase, "sdp": rec.sdp,
           "charger_fault": rec.charger_fault, "closed_after_s": rec.closed_after_s, "pnc": rec.pnc,
           "exchanges": [{"request": e.request, "response": e.response, "code": e.code, "deviation": e.deviation,
                          "error": e.error,
                          "ms": None if e.response_time_s is None else round(e.response_time_s * 1e3, 2)}
                         for e in rec.exchanges]}
    json.dump(out, sys.stdout, indent=1)
    print()
    ok = rec.outcome == "completed" or (dev is not None and (rec.outcome or "").startswith("deviation"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
