"""Reference client for the jwtaudit daemon: standard library only.

Same semantics as the Swift ``JWTAuditClient``:

* ``emit(event)`` never blocks and never raises: the event goes into a bounded buffer; when the
  buffer is full the event is dropped and counted (its ``seq`` is used up, so the daemon sees the
  gap and raises ``event_loss``).
* A background thread speaks the acknowledged mode (hello, ``seq``, ``{"ack":N}``), reconnects with
  a doubling delay, and resends every event not yet acknowledged; the daemon drops the copies it
  already stored (same producer name, same ``seq``), so nothing is stored twice.
* ``flush(timeout)`` waits for acknowledgements; ``close(timeout)`` delivers what is buffered and
  stops.

Never put a secret or a signing key in an event; a raw token belongs only in ``token``, which the
daemon fingerprints and drops.

CLI (events as NDJSON objects, one per line; ``v``, ``ts``, ``service`` and ``seq`` are added)::

    python3 jwtaudit_client.py --socket ./jwtaudit.sock --service billing < events.ndjson
    python3 jwtaudit_client.py --socket ./jwtaudit.sock --service billing --generate 1000 --rate 200
"""

import argparse
import collections
import datetime
import json
import os
import select
import socket
import sys
import threading
import time

__all__ = ["Client"]


def _now_rfc3339():
    now = datetime.datetime.now(datetime.timezone.utc)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + "%06dZ" % now.microsecond


def _base36(number):
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    text = ""
    while True:
        number, rest = divmod(number, 36)
        text = digits[rest] + text
        if number == 0:
            return text


class Client:
    """A non-blocking, acknowledged-mode client of the jwtaudit daemon."""

    def __init__(self, socket_path, service, producer=None, first_seq=1, capacity=65536,
                 max_in_flight=16384, reconnect_delay=0.05, max_reconnect_delay=5.0,
                 hello_timeout=5.0, ack_timeout=30.0, on_diagnostic=None, on_rejection=None):
        self.socket_path = socket_path
        self.service = service
        # Unique per process run, so that seq numbers starting again at 1 are never duplicates.
        self.producer = producer or "%s@%s#%d.%s" % (
            service[:64], socket.gethostname()[:40], os.getpid(), _base36(time.time_ns() // 1000))
        self.producer = self.producer[-128:]
        self.capacity = capacity
        self.max_in_flight = max_in_flight
        self.reconnect_delay = reconnect_delay
        self.max_reconnect_delay = max_reconnect_delay
        self.hello_timeout = hello_timeout
        self.ack_timeout = ack_timeout
        self.on_diagnostic = on_diagnostic
        self.on_rejection = on_rejection
        self._lock = threading.Lock()
        self._work = threading.Condition(self._lock)
        self._progress = threading.Condition(self._lock)
        self._queue = collections.deque()
        self._next_seq = first_seq
        self._enqueued = 0
        self._settled = 0
        self._closing = False
        self._deadline = None
        self._done = False
        self.counters_ = {"emitted": 0, "acknowledged": 0, "dropped": 0, "rejected": {}, "resent": 0,
                          "reconnects": 0, "abandoned": 0}
        # Writer-thread state.
        self._sock = None
        self._in_flight = collections.deque()  # (seq, line bytes), oldest first
        self._queued_lines = 0                  # entries of _in_flight copied into _out
        self._out = bytearray()
        self._input = bytearray()
        self._settled_lines = 0                 # lines ever settled
        self._connection_base = 0               # lines settled before line 1 of this connection
        self._connections = 0
        self._failures = 0
        self._last_progress = time.monotonic()
        thread = threading.Thread(target=self._run, name="jwtaudit-client", daemon=True)
        thread.start()

    # Callers

    def emit(self, event):
        """Queue ``event`` (a dict of protocol fields) and return at once; False if dropped."""
        with self._lock:
            if self._closing or len(self._queue) >= self.capacity:
                self.counters_["dropped"] += 1
                if not self._closing:
                    self._next_seq += 1  # the gap shows the loss at the daemon
                return False
            if "ts" not in event:
                event = dict(event, ts=_now_rfc3339())
            self._queue.append((self._next_seq, event))
            self._next_seq += 1
            self._enqueued += 1
            self.counters_["emitted"] += 1
            self._work.notify()
            return True

    def flush(self, timeout):
        """Wait until every event emitted so far is acknowledged; True if all were."""
        deadline = time.monotonic() + timeout
        with self._lock:
            target = self._enqueued
            while self._settled < target and not self._done:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._progress.wait(remaining)
            return self._settled >= target and self.counters_["abandoned"] == 0

    def close(self, timeout=5.0):
        """Deliver what is buffered for at most ``timeout`` seconds, stop, return the counters."""
        deadline = time.monotonic() + timeout
        with self._lock:
            self._closing = True
            self._deadline = deadline
            self._work.notify()
            while not self._done and time.monotonic() < deadline + 2:
                self._progress.wait(0.05)
        return self.counters

    @property
    def counters(self):
        """A copy of the counters (emitted, acknowledged, dropped, rejected by code, ...)."""
        with self._lock:
            copy = dict(self.counters_)
            copy["rejected"] = dict(copy["rejected"])
            copy["buffered"] = len(self._queue)
            return copy

    # Writer thread

    def _diagnose(self, message):
        if self.on_diagnostic:
            self.on_diagnostic("jwtaudit client: " + message)

    def _run(self):
        delay = self.reconnect_delay
        next_attempt = 0.0
        while True:
            with self._lock:
                while self._queue and len(self._in_flight) < self.max_in_flight:
                    seq, event = self._queue.popleft()
                    self._in_flight.append((seq, self._encode(event, seq)))
                closing, deadline = self._closing, self._deadline
                if closing and ((not self._in_flight and not self._queue) or time.monotonic() >= deadline):
                    break
                idle = not self._queue and not self._in_flight and not closing
                if idle and self._sock is not None:
                    self._work.wait()
                    continue
            now = time.monotonic()
            if self._sock is None:
                if now < next_attempt:
                    with self._lock:
                        self._work.wait(min(next_attempt - now, 0.05))
                    continue
                if self._connect():
                    delay = self.reconnect_delay
                else:
                    next_attempt = time.monotonic() + delay
                    delay = min(delay * 2, self.max_reconnect_delay)
                continue
            if idle:
                continue
            try:
                self._exchange()
            except OSError as error:
                self._drop("%s" % error)

        if self._sock is not None:
            self._sock.close()
            self._sock = None
        with self._lock:
            self.counters_["abandoned"] += len(self._in_flight) + len(self._queue)
            self._settled += len(self._in_flight) + len(self._queue)
            self._queue.clear()
            self._done = True
            self._progress.notify_all()

    def _encode(self, event, seq):
        line = {"v": 1}
        line.update(event)
        line.setdefault("service", self.service)
        line["seq"] = seq
        return json.dumps(line, separators=(",", ":"), ensure_ascii=False).encode("utf-8") + b"\n"

    def _connect(self):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.settimeout(self.hello_timeout)
            sock.connect(self.socket_path)
            hello = {"hello": {"version": 1, "ack": True, "client": self.producer}}
            sock.sendall(json.dumps(hello, separators=(",", ":")).encode("utf-8") + b"\n")
            answer = bytearray()
            while b"\n" not in answer:
                chunk = sock.recv(4096)
                if not chunk:
                    raise OSError("the daemon closed the connection during the hello")
                answer += chunk
            line, _, rest = bytes(answer).partition(b"\n")
            reply = json.loads(line)
            if "hello" not in reply or reply["hello"].get("version") != 1:
                raise OSError("the daemon refused the hello: %s" % reply.get("error", {}).get("code", "?"))
            sock.setblocking(False)
        except (OSError, ValueError) as error:
            sock.close()
            self._failures += 1
            # Once per streak, then every 20th attempt, so that a down daemon does not flood.
            if self._failures == 1 or self._failures % 20 == 0:
                self._diagnose("cannot connect to %s: %s (attempt %d; events wait in the buffer)"
                               % (self.socket_path, error, self._failures))
            return False
        self._failures = 0
        self._sock = sock
        self._input = bytearray(rest)
        self._connections += 1
        # Everything not acknowledged is written again, from line 1 of this connection.
        resent = self._queued_lines
        self._queued_lines = 0
        self._out = bytearray()
        self._connection_base = self._settled_lines
        self._last_progress = time.monotonic()
        with self._lock:
            if self._connections > 1:
                self.counters_["reconnects"] += 1
                self.counters_["resent"] += resent
        if self._connections > 1:
            self._diagnose("connected again to %s; resending %d events" % (self.socket_path, len(self._in_flight)))
        return True

    def _exchange(self):
        while self._queued_lines < len(self._in_flight):
            self._out += self._in_flight[self._queued_lines][1]
            self._queued_lines += 1
        with self._lock:
            more = bool(self._queue) and len(self._in_flight) < self.max_in_flight
        readable, writable, _ = select.select([self._sock], [self._sock] if self._out else [], [],
                                              0 if more else 0.05)
        if readable:
            chunk = self._sock.recv(65536)
            if not chunk:
                raise OSError("the daemon closed the connection")
            self._input += chunk
            while True:
                newline = self._input.find(b"\n")
                if newline < 0:
                    break
                line = bytes(self._input[:newline])
                del self._input[:newline + 1]
                self._handle(line)
        if writable and self._out:
            written = self._sock.send(self._out)
            del self._out[:written]
        if not self._in_flight:
            self._last_progress = time.monotonic()
        elif time.monotonic() - self._last_progress > self.ack_timeout:
            raise OSError("no acknowledgement for %s s" % self.ack_timeout)

    def _handle(self, line):
        try:
            reply = json.loads(line)
        except ValueError:
            return
        if "ack" in reply:
            settle = min(self._connection_base + int(reply["ack"]) - self._settled_lines, len(self._in_flight))
            if settle <= 0:
                return
            for _ in range(settle):
                self._in_flight.popleft()
            self._queued_lines -= settle
            self._settled_lines += settle
            self._last_progress = time.monotonic()
            with self._lock:
                self._settled += settle
                self.counters_["acknowledged"] += settle
                self._progress.notify_all()
        elif "error" in reply:
            error = reply["error"]
            code = error.get("code", "unknown")
            index = self._connection_base + int(error.get("line", 0)) - 1 - self._settled_lines
            seq = self._in_flight[index][0] if 0 <= index < len(self._in_flight) else None
            with self._lock:
                rejected = self.counters_["rejected"]
                rejected[code] = rejected.get(code, 0) + 1
                self.counters_["acknowledged"] -= 1  # its ack will count it; it was not stored
            if self.on_rejection:
                self.on_rejection(seq, code, error.get("field"), error.get("message", ""))

    def _drop(self, reason):
        self._sock.close()
        self._sock = None
        self._diagnose("connection to %s lost: %s; %d unacknowledged events will be resent"
                       % (self.socket_path, reason, len(self._in_flight)))


def main(argv=None):
    parser = argparse.ArgumentParser(description="Send jwtaudit events in acknowledged mode.")
    parser.add_argument("--socket", default="./jwtaudit.sock", help="the daemon's Unix socket")
    parser.add_argument("--service", required=True, help="service name for events without one")
    parser.add_argument("--producer", help="hello.client name (default: unique to this run)")
    parser.add_argument("--generate", type=int, default=0, metavar="N",
                        help="send N generated events instead of reading NDJSON from stdin")
    parser.add_argument("--rate", type=float, default=0, help="events per second when generating (0: no pacing)")
    parser.add_argument("--timeout", type=float, default=30, help="seconds to wait for the last acks")
    parser.add_argument("--quiet", action="store_true", help="no diagnostics on stderr")
    options = parser.parse_args(argv)

    def diagnose(message):
        if not options.quiet:
            print(message, file=sys.stderr, flush=True)

    def rejected(seq, code, field, message):
        print("rejected seq %s: %s %s: %s" % (seq, code, field or "", message), file=sys.stderr, flush=True)

    client = Client(options.socket, options.service, producer=options.producer,
                    on_diagnostic=diagnose, on_rejection=rejected)
    if options.generate:
        start = time.monotonic()
        for index in range(options.generate):
            if options.rate > 0:
                wait = start + index / options.rate - time.monotonic()
                if wait > 0:
                    time.sleep(wait)
            client.emit({"outcome": "rejected" if index % 5 == 0 else "accepted",
                         "reason": "expired" if index % 5 == 0 else None,
                         "sub": "user-%d" % (index % 97), "client_ip": "198.51.100.%d" % (index % 250 + 1),
                         "n": str(index)})
    else:
        for number, text in enumerate(sys.stdin, 1):
            if not text.strip():
                continue
            try:
                event = json.loads(text)
            except ValueError:
                print("line %d: not JSON; skipped" % number, file=sys.stderr)
                continue
            client.emit(event)
    delivered = client.flush(options.timeout)
    counters = client.close(5)
    print(json.dumps(counters, sort_keys=True))
    return 0 if delivered and counters["dropped"] == 0 and not counters["rejected"] else 1


if __name__ == "__main__":
    sys.exit(main())
