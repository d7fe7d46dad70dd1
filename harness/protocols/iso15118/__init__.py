"""ISO 15118 / DIN SPEC 70121: the EV side of high-level communication, as a conformance tester.

Modules: ``sdp`` (SECC discovery, multicast or unicast), ``v2gtp`` (framing), ``transport`` (TCP/TLS with
kernel receive timestamps), ``pki`` (a generated V2G test PKI and TLS contexts), ``evcc`` (the session
state machine, in a thread), ``dialect_din`` / ``dialect_iso2`` / ``dialect_iso20`` (message sets),
``deviate`` (deliberate deviations), ``battery`` (the EV's battery model), ``session`` (what is recorded),
``exi`` (the project's EXI codec, maintained separately). SLAC is in ``harness.protocols.slac``.
"""
