#!/usr/bin/env python3
"""onair attacker: hostile traffic against an OnAir server for bench/attack.sh.

Runs, for --duration seconds and all at once:
  churn      threads that connect and disconnect as fast as they can: WebSocket listeners that
             close properly, WebSocket listeners that reset (RST), bare TCP connects that send
             nothing
  slowloris  sockets that each send a request head one byte a second and never finish it
             (reopened when the server ends them)
  garbage    threads sending 512 random bytes instead of a request
  oversized  threads opening a speaker and sending one binary frame over --max-frame-bytes
Then prints what it did and what the server answered, and its own CPU use. Standard library only.
"""
import argparse
import os
import random
import selectors
import socket
import struct
import threading
import time
from collections import Counter

UPGRADE = ("GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
           "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
LINGER_RST = struct.pack("ii", 1, 0)


def masked_frame(opcode, payload):
    n = len(payload)
    if n < 126:
        head = struct.pack("!BB", 0x80 | opcode, 0x80 | n)
    elif n <= 0xFFFF:
        head = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, n)
    else:
        head = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, n)
    key = os.urandom(4)
    body = bytes(b ^ key[i % 4] for i, b in enumerate(payload[:64])) + payload[64:]  # mask cost bounded; bytes are junk anyway
    return head + key + body


CLOSE_1000 = masked_frame(0x8, struct.pack("!H", 1000))


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.c = Counter()

    def add(self, key, n=1):
        with self.lock:
            self.c[key] += n


def status_of(data):
    if data.startswith(b"HTTP/1.1 "):
        try:
            return int(data[9:12])
        except ValueError:
            return 0
    return 0


def recv_until(s, pred, deadline):
    data = b""
    while not pred(data) and time.monotonic() < deadline:
        try:
            chunk = s.recv(65536)
        except (socket.timeout, OSError):
            break
        if not chunk:
            break
        data += chunk
    return data


def churn(args, stats, stop):
    i = 0
    while not stop.is_set():
        kind = i % 3
        i += 1
        try:
            s = socket.create_connection(("127.0.0.1", args.port), timeout=5)
        except OSError:
            stats.add("churn connect failed")
            continue
        try:
            if kind == 2:
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, LINGER_RST)
                stats.add("churn bare tcp")
                continue
            s.sendall(UPGRADE.format(path="/ws/listen/churn", port=args.port).encode())
            data = recv_until(s, lambda d: b"\r\n\r\n" in d and len(d) > d.index(b"\r\n\r\n") + 4,
                              time.monotonic() + 5)
            st = status_of(data)
            stats.add("churn ws %d" % st)
            if kind == 0:
                s.sendall(CLOSE_1000)
            else:
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, LINGER_RST)
        except OSError:
            stats.add("churn error")
        finally:
            s.close()


def slowloris(args, stats, stop):
    sel = selectors.DefaultSelector()
    head = b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "
    conns = {}

    def open_one():
        try:
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.setblocking(False)
            s.connect_ex(("127.0.0.1", args.port))
            conns[s] = 0
            sel.register(s, selectors.EVENT_READ)
            stats.add("slowloris opened")
        except OSError:
            stats.add("slowloris open failed")

    for _ in range(args.slowloris):
        open_one()
    last_tick = 0.0
    while not stop.is_set():
        for key, _ in sel.select(timeout=0.1):
            s = key.fileobj
            try:
                data = s.recv(4096)
            except OSError:
                data = b""
            if data:
                stats.add("slowloris answered %d" % status_of(data))
            sel.unregister(s)
            s.close()
            conns.pop(s, None)
            stats.add("slowloris ended by server")
            open_one()
        now = time.monotonic()
        if now - last_tick >= 1.0:  # one more byte a second on every socket
            last_tick = now
            for s in list(conns):
                k = conns[s]
                try:
                    s.send(head[k:k + 1] if k < len(head) else b"x")
                    conns[s] = k + 1
                except OSError:
                    pass
    stats.add("slowloris held at end", len(conns))
    for s in list(conns):
        s.close()


def garbage(args, stats, stop):
    rng = random.Random(7)
    while not stop.is_set():
        try:
            s = socket.create_connection(("127.0.0.1", args.port), timeout=5)
            s.sendall(bytes(rng.randrange(256) for _ in range(512)))
            data = recv_until(s, lambda d: False, time.monotonic() + 5)
            stats.add("garbage answered %d" % status_of(data))
            s.close()
        except OSError:
            stats.add("garbage error")


def oversized(args, stats, stop):
    frame = masked_frame(0x2, b"\0" * args.oversize)
    n = 0
    while not stop.is_set():
        n += 1
        try:
            s = socket.create_connection(("127.0.0.1", args.port), timeout=5)
            s.sendall(UPGRADE.format(path="/ws/speak/attack-%d-%d" % (threading.get_ident() % 1000, n),
                                     port=args.port).encode())
            data = recv_until(s, lambda d: b"\r\n\r\n" in d, time.monotonic() + 5)
            if status_of(data) != 101:
                stats.add("oversized refused %d" % status_of(data))
                s.close()
                continue
            s.sendall(frame)
            data = recv_until(s, lambda d: b"\x88" in d, time.monotonic() + 5)
            pos = data.find(b"\x88")
            code = struct.unpack("!H", data[pos + 2:pos + 4])[0] if pos >= 0 and len(data) >= pos + 4 else 0
            stats.add("oversized closed %d" % code)
            s.close()
        except OSError:
            stats.add("oversized error")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--port", type=int, default=8765)
    p.add_argument("--duration", type=float, default=12)
    p.add_argument("--churn", type=int, default=2, help="churn threads")
    p.add_argument("--slowloris", type=int, default=1000, help="slow sockets held")
    p.add_argument("--garbage", type=int, default=1, help="garbage threads")
    p.add_argument("--oversized", type=int, default=1, help="oversized-frame threads")
    p.add_argument("--oversize", type=int, default=100000, help="bytes of the oversized frame")
    args = p.parse_args()

    stats = Stats()
    stop = threading.Event()
    threads = [threading.Thread(target=churn, args=(args, stats, stop)) for _ in range(args.churn)]
    threads += [threading.Thread(target=garbage, args=(args, stats, stop)) for _ in range(args.garbage)]
    threads += [threading.Thread(target=oversized, args=(args, stats, stop)) for _ in range(args.oversized)]
    if args.slowloris:
        threads.append(threading.Thread(target=slowloris, args=(args, stats, stop)))
    t0, cpu0 = time.monotonic(), os.times()
    for t in threads:
        t.start()
    time.sleep(args.duration)
    stop.set()
    for t in threads:
        t.join()
    secs = time.monotonic() - t0
    cpu1 = os.times()
    cpu = (cpu1.user - cpu0.user + cpu1.system - cpu0.system) / secs * 100
    c = stats.c
    churned = sum(v for k, v in c.items() if k.startswith("churn ") and "failed" not in k and "error" not in k)
    print("attack: %.1f s; churn %.0f connections/s; garbage %.0f/s; oversized frames %.0f/s; attacker CPU %.0f%% of one core"
          % (secs, churned / secs,
             sum(v for k, v in c.items() if k.startswith("garbage answered")) / secs,
             sum(v for k, v in c.items() if k.startswith("oversized closed")) / secs, cpu))
    for k in sorted(c):
        print("  %-32s %d" % (k, c[k]))


if __name__ == "__main__":
    main()
