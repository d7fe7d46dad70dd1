"""Run inside a private network namespace (see test_can_udp_multicast.py): the BEV emulator on one
python-can udp_multicast bus, the driver on another, frames crossing the loopback multicast route."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import can  # noqa: E402

from instruments.base.can import CanTransport  # noqa: E402
from instruments.chargebench.bev import ChargebenchBev  # noqa: E402
from sim.ac_charger import ChargerRatings  # noqa: E402
from sim.can.bev import BevDevice  # noqa: E402
from sim.lab import VirtualLab  # noqa: E402

GROUP = "239.74.163.9"


def main() -> int:
    lab = VirtualLab(ChargerRatings(max_current_a=32, phases=3, voltage_v=230))
    device = BevDevice("bat", lab)
    node = can.Bus(interface="udp_multicast", channel=GROUP, receive_own_messages=False)
    stop = threading.Event()

    def respond() -> None:
        while not stop.is_set():
            msg = node.recv(timeout=0.05)
            if msg is not None:
                for rid, data in device.handle(msg.arbitration_id, bytes(msg.data)):
                    node.send(can.Message(arbitration_id=rid, data=data, is_extended_id=False))

    thread = threading.Thread(target=respond, daemon=True)
    thread.start()
    try:
        bev = ChargebenchBev(CanTransport(f"udp_multicast://{GROUP}", name="bat", timeout_s=2.0), name="bat")
        ident = bev.identify()
        bev.set_mode("CC", 10)
        errors = bev.check_errors()
        bev.close()
        print(f"{ident}|{errors}")
        return 0 if ident.model == "BEV-1" and errors == [] else 1
    finally:
        stop.set()
        thread.join(timeout=2)
        node.shutdown()


if __name__ == "__main__":
    raise SystemExit(main())
