"""The EV's communication controller (EVCC) as a conformance tester: SDP, V2GTP, supportedAppProtocol and
the DC sequence, with deliberate deviations and socket-level response times.

It runs in its own thread so that steps can measure with instruments while the charge loop runs.
Long process timers (ongoing, cable check, precharge) run on the run's virtual clock; per-message
timeouts and response times are real seconds, whatever the time scale.
"""

from __future__ import annotations

import secrets
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from . import exi, sdp, v2gtp
from .battery import Battery
from .deviate import deviate
from .session import Deviation, Exchange, SessionRecord
from .transport import ConnectionClosed, ReceiveTimeout, V2gConnection


class VirtualClock(Protocol):
    def now(self) -> float: ...


@dataclass
class Target:
    """Where the charger is: SDP unicast to ``sdp_address`` (virtual lab) or multicast on ``interface``."""

    sdp_address: tuple[str, int] | None = None
    interface: str | None = None
    tls: Any = None  # ssl.SSLContext for TLS sessions


@dataclass
class Timers:
    """EV-side timers (DIN SPEC 70121 / ISO 15118-2 via reference/iso15118.md 4.3; virtual seconds)."""

    ongoing_s: float = 60.0
    cable_check_s: float = 40.0
    pre_charge_s: float = 7.0
    welding_s: float = 10.0
    poll_real_s: float = 0.005  # pause between repeated Ongoing requests (real; short, for scaled time)
    loop_real_s: float = 0.01  # charge loop period (real)
    emergency_hold_s: float = 2.0  # after an EV error, keep reporting it this long before closing (virtual)
    precharge_tolerance_v: float = 20.0
    precharge_current_a: float = 2.0
    stop_current_a: float = 5.0  # the EV opens its contactor below this after PowerDelivery(stop)
    contactor_open_s: float = 30.0  # ... or after this long (virtual) if the current does not fall
    welding_done_v: float = 60.0


class SessionEnd(Exception):
    """Ends the sequence early with an outcome (the charger failed, a deviation was sent ...)."""


class StepFailed(SessionEnd):
    pass


@dataclass
class Evcc:
    dialect: Any
    battery: Battery
    target: Target
    clock: VirtualClock
    timers: Timers = field(default_factory=Timers)
    deviation: Deviation | None = None
    cp: Callable[[str], None] | None = None  # set the EV's pilot state (B/C) through the EV emulator
    on_exchange: Callable[[Exchange], None] | None = None
    stop_after_s: float | None = None  # virtual seconds of charge loop before the EV stops by itself
    # the bench's battery emulator follows the EV's contactor and battery: prepare/close/track/open
    ev_battery: Callable[[str], None] | None = None

    def __post_init__(self) -> None:
        self.record = SessionRecord(self.dialect.name)
        self.conn: V2gConnection | None = None
        self.session_id = self.dialect.initial_session_id
        self.evccid = secrets.token_hex(6).upper()
        self._stop = threading.Event()
        self._emergency = threading.Event()
        self._abort = threading.Event()
        self.hold_precharge = threading.Event()  # set: keep precharging after reaching the voltage
        self._t0 = self.clock.now()
        self._thread = threading.Thread(target=self._run, name="chargebench-evcc", daemon=True)
        self._limits: dict[str, float | None] = {}

    # -- control from steps ----------------------------------------------------------------------------------
    def start(self) -> None:
        self._thread.start()

    def request_stop(self, emergency: bool = False) -> None:
        self.hold_precharge.clear()
        (self._emergency if emergency else self._stop).set()

    def abort(self) -> None:
        """Safe state: drop the connection now (the charger must then shut down)."""
        self._abort.set()
        self._stop.set()
        if self.conn is not None:
            self.conn.close()

    def aborted(self) -> bool:
        return self._abort.is_set()

    def join(self, timeout_s: float) -> bool:
        self._thread.join(timeout_s)
        return not self._thread.is_alive()

    def t(self) -> float:
        return self.clock.now() - self._t0

    # -- the thread ------------------------------------------------------------------------------------------
    def _run(self) -> None:
        try:
            self._sequence()
            self.record.finish("completed", self.t())
        except SessionEnd as exc:
            self.record.finish(str(exc), self.t())
        except BaseException as exc:  # noqa: BLE001 - a harness bug must end the session, not hang the run
            self.record.finish(f"harness error: {type(exc).__name__}: {exc}", self.t())
        finally:
            if self.conn is not None:
                self.conn.close()
            try:
                self._battery("open")  # the session ended otherwise than by PowerDelivery(stop): EV contactor open
            except Exception:  # noqa: BLE001 - the bench's safe state covers a lost emulator
                pass
            if self.cp is not None and self.record.reached("cable_check") and not self._abort.is_set():
                try:
                    self.cp("B")
                except Exception:  # noqa: BLE001 - the bench's safe state covers a lost emulator
                    pass

    def _battery(self, what: str) -> None:
        if self.ev_battery is not None and not self._abort.is_set():
            self.ev_battery(what)

    def _fault(self, why: str) -> SessionEnd:
        self.record.charger_fault = self.record.charger_fault or why
        return SessionEnd(f"charger_fault: {why}")

    def _sequence(self) -> None:
        rec, d, bat, tm = self.record, self.dialect, self.battery, self.timers
        rec.enter("sdp", self.t())
        try:
            found = sdp.discover(self.target.sdp_address, self.target.interface,
                                 sdp.SECURITY_TLS if self.target.tls else sdp.SECURITY_NONE)
        except sdp.SdpError as exc:
            raise self._fault(f"SDP: {exc}") from None
        except OSError as exc:
            raise SessionEnd(f"harness error: SDP socket: {exc}") from None
        rec.sdp = {"address": found.address, "port": found.port, "security": found.security,
                   "transport": found.transport, "response_time_s": found.response_time_s,
                   "attempts": found.attempts}
        if self.target.tls is not None and found.security != sdp.SECURITY_TLS:
            raise self._fault("SDP answered without TLS to a TLS request")
        try:
            self.conn = V2gConnection.connect(found.address, found.port, tls=self.target.tls)
        except ssl.SSLError as exc:
            raise self._fault(f"TLS handshake with [{found.address}]:{found.port}: {exc}") from None
        except OSError as exc:
            raise self._fault(f"TCP connect to [{found.address}]:{found.port}: {exc}") from None
        if isinstance(self.conn.sock, ssl.SSLSocket):
            rec.sdp["tls"] = self.conn.sock.version()
            rec.sdp["cipher"] = (self.conn.sock.cipher() or ("",))[0]
        rec.enter("connected", self.t())
        self._sap()
        res = self._send("SessionSetupReq", d.session_setup(self.evccid))
        self.session_id = res["_session_id"] or self.session_id
        rec.enter("session", self.t())
        cpd = d.negotiate(self)
        self._limits = rec.evse_limits = d.evse_limits(cpd)
        rec.enter("parameters", self.t())
        if getattr(d, "energy", "DC") == "AC":
            self._ac(cpd)
            return
        if self.cp is not None:
            self.cp("C")
        self._battery("prepare")
        rec.enter("cable_check", self.t())
        self._until_finished(d.cable_check_req, lambda: d.cable_check(bat), tm.cable_check_s)
        rec.enter("pre_charge", self.t())
        self._pre_charge()
        d.start_power(self, cpd)
        self._battery("close")
        rec.enter("charging", self.t())
        self._charge_loop()
        rec.enter("stopping", self.t())
        self._send(d.power_delivery_req, d.power_delivery(bat, False, d.schedule_id(cpd)))
        rec.enter("welding", self.t())
        self._battery("open")
        self._welding()
        if self.cp is not None:
            self.cp("B")
        self._send("SessionStopReq", d.session_stop())
        rec.enter("stopped", self.t())

    def _ac(self, cpd: dict) -> None:
        """AC (-2 and -20): PowerDelivery(Start), state C, the charge loop, PowerDelivery(Stop), state B."""
        d, rec = self.dialect, self.record
        d.start_power(self, cpd)
        if self.cp is not None:
            self.cp("C")
        rec.enter("charging", self.t())
        start = self.t()
        while not self._stop.is_set():
            res = self._send(getattr(d, "ac_loop_req", d.loop_req), d.ac_loop(self.battery))
            if d.stop_requested(res) or (self.stop_after_s is not None and self.t() - start >= self.stop_after_s):
                break
            self._stop.wait(self.timers.loop_real_s)
        rec.enter("stopping", self.t())
        self._send(d.power_delivery_req, d.power_delivery(self.battery, False, d.schedule_id(cpd)))
        if self.cp is not None:
            self.cp("B")
        rec.enter("welding", self.t())
        self._send("SessionStopReq", d.session_stop())
        rec.enter("stopped", self.t())

    def _sap(self) -> None:
        ns, major, minor = self.dialect.sap
        req = {"supportedAppProtocolReq": {"AppProtocol": [
            {"ProtocolNamespace": ns, "VersionNumberMajor": major, "VersionNumberMinor": minor,
             "SchemaID": 1, "Priority": 1}]}}
        ex = Exchange("supportedAppProtocolReq", self.t())
        self.record.exchanges.append(ex)
        sent = self.conn.send(v2gtp.EXI, exi.encode(req, exi.APP_PROTOCOL))
        got = self._receive(ex, 2.0, sent)
        try:
            body = exi.decode(got.payload, exi.APP_PROTOCOL)["supportedAppProtocolRes"]
        except Exception as exc:  # noqa: BLE001 - anything undecodable is the charger's fault
            ex.error = f"undecodable supportedAppProtocolRes: {exc}"
            raise self._fault(ex.error) from None
        ex.response, ex.code, ex.body = "supportedAppProtocolRes", body.get("ResponseCode"), body
        self._note(ex)
        if not str(ex.code).startswith("OK") or body.get("SchemaID") != 1:
            raise self._fault(f"supportedAppProtocol answered {ex.code}, SchemaID {body.get('SchemaID')}")

    # -- one exchange ----------------------------------------------------------------------------------------
    def _receive(self, ex: Exchange, timeout_s: float, sent: float):
        try:
            got = self.conn.receive(timeout_s)
        except ReceiveTimeout:
            ex.error = f"no response within {timeout_s:g} s"
            self._note(ex)
            raise SessionEnd(f"timeout: {ex.request}") from None
        except ConnectionClosed as exc:
            ex.error = f"connection closed: {exc}"
            self._note(ex)
            raise SessionEnd(f"closed by charger at {ex.request}") from None
        except v2gtp.V2gtpError as exc:
            ex.error = f"malformed V2GTP header: {exc}"
            self._note(ex)
            raise self._fault(ex.error) from None
        ex.response_time_s = got.t_first - sent
        return got

    def _note(self, ex: Exchange) -> None:
        if self.on_exchange is not None:
            self.on_exchange(ex)

    def _send(self, name: str, body: dict, deviation: str | None = None) -> dict:
        """Send one request, return the answer's body (plus ``_session_id``); end the session on failure."""
        if self._abort.is_set():
            raise SessionEnd("aborted")
        dev = self.deviation
        if dev is not None and deviation is None and dev.at == name:
            self.deviation = None
            return deviate(self, dev, name, body)
        ex = Exchange(name, self.t(), deviation=deviation)
        self.record.exchanges.append(ex)
        sid = self.session_id
        message = self.dialect.wrap(sid, name, body)
        try:
            ptype, data = self.dialect.payload_type_for(name), self.dialect.encode(message)
        except Exception as exc:  # noqa: BLE001 - our own message failed to encode: a harness error
            ex.error = f"encode: {exc}"
            raise SessionEnd(f"harness error: cannot encode {name}: {exc}") from None
        try:
            sent = self.conn.send(ptype, data)
        except ConnectionClosed as exc:
            ex.error = f"connection closed: {exc}"
            raise SessionEnd(f"closed by charger before {name}") from None
        got = self._receive(ex, self.dialect.timeouts.get(name, self.dialect.default_timeout), sent)
        try:
            rname, rbody, rsid = self.dialect.unwrap(self.dialect.decode(got.payload, got.payload_type))
        except Exception as exc:  # noqa: BLE001 - anything undecodable is the charger's fault
            ex.error = f"undecodable answer to {name}: {exc}"
            self._note(ex)
            raise self._fault(ex.error) from None
        ex.response, ex.code, ex.body = rname, rbody.get("ResponseCode"), rbody
        self._note(ex)
        if deviation is not None:
            return {**rbody, "_session_id": rsid}
        if rname != name[:-3] + "Res" and not (deviation is None and self.dialect.lenient_names):
            raise self._fault(f"{name} answered with {rname}")
        if not str(ex.code).startswith("OK"):
            raise StepFailed(f"failed response: {rname} {ex.code}")
        if name != "SessionSetupReq" and rsid not in (None, self.session_id):
            raise self._fault(f"{rname} carries session id {rsid}, expected {self.session_id}")
        return {**rbody, "_session_id": rsid}

    def _until_finished(self, name: str, build: Callable[[], dict], limit_s: float) -> dict:
        start = self.t()
        while True:
            res = self._send(name, build())
            if self.dialect.finished(res):
                return res
            if self.t() - start > limit_s:
                raise SessionEnd(f"timeout: {name} still Ongoing after {limit_s:g} s")
            time.sleep(self.timers.poll_real_s)

    # -- phases ----------------------------------------------------------------------------------------------
    def _pre_charge(self) -> None:
        d, bat, tm, rec = self.dialect, self.battery, self.timers, self.record
        start = self.t()
        rec.precharge_target_v = bat.ocv()
        while True:
            res = self._send(d.pre_charge_req, d.pre_charge(bat, tm.precharge_current_a))
            v = d.present_voltage(res)
            rec.precharge_present_v = v
            if v is not None and abs(v - bat.ocv()) <= tm.precharge_tolerance_v:
                rec.enter("pre_charged", self.t())
                if not self.hold_precharge.is_set() or self._abort.is_set():
                    return
            elif self.t() - start > tm.pre_charge_s:
                raise SessionEnd(f"timeout: precharge reached {v} V, battery at {bat.ocv():.1f} V")
            time.sleep(tm.poll_real_s)

    def _charge_loop(self) -> None:
        d, bat, rec = self.dialect, self.battery, self.record
        start = last = self.t()
        while not self._stop.is_set() or self._emergency.is_set():
            emergency = self._emergency.is_set()
            if emergency and rec.emergency_t is None and getattr(d, "emergency_via_pilot", False) and self.cp:
                self.cp("B")  # ISO 15118-20: no EVErrorCode in the loop, the EV opens S2 (IEC 61851-23 CC.3.5)
                self._mark_emergency(self.t())
            current = 0.0 if emergency else bat.request_current()
            rec.last_target_a = current
            body = (d.current_demand(bat, current, ready=False, error="FAILED_EVRESSMalfunction") if emergency
                    else d.current_demand(bat, current))
            asked = self.t()
            res = self._send(d.loop_req, body)
            now = self.t()
            rec.last_present_v, rec.last_present_a = d.present_voltage(res), d.present_current(res)
            rec.report_request_t = asked
            bat.charge(rec.last_present_v or 0.0, rec.last_present_a or 0.0, now - last)
            last = now
            self._battery("track")
            if emergency:
                if rec.emergency_t is None:
                    self._mark_emergency(now)
                if now - rec.emergency_t >= self.timers.emergency_hold_s:
                    raise SessionEnd("emergency stop by the EV")
                time.sleep(self.timers.loop_real_s)
                continue
            if d.stop_requested(res) or bat.complete():
                return
            if self.stop_after_s is not None and now - start >= self.stop_after_s:
                return
            self._stop.wait(self.timers.loop_real_s)

    def _mark_emergency(self, t: float) -> None:
        rec = self.record
        with rec.changed:
            rec.emergency_t = t
            rec.changed.notify_all()

    def _welding(self) -> None:
        d, bat, tm = self.dialect, self.battery, self.timers
        start = self.t()
        while True:
            res = self._send(d.welding_req, d.welding(bat))
            v = d.present_voltage(res)
            if v is not None and v < tm.welding_done_v:
                return
            if self.t() - start > tm.welding_s:
                return  # the EV gives up on welding detection and stops the session anyway
            time.sleep(tm.poll_real_s)
