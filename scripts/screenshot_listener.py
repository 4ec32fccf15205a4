#!/usr/bin/env python3
"""A raw WebSocket listener for scripts/screenshots.sh: joins /ws/listen/STREAM with a User-Agent
and, like the listener page, reports what it plays every 5 s (listener_report).
Usage: screenshot_listener.py PORT STREAM USER_AGENT STATE DELAY_MS"""
import base64
import json
import os
import socket
import struct
import sys
import time

port, stream, ua, state, delay = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
s = socket.create_connection(('127.0.0.1', port))
key = base64.b64encode(os.urandom(16)).decode()
s.sendall((f"GET /ws/listen/{stream} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
           f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
           f"User-Agent: {ua}\r\n\r\n").encode())
s.settimeout(0.2)


def send_text(text):
    payload = text.encode()
    mask = os.urandom(4)
    head = bytes([0x81]) + (bytes([0x80 | len(payload)]) if len(payload) < 126
                            else bytes([0x80 | 126]) + struct.pack('!H', len(payload)))
    s.sendall(head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))


last = 0.0
while True:
    if time.time() - last > 5:
        last = time.time()
        send_text(json.dumps({'type': 'listener_report', 'state': state,
                              'delay_ms': delay if state == 'playing' else None, 'decoder': 'wasm'}))
    try:
        if not s.recv(65536):
            break
    except socket.timeout:
        pass
