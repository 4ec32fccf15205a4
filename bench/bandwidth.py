#!/usr/bin/env python3
"""Bytes per second one listener receives: connects to /ws/listen/STREAM with a raw socket,
counts every byte of the WebSocket stream for SECONDS, and splits audio payload, WebSocket
framing and JSON. Estimates the wire rate with 52 bytes of IPv4+TCP (timestamps) per frame.
usage: bandwidth.py HOST:PORT STREAM SECONDS"""
import base64, json, os, socket, sys, time

host, port = sys.argv[1].split(':')
stream, seconds = sys.argv[2], float(sys.argv[3])
s = socket.create_connection((host, int(port)))
key = base64.b64encode(os.urandom(16)).decode()
s.sendall((f"GET /ws/listen/{stream} HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
           f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
buf = b''
while b'\r\n\r\n' not in buf:
    buf += s.recv(4096)
buf = buf.split(b'\r\n\r\n', 1)[1]
audio = header = text = frames = audio_frames = 0
fmt = None
t0 = time.monotonic()
s.settimeout(0.5)
while time.monotonic() - t0 < seconds:
    try:
        chunk = s.recv(65536)
    except socket.timeout:
        continue
    if not chunk:
        break
    buf += chunk
    while len(buf) >= 2:
        op, n = buf[0] & 0x0F, buf[1] & 0x7F
        h = 2
        if n == 126:
            if len(buf) < 4: break
            n, h = int.from_bytes(buf[2:4], 'big'), 4
        elif n == 127:
            if len(buf) < 10: break
            n, h = int.from_bytes(buf[2:10], 'big'), 10
        if len(buf) < h + n: break
        payload, buf = buf[h:h + n], buf[h + n:]
        frames += 1
        header += h
        if op == 2:
            audio += n; audio_frames += 1
        else:
            text += n
            if op == 1:
                m = json.loads(payload)
                fmt = m.get('format', fmt) if m.get('type') in ('connected', 'format') else fmt
elapsed = time.monotonic() - t0
kbps = lambda b: round(b * 8 / elapsed / 1000, 1)
print(json.dumps({'seconds': round(elapsed, 1), 'format': fmt, 'audio_frames_per_s': round(audio_frames / elapsed, 1),
                  'audio_kbps': kbps(audio), 'ws_framing_kbps': kbps(header), 'json_kbps': kbps(text),
                  'websocket_total_kbps': kbps(audio + header + text),
                  'wire_estimate_kbps': kbps(audio + header + text + 52 * frames)}))
