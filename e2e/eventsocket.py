"""A client of the live event WebSocket (/api/v1/events) for the end-to-end tests."""
import base64
import json
import os
import socket
import struct
import time


class WebSocket:
    """RFC 6455 client: handshake (bearer token, optional Origin), text frames, pong to ping."""

    def __init__(self, base, token, origin=None, timeout=5):
        host, port = base.replace("http://", "").split(":")
        self.sock = socket.create_connection((host, int(port)), timeout=timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        headers = [f"GET /api/v1/events HTTP/1.1", f"Host: {host}:{port}", "Upgrade: websocket", "Connection: Upgrade",
                   f"Sec-WebSocket-Key: {key}", "Sec-WebSocket-Version: 13"]
        if token:
            headers.append(f"Authorization: Bearer {token}")
        if origin:
            headers.append(f"Origin: {origin}")
        self.sock.sendall(("\r\n".join(headers) + "\r\n\r\n").encode())
        head = b""
        end = time.monotonic() + timeout
        while b"\r\n\r\n" not in head and time.monotonic() < end:
            chunk = self.sock.recv(4096)
            if not chunk:
                break
            head += chunk
        self.status = int(head.split(b" ")[1]) if head.startswith(b"HTTP/") else 0
        self.buffer = head.split(b"\r\n\r\n", 1)[1] if b"\r\n\r\n" in head else b""
        self.events = []

    def _read(self, n):
        while len(self.buffer) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed")
            self.buffer += chunk
        data, self.buffer = self.buffer[:n], self.buffer[n:]
        return data

    def _send(self, opcode, payload):
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(bytes([0x80 | opcode, 0x80 | len(payload)]) + mask + masked)

    def next_event(self, timeout):
        """The next JSON text message, or None after `timeout` seconds without one."""
        end = time.monotonic() + timeout
        while True:
            left = end - time.monotonic()
            if left <= 0:
                return None
            self.sock.settimeout(left)
            try:
                first, second = self._read(2)
                length = second & 0x7F
                if length == 126:
                    length = struct.unpack(">H", self._read(2))[0]
                elif length == 127:
                    length = struct.unpack(">Q", self._read(8))[0]
                payload = self._read(length)
            except socket.timeout:
                return None
            opcode = first & 0x0F
            if opcode == 9:
                self._send(10, payload[:125])
            elif opcode == 8:
                raise ConnectionError("closed by the server")
            elif opcode == 1:
                event = json.loads(payload)
                self.events.append(event)
                return event

    def collect(self, until, timeout):
        """Reads events until until(events) holds or `timeout` passes; returns all read so far."""
        end = time.monotonic() + timeout
        while not until(self.events) and time.monotonic() < end:
            self.next_event(max(0.05, end - time.monotonic()))
        return self.events

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass
