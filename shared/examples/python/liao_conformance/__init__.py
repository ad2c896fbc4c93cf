"""Liao protocol conformance kit, written from shared/PROTOCOL.md alone.

Run the whole conformance suite against a server binary:

    python3 -m liao_conformance /path/to/liao-server

It starts its own server on a free port with a temporary data directory, pins the certificate
fingerprint the server prints, and runs through accounts, friends, direct chat, idempotent sends,
read markers, recall, resync, groups, bad input and the tus file endpoints, printing
`ok  <what>` / `FAIL <what>: <why>` per step and `N passed, M failed`.

Other programs import the client half to drive a server themselves:

    import liao_conformance as lc
    server = lc.Server(binary)
    await server.start()
    alice = lc.Client("alice", server.ws_url, server.fingerprint)
    await alice.connect()

Install with `python3 -m pip install -e shared/examples/python` (Python 3.11, `websockets`).
"""

from .client import TIMEOUT, Client, Fail, Https, Server, cmid, expect, text_body

__all__ = ["TIMEOUT", "Client", "Fail", "Https", "Server", "cmid", "expect", "text_body"]
