"""Deliberate deviations (ISO 15118-4 style invalid test behaviour): what the EV sends instead of the
good request, and how it watches the charger's reaction (the response code, then TCP close)."""

from __future__ import annotations

import time
from typing import Any

from . import v2gtp
from .session import PNC_DEVIATIONS, Deviation, Exchange
from .transport import ConnectionClosed, ReceiveTimeout

WRONG_SESSION_ID = "DEADBEEFDEADBEEF"


def _wait_close(evcc: Any, dev: Deviation, since: float) -> None:
    """Virtual seconds until the charger closes TCP, polled in real slices so the clock can be scaled."""
    while evcc.t() - since <= dev.close_wait_s:
        try:
            if evcc.conn.wait_closed(0.02) is not None:
                evcc.record.closed_after_s = evcc.t() - since
                return
        except OSError:
            evcc.record.closed_after_s = evcc.t() - since
            return
        if evcc._abort.is_set():
            return


def deviate(evcc: Any, dev: Deviation, name: str, body: dict) -> dict:
    """Apply ``dev`` instead of sending ``name``; always ends the session with outcome 'deviation'."""
    rec, d = evcc.record, evcc.dialect
    if dev.kind == "late":
        start = evcc.t()
        while evcc.t() - start < dev.delay_s:
            time.sleep(0.01)
        evcc.deviation = None
        res = evcc._send(name, body, deviation=None)
        rec.deviation_exchange = rec.exchanges[-1]
        rec.deviation_exchange.deviation = f"late by {dev.delay_s:g} s"
        return res
    since = evcc.t()
    if dev.kind == "withhold":
        rec.deviation_exchange = Exchange(name, since, deviation="withheld")
        _wait_close(evcc, dev, since)
        raise _end("deviation: withheld " + name)
    if dev.kind == "drop_connection":
        rec.deviation_exchange = Exchange(name, since, deviation="connection dropped")
        evcc.conn.close()
        raise _end("deviation: connection dropped before " + name)
    if dev.kind == "bad_header":
        ex = Exchange(name, since, deviation="V2GTP version 0x02")
        rec.exchanges.append(ex)
        data = d.encode(d.wrap(evcc.session_id, name, body))
        evcc.conn.send_raw(v2gtp.pack(d.payload_type_for(name), data, version=0x02))
    else:
        sid = evcc.session_id
        send_name, send_body = name, body
        if dev.kind == "out_of_sequence":
            send_name = dev.send or d.loop_req
            send_body = _body_for(evcc, send_name)
        elif dev.kind == "wrong_session_id":
            sid = WRONG_SESSION_ID
        elif dev.kind == "invalid_parameter":
            send_body = _invalid(evcc, name, body)
        elif dev.kind in PNC_DEVIATIONS:
            send_body = d.pnc_deviation(dev.kind, name, body)
        ex = Exchange(send_name, since, deviation=dev.kind)
        rec.exchanges.append(ex)
        sent = evcc.conn.send(d.payload_type_for(send_name), d.encode(d.wrap(sid, send_name, send_body)))
        try:
            got = evcc.conn.receive(2.0)
            ex.response_time_s = got.t_first - sent
            rname, rbody, _ = d.unwrap(d.decode(got.payload, got.payload_type))
            ex.response, ex.code, ex.body = rname, rbody.get("ResponseCode"), rbody
        except ReceiveTimeout:
            ex.error = "no response within 2 s"
        except ConnectionClosed:
            ex.error = "connection closed without a response"
        except Exception as exc:  # noqa: BLE001 - a malformed answer is the charger's fault
            ex.error = f"undecodable answer: {exc}"
        rec.deviation_exchange = ex
        evcc._note(ex)
    _wait_close(evcc, dev, since)
    raise _end(f"deviation: {dev.kind} at {name}")


def _end(why: str) -> Exception:
    from .evcc import SessionEnd

    return SessionEnd(why)


def _body_for(evcc: Any, name: str) -> dict:
    d, bat = evcc.dialect, evcc.battery
    builders = {d.loop_req: lambda: d.current_demand(bat, 10.0),
                d.cable_check_req: lambda: d.cable_check(bat),
                d.pre_charge_req: lambda: d.pre_charge(bat, 2.0),
                d.welding_req: lambda: d.welding(bat),
                d.power_delivery_req: lambda: d.power_delivery(bat, True, None),
                d.cpd_req: lambda: d.charge_parameters(bat),
                "SessionStopReq": d.session_stop}
    if name not in builders:
        raise ValueError(f"cannot send {name} out of sequence")
    return builders[name]()


def _invalid(evcc: Any, name: str, body: dict) -> dict:
    """A schema-valid request with a parameter the charger must refuse."""
    return evcc.dialect.invalid(name, body, evcc.battery)
