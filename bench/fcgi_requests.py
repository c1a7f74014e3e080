#!/usr/bin/env python3
"""A small FastCGI client for bench/callgrind.sh: sends N requests, one after another, each on a
new connection as nginx does by default (fastcgi_keep_conn off), with the parameters nginx's
/etc/nginx/fastcgi_params passes, and checks every answer's status.

  fcgi_requests.py SOCKET KIND N [SECRET KEY]

SOCKET is unix:/path or 127.0.0.1:PORT. KIND is `dlr` (a POST of one DLR, as bench/unique.lua
sends, with an id no other request carries), `handshake` (the verification request, ?token=KEY)
or `bare` (the DLR's body, for the bare libfcgi responder). Exits 1 on the first answer that is
not 200, or that says a DLR was not stored.
"""
import os
import socket
import struct
import sys
import time

FCGI_BEGIN_REQUEST, FCGI_END_REQUEST, FCGI_PARAMS, FCGI_STDIN, FCGI_STDOUT, FCGI_STDERR = (
    1, 3, 4, 5, 6, 7)


def record(kind, content, request_id=1):
    out = b""
    while True:  # a record holds at most 65535 bytes; an empty one ends a stream
        chunk, content = content[:65535], content[65535:]
        out += struct.pack(">BBHHBx", 1, kind, request_id, len(chunk), 0) + chunk
        if not content:
            return out


def name_value(name, value):
    def length(n):
        return struct.pack(">B", n) if n < 128 else struct.pack(">I", n | 0x80000000)
    name, value = name.encode(), value.encode()
    return length(len(name)) + length(len(value)) + name + value


def connect(address):
    if address.startswith("unix:"):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(address[5:])
    else:
        host, port = address.rsplit(":", 1)
        s = socket.create_connection((host, int(port)))
    return s


def request(address, params, body):
    s = connect(address)
    try:
        data = record(FCGI_BEGIN_REQUEST, struct.pack(">HB5x", 1, 0))  # RESPONDER, no keep-conn
        data += record(FCGI_PARAMS, b"".join(name_value(k, v) for k, v in params))
        data += record(FCGI_PARAMS, b"")
        if body:
            data += record(FCGI_STDIN, body)
        data += record(FCGI_STDIN, b"")
        s.sendall(data)
        buf, stdout = b"", b""
        while True:
            while len(buf) < 8:
                more = s.recv(65536)
                if not more:
                    raise RuntimeError("connection closed before FCGI_END_REQUEST")
                buf += more
            _, kind, _, clen, plen = struct.unpack(">BBHHB", buf[:7])
            while len(buf) < 8 + clen + plen:
                more = s.recv(65536)
                if not more:
                    raise RuntimeError("connection closed inside a record")
                buf += more
            content, buf = buf[8:8 + clen], buf[8 + clen + plen:]
            if kind == FCGI_STDOUT:
                stdout += content
            elif kind == FCGI_END_REQUEST:
                return stdout
    finally:
        s.close()


def main():
    if len(sys.argv) not in (4, 6):
        sys.stderr.write(__doc__)
        return 2
    address, kind, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    secret, key = (sys.argv[4], sys.argv[5]) if len(sys.argv) == 6 else ("bench-secret", "")
    prefix = "%x%04x-cg" % (int(time.time()), os.getpid() & 0xFFFF)
    for i in range(1, n + 1):
        query = "token=" + key if kind == "handshake" else ""
        if kind == "handshake":
            body = '{"validation_key": "%s", "challenge": "c-%s-%d"}' % (key, prefix, i)
        else:
            body = ('{"id": "%s-%d", "mobile": "919800000000", "status": "DELIVRD", '
                    '"credits": "1.0000", "units": 1, "deliv_time": "2024-01-01 10:00:00", '
                    '"sent_time": "2024-01-01 09:59:58", "submit_time": "2024-01-01 09:59:57", '
                    '"cid": "bench", "provider": "bench", "provider_code": "BN"}' % (prefix, i))
        body = body.encode()
        uri = "/receive/callback" + ("?" + query if query else "")
        params = [
            ("QUERY_STRING", query), ("REQUEST_METHOD", "POST"),
            ("CONTENT_TYPE", "application/json"), ("CONTENT_LENGTH", str(len(body))),
            ("SCRIPT_NAME", "/receive/callback"), ("REQUEST_URI", uri),
            ("DOCUMENT_URI", "/receive/callback"), ("DOCUMENT_ROOT", "/usr/share/nginx/html"),
            ("SERVER_PROTOCOL", "HTTP/1.1"), ("REQUEST_SCHEME", "http"),
            ("GATEWAY_INTERFACE", "CGI/1.1"), ("SERVER_SOFTWARE", "nginx/1.22.1"),
            ("REMOTE_ADDR", "127.0.0.1"), ("REMOTE_PORT", str(40000 + i % 20000)),
            ("SERVER_ADDR", "127.0.0.1"), ("SERVER_PORT", "8080"), ("SERVER_NAME", "localhost"),
            ("REDIRECT_STATUS", "200"), ("HTTP_HOST", "127.0.0.1:8080"),
            ("HTTP_CONTENT_TYPE", "application/json"),
            ("HTTP_AUTHORIZATION", "Bearer " + secret),
            ("HTTP_CONTENT_LENGTH", str(len(body))),
        ]
        out = request(address, params, body)
        head = out.split(b"\r\n", 1)[0]
        if kind != "bare" and not head.startswith(b"Status: 200"):
            sys.stderr.write("fcgi_requests: request %d answered: %r\n" % (i, out[:300]))
            return 1
        if kind == "dlr" and b'"stored":1' not in out:
            sys.stderr.write("fcgi_requests: request %d not stored: %r\n" % (i, out[:300]))
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
