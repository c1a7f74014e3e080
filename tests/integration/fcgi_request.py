#!/usr/bin/env python3
"""A bare FastCGI client: sends one request's parameters to a responder's socket and, unless
--stdin is given, none of its body (no FCGI_STDIN record at all), then prints what the responder
answers on FCGI_STDOUT within --timeout seconds (exit 0), or nothing (exit 1) when no answer came.

  fcgi_request.py SOCKET [--timeout S] [--stdin TEXT] NAME=VALUE...  (a later NAME=VALUE wins)
"""
import socket
import struct
import sys
import time


def record(kind, content, request_id=1):
    return struct.pack("!BBHHBx", 1, kind, request_id, len(content), 0) + content


def pair(name, value):
    out = b""
    for n in (len(name), len(value)):
        out += struct.pack("!B", n) if n < 128 else struct.pack("!I", n | 0x80000000)
    return out + name + value


def main(argv):
    path, timeout, stdin, params = argv[1], 5.0, None, {}
    args = argv[2:]
    while args:
        a = args.pop(0)
        if a == "--timeout":
            timeout = float(args.pop(0))
        elif a == "--stdin":
            stdin = args.pop(0).encode()
        else:
            name, _, value = a.partition("=")
            params[name.encode()] = value.encode()  # a later NAME=VALUE wins
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    body = b"".join(pair(n, v) for n, v in params.items())
    s.sendall(record(1, struct.pack("!HB5x", 1, 0)) + record(4, body) + record(4, b""))
    if stdin is not None:
        s.sendall(record(5, stdin) + record(5, b""))
    deadline = time.time() + timeout
    buf, out = b"", b""
    while time.time() < deadline:
        s.settimeout(max(0.01, deadline - time.time()))
        try:
            chunk = s.recv(65536)
        except socket.timeout:
            break
        if not chunk:
            break
        buf += chunk
        while len(buf) >= 8:
            _, kind, _, length, padding = struct.unpack("!BBHHB", buf[:7])
            if len(buf) < 8 + length + padding:
                break
            if kind == 6:
                out += buf[8:8 + length]
            buf = buf[8 + length + padding:]
        if b"\r\n\r\n" in out:
            break
    sys.stdout.write(out.decode("utf-8", "replace"))
    return 0 if out else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
