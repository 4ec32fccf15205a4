#!/usr/bin/env python3
"""A raw WebSocket speaker for scripts/screenshots.sh: speaks on /ws/speak/STREAM in real time,
48 kHz mono PCM in 20 ms frames, a voice-like signal (a 140 Hz buzz with harmonics, in
syllables) so that level meters move as they do for a person. Stops when the server closes.
Usage: screenshot_speaker.py PORT STREAM [TOKEN]"""
import base64
import json
import math
import os
import socket
import struct
import sys
import time

port, stream = int(sys.argv[1]), sys.argv[2]
query = f"?token={sys.argv[3]}" if len(sys.argv) > 3 else ""
s = socket.create_connection(('127.0.0.1', port))
key = base64.b64encode(os.urandom(16)).decode()
s.sendall((f"GET /ws/speak/{stream}{query} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
           f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
s.settimeout(0.001)


def send(opcode, payload):
    # A client's frames are masked; the all-zero key leaves the payload as it is (no per-byte work).
    n = len(payload)
    head = bytes([0x80 | opcode]) + (bytes([0x80 | n]) if n < 126 else bytes([0x80 | 126]) + struct.pack('!H', n))
    s.sendall(head + b'\0\0\0\0' + payload)


send(1, json.dumps({'type': 'hello', 'format': {'codec': 'pcm', 'sample_rate': 48000, 'channels': 1,
                                                'sample_format': 's16le', 'frame_ms': 20}}).encode())
rate, frame, seconds = 48000, 960, 4
samples = []
for i in range(rate * seconds):  # made once, then looped: the pacing below must not wait for it
    t = i / rate
    syllable = max(0.0, math.sin(2 * math.pi * 3.0 * t)) ** 0.6 * (0.6 + 0.4 * math.sin(2 * math.pi * 0.25 * t))
    buzz = sum(math.sin(2 * math.pi * 140 * k * t) / k for k in (1, 2, 3, 5))
    samples.append(int(max(-1.0, min(1.0, 0.22 * syllable * buzz)) * 32767))
pcm = struct.pack(f'<{len(samples)}h', *samples)
frames = [pcm[i:i + 2 * frame] for i in range(0, len(pcm), 2 * frame)]
n = 0
start = time.time()
while True:
    send(2, frames[n % len(frames)])
    n += 1
    while time.time() - start < n * frame / rate:
        try:
            if s.recv(65536) == b'':
                sys.exit(0)
        except socket.timeout:
            pass
        except OSError:
            sys.exit(0)
