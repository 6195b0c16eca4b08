"""`anttmap serve` over HTTPS (libmicrohttpd with GnuTLS), and the refusal of plain HTTP beyond this machine.
A certificate for 127.0.0.1 is made for the test by openssl; Python's ssl module checks it as any client would."""
import http.client
import json
import shutil
import socket
import ssl
import subprocess
import time
import urllib.parse

import pytest

from conftest import anttmap_binary, free_port


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    if shutil.which("openssl") is None:
        pytest.fail("openssl is needed to make the test certificate (Debian package openssl)")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    return cert, key


REDIRECT_PORTS = {}  # HTTPS port -> its --redirect-http-port


@pytest.fixture(scope="module")
def tls_server(sample_store, certificate, tmp_path_factory):
    cert, key = certificate
    password = tmp_path_factory.mktemp("pw") / "password.txt"
    password.write_text("Mật khẩu qua HTTPS 2026\n")
    subprocess.run([anttmap_binary(), "--db", str(sample_store), "user", "add", "tls.viewer", "--role", "viewer",
                    "--password-file", str(password)], check=True, capture_output=True)
    port, plain_port = free_port(), free_port()
    work = tmp_path_factory.mktemp("tls-work")
    process = subprocess.Popen([anttmap_binary(), "--db", str(sample_store), "--quiet", "serve", "--port", str(port),
                                "--work-dir", str(work), "--tls-cert", str(cert), "--tls-key", str(key),
                                "--redirect-http-port", str(plain_port)],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    context = ssl.create_default_context(cafile=str(cert))
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail("anttmap serve --tls-cert exited: " + process.stdout.read())
        try:
            connection = http.client.HTTPSConnection("127.0.0.1", port, context=context, timeout=10)
            connection.request("GET", "/health")
            if connection.getresponse().status == 200:
                break
        except OSError:
            time.sleep(0.2)
    else:
        process.kill()
        pytest.fail("the HTTPS server did not answer within 120 s")
    REDIRECT_PORTS[port] = plain_port
    yield port, context
    process.terminate()
    process.wait(30)


def https(port, context, method, path, body=None, headers=None):
    connection = http.client.HTTPSConnection("127.0.0.1", port, context=context, timeout=30)
    connection.request(method, path, body=body, headers=headers or {})
    response = connection.getresponse()
    return response.status, response.getheaders(), response.read()


def test_tiles_and_capabilities_over_https(tls_server):
    port, context = tls_server
    status, headers, body = https(port, context, "GET", "/tiles/communes/9/405/225.png")
    assert status == 200 and body.startswith(b"\x89PNG")
    status, _, body = https(port, context, "GET", "/wms?SERVICE=WMS&REQUEST=GetCapabilities&VERSION=1.3.0")
    assert status == 200 and f"https://127.0.0.1:{port}/wms".encode() in body


def test_small_and_large_answers_on_one_kept_alive_connection_come_at_once(tls_server):
    """Small answers are corked into one TLS record and sent when libmicrohttpd is done with them
    (server/src/http/tls_records.hpp). If the send waited on TCP_CORK, each would take 200 ms."""
    port, context = tls_server
    connection = http.client.HTTPSConnection("127.0.0.1", port, context=context, timeout=30)
    tile = "/tiles/communes/9/405/225.png"
    connection.request("GET", tile)
    first = connection.getresponse()
    first_body, etag = first.read(), first.getheader("ETag")
    asked = [("GET", tile, {}), ("GET", "/health", {}), ("HEAD", tile, {}),
             ("GET", tile, {"If-None-Match": etag}),
             ("GET", "/wms?SERVICE=WMS&REQUEST=GetCapabilities&VERSION=1.3.0", {}),  # over 16 KB: not corked
             ("GET", "/tiles/villages/9/405/225.png", {}), ("GET", "/no-such-page", {})]
    took = []
    for round_number in range(7):  # the first round renders what is not cached yet: not timed
        for method, path, headers in asked:
            started = time.monotonic()
            connection.request(method, path, headers=headers)
            response = connection.getresponse()
            body = response.read()
            if round_number > 0 and not path.startswith("/wms"):  # capabilities are computed: 0.3 s under ASan
                took.append(time.monotonic() - started)
            if path == tile and method == "GET" and not headers:
                assert response.status == 200 and body == first_body
            if headers:
                assert response.status == 304 and body == b""
            if method == "HEAD":
                assert response.status == 200 and body == b""
            if path.startswith("/wms"):
                assert response.status == 200 and len(body) > 16 * 1024 and body.rstrip().endswith(b">")
    took.sort()
    # A write held by TCP_CORK waits 200 ms: every answer would take that long.
    assert took[len(took) // 2] < 0.05 and took[-1] < 0.15, took[-5:]


def test_a_client_that_stops_reading_is_cut_and_does_not_hold_up_others(tls_server):
    """Pipelined requests never read, with a small receive window: once the socket is full the server
    waits for room at most a second, then closes that connection; another client is answered meanwhile."""
    port, context = tls_server
    raw = socket.socket()
    raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    raw.settimeout(10)
    raw.connect(("127.0.0.1", port))
    greedy = context.wrap_socket(raw, server_hostname="127.0.0.1")
    asked = 20000  # about 10 MB of small answers: more than the send buffer grows to (net.ipv4.tcp_wmem, 4 MB)
    greedy.setblocking(False)
    pending = b"GET /tiles/villages/9/405/225.png HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" * asked  # a small tile
    started = time.monotonic()
    while pending and time.monotonic() - started < 5:
        try:
            pending = pending[greedy.send(pending[:16384]):]
        except (ssl.SSLWantWriteError, ssl.SSLWantReadError, BlockingIOError):
            time.sleep(0.01)
        except OSError:
            break
    for _ in range(8):
        since = time.monotonic()
        status, _, _ = https(port, context, "GET", "/health")
        assert status == 200 and time.monotonic() - since < 3
        time.sleep(0.25)
    # Now read: a connection the server cut ends before all its answers; one it kept answers them all.
    greedy.setblocking(True)
    greedy.settimeout(5)
    received = b""
    reading = time.monotonic()
    try:
        while time.monotonic() - reading < 20:
            chunk = greedy.recv(65536)
            if not chunk:
                break
            received += chunk
        else:
            pytest.fail(f"the server kept the connection of a client that stopped reading "
                        f"({received.count(b'HTTP/1.1 200')} answers read in 20 s)")
    except (ssl.SSLError, ConnectionError):
        pass
    except TimeoutError:
        pytest.fail(f"the server kept the connection of a client that stopped reading "
                    f"({received.count(b'HTTP/1.1 200')} answers read)")
    finally:
        greedy.close()
    assert received.count(b"HTTP/1.1 200") < asked


def test_plain_http_to_the_https_port_gets_no_answer(tls_server):
    port, _ = tls_server
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    with pytest.raises((http.client.HTTPException, OSError)):
        connection.request("GET", "/health")
        response = connection.getresponse()
        assert response.status >= 400  # never a map over plain HTTP
        raise OSError("answered " + str(response.status))


def test_sign_in_over_https_sets_a_secure_session_cookie(tls_server):
    port, context = tls_server
    status, headers, page = https(port, context, "GET", "/login")
    assert status == 200
    login_cookie = dict(headers)["Set-Cookie"]
    assert "Secure" in login_cookie and "HttpOnly" in login_cookie
    token = login_cookie.split(";")[0].split("=", 1)[1]
    form = urllib.parse.urlencode({"token": token, "name": "tls.viewer", "password": "Mật khẩu qua HTTPS 2026"})
    status, headers, _ = https(port, context, "POST", "/login", form,
                               {"Content-Type": "application/x-www-form-urlencoded", "Cookie": "anttmap_login=" + token})
    assert status == 303
    session = dict(headers)["Set-Cookie"]
    assert session.startswith("anttmap_session=") and "Secure" in session and "SameSite=Strict" in session
    status, headers, body = https(port, context, "GET", "/api/layers", headers={"Cookie": session.split(";")[0]})
    assert status == 200 and "hotspots" in [layer["name"] for layer in json.loads(body)["layers"]]
    assert "private" in dict(headers)["Cache-Control"]


def test_plain_http_beyond_this_machine_needs_an_explicit_flag(sample_store, tmp_path):
    refused = subprocess.run([anttmap_binary(), "--db", str(sample_store), "serve", "--bind", "0.0.0.0", "--port", "0",
                              "--work-dir", str(tmp_path / "work")], capture_output=True, text=True, timeout=60)
    assert refused.returncode == 2
    assert "--tls-cert" in refused.stderr and "--insecure-http" in refused.stderr
    half = subprocess.run([anttmap_binary(), "--db", str(sample_store), "serve", "--tls-cert", "cert.pem", "--port", "0",
                           "--work-dir", str(tmp_path / "work")], capture_output=True, text=True, timeout=60)
    assert half.returncode == 2 and "--tls-key" in half.stderr
    port = free_port()
    process = subprocess.Popen([anttmap_binary(), "--db", str(sample_store), "serve", "--bind", "0.0.0.0", "--port",
                                str(port), "--insecure-http", "--work-dir", str(tmp_path / "work2")],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and process.poll() is None:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                connection.request("GET", "/health")
                if connection.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.2)
        assert process.poll() is None, process.stderr.read()
    finally:
        process.terminate()
        _, err = process.communicate(timeout=30)
    assert "--insecure-http" in err and "TLS proxy" in err


def test_the_plain_http_port_redirects_to_the_same_path_on_https(tls_server):
    port, context = tls_server
    plain = REDIRECT_PORTS[port]
    target = "/tiles/communes/9/405/225.png?year=2020&layers=a%20b"
    connection = http.client.HTTPConnection("127.0.0.1", plain, timeout=10)
    connection.request("GET", target)
    response = connection.getresponse()
    response.read()
    assert response.status == 301
    location = response.getheader("Location")
    assert location == f"https://127.0.0.1:{port}{target}", location
    # The browser follows it to the encrypted server.
    status, _, body = https(port, context, "GET", urllib.parse.urlsplit(location).path + "?year=2020")
    assert status == 200 and body.startswith(b"\x89PNG")
    # A form posted to the plain port keeps its method (308); Vietnamese paths stay encoded; no Host is 400.
    connection.request("POST", "/login", body="name=a", headers={"Content-Type": "application/x-www-form-urlencoded"})
    response = connection.getresponse()
    response.read()
    assert response.status == 308 and response.getheader("Location") == f"https://127.0.0.1:{port}/login"
    connection.request("GET", "/b%E1%BA%A3n-%C4%91%E1%BB%93")
    response = connection.getresponse()
    response.read()
    assert response.getheader("Location") == f"https://127.0.0.1:{port}/b%E1%BA%A3n-%C4%91%E1%BB%93"
    connection.close()
    import socket
    with socket.create_connection(("127.0.0.1", plain), timeout=10) as raw:
        raw.sendall(b"GET / HTTP/1.0\r\nHost: evil\r\n\r\nx\r\n")
        first = raw.recv(4096)
    assert first.startswith(b"HTTP/1.") and b" 301 " in first.split(b"\r\n")[0]
    with socket.create_connection(("127.0.0.1", plain), timeout=10) as raw:
        raw.sendall(b"GET / HTTP/1.1\r\nHost: a\"b<script>\r\n\r\n")
        answer = raw.recv(4096)
    assert b" 400 " in answer.split(b"\r\n")[0] and b"<script>" not in answer


def test_a_redirect_port_without_https_is_refused(sample_store):
    run = subprocess.run([anttmap_binary(), "--db", str(sample_store), "serve", "--port", str(free_port()),
                          "--redirect-http-port", str(free_port())], capture_output=True, text=True, timeout=60)
    assert run.returncode == 2 and "--redirect-http-port" in run.stderr
