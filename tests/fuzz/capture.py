#!/usr/bin/env python3
"""capture.py: make the reply and verdict seed corpora from the lab.

Run inside the lab (it sends to 127.0.0.0/8 only):

    tests/lab/run python3 tests/fuzz/capture.py tests/fuzz/corpus

For each lab resolver below it asks every question of the fuzz fixture's
plan (tests/fuzz/fixture.h, fixture_plan: keep PLAN in the same order),
exactly as match_build_query builds it (id 0x5250, RD, EDNS0 1232 with DO),
and writes
  corpus/reply/<resolver>-<n>: the selector byte (n | DO | exact case)
      followed by the reply as received (fuzz_reply.c's input);
  corpus/verdict/<resolver>: every question's result framed as
      fuzz_verdict.c reads it (head, index, 2-byte length, reply); a
      question without an answer is framed as a timeout.
Replies are raw bytes, so the malformed chaos behaviours are kept as sent.
"""
import os
import socket
import struct
import sys

PLAN = [  # (qname, qtype): fixture_plan order
    ("gmail.com.", 15),
    ("gmail-smtp-in.l.google.com.", 1),
    ("gmail-smtp-in.l.google.com.", 28),
    ("yahoo.com.", 15),
    ("mta5.am0.yahoodns.net.", 1),
    ("qq.com.", 15),
    ("mx3.qq.com.", 1),
    ("mail.ru.", 15),
    ("www.example.net.", 1),
    ("rp-fuzzfuzzfuzzfuzz.example.net.", 1),
    ("GmAiL.CoM.", 15),
    ("alt1.gmail-smtp-in.l.google.com.", 1),
    ("txt.example.net.", 16),
]

RESOLVERS = {
    "honest": "127.0.1.1",
    "falsified-mx": "127.0.2.1",
    "falsified-a": "127.0.2.2",
    "loopback": "127.0.2.3",
    "private": "127.0.2.4",
    "incomplete": "127.0.2.5",
    "static": "127.0.3.2",
    "varying": "127.0.3.3",
    "bitflip": "127.0.3.4",
    "nxrewrite": "127.0.3.6",
    "ad-on-false": "127.0.3.7",
    "stripped": "127.0.3.8",
    "mal-random": "127.0.3.9",
    "mal-garbage": "127.0.3.10",
    "mal-short": "127.0.3.11",
    "mal-countlie": "127.0.3.12",
    "mal-ptrloop": "127.0.3.13",
    "refused": "127.0.3.15",
    "servfail": "127.0.3.16",
    "referral": "127.0.3.17",
    "truncate": "127.0.3.18",
    "forged-id": "127.0.3.20",
}

QID = 0x5250
SEL_DO, SEL_EXACT = 0x10, 0x20


def query(qname, qtype):
    """The wire query match_build_query makes (question bytes identical)."""
    head = struct.pack("!HHHHHH", QID, 0x0100, 1, 0, 0, 1)
    name = b"".join(bytes([len(l)]) + l.encode()
                    for l in qname.rstrip(".").split(".")) + b"\0"
    opt = b"\0" + struct.pack("!HHIH", 41, 1232, 0x8000, 0)
    return head + name + struct.pack("!HH", qtype, 1) + opt


def ask(addr, wire):
    """First reply with our id, or None after 2 s."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(2)
    try:
        s.sendto(wire, (addr, 53))
        while True:
            data, _ = s.recvfrom(65535)
            if len(data) >= 2 and data[:2] == wire[:2]:
                return data
    except (socket.timeout, OSError):
        return None
    finally:
        s.close()


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "tests/fuzz/corpus"
    os.makedirs(os.path.join(out, "reply"), exist_ok=True)
    os.makedirs(os.path.join(out, "verdict"), exist_ok=True)
    for label, addr in sorted(RESOLVERS.items()):
        framed = b""
        for n, (qname, qtype) in enumerate(PLAN):
            reply = ask(addr, query(qname, qtype))
            if reply is None:
                framed += bytes([1, n, 0, 0])
                continue
            with open(os.path.join(out, "reply", "%s-%02d" % (label, n)),
                      "wb") as f:
                f.write(bytes([n | SEL_DO | SEL_EXACT]) + reply)
            framed += bytes([0, n]) + struct.pack("!H", len(reply)) + reply
        with open(os.path.join(out, "verdict", label), "wb") as f:
            f.write(framed)
        print(label, addr, len(framed), "bytes")


if __name__ == "__main__":
    main()
