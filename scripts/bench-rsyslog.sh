#!/usr/bin/env bash
# bench-rsyslog.sh: the side-by-side peer of `jwtaudit bench ingest`.
#
# rsyslog (Debian's rsyslogd) receives the load generator's events over a Unix stream socket
# (imptcp with path=) and writes them, unparsed, to a plain file (omfile, %rawmsg%). The events
# are the same as the benchmark's (`jwtaudit loadgen --out`), sent over the same number of
# connections with socat. Events/s are measured from the moment the senders start to the moment
# the output file holds every byte. rsyslog runs from a temporary folder with its own config,
# pid file, work directory and socket; the system's rsyslog is never touched.
#
# Usage: scripts/bench-rsyslog.sh [--events N] [--connections C] [--seed S]
#                                 [--jwtaudit PATH] [--input FILE] [--keep]
set -euo pipefail

events=1000000
connections=4
seed=1
jwtaudit=""
input=""
keep=0
timeout_seconds=600

usage() {
    sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'
    exit "${1:-0}"
}

while [ $# -gt 0 ]; do
    case "$1" in
        --events) events="$2"; shift 2 ;;
        --connections) connections="$2"; shift 2 ;;
        --seed) seed="$2"; shift 2 ;;
        --jwtaudit) jwtaudit="$2"; shift 2 ;;
        --input) input="$2"; shift 2 ;;
        --keep) keep=1; shift ;;
        -h|--help) usage 0 ;;
        *) echo "bench-rsyslog: unknown argument: $1" >&2; usage 64 >&2 ;;
    esac
done

root="$(cd "$(dirname "$0")/.." && pwd)"
[ -n "$jwtaudit" ] || jwtaudit="$root/.build/release/jwtaudit"
for tool in rsyslogd socat split stat; do
    command -v "$tool" >/dev/null || { echo "bench-rsyslog: $tool is not installed (apt-get install rsyslog socat)" >&2; exit 69; }
done
if [ -z "$input" ] && [ ! -x "$jwtaudit" ]; then
    echo "bench-rsyslog: $jwtaudit not found: run 'swift build -c release' first, or pass --jwtaudit or --input" >&2
    exit 69
fi
rsyslogd_bin="$(command -v rsyslogd)"

work="$(mktemp -d "${TMPDIR:-/tmp}/jwtaudit-rsyslog-XXXXXX")"
rsyslog_pid=""
sender_pids=()

cleanup() {
    local status=$?
    for pid in "${sender_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    if [ -n "$rsyslog_pid" ] && kill -0 "$rsyslog_pid" 2>/dev/null; then
        kill -TERM "$rsyslog_pid" 2>/dev/null || true
        for _ in $(seq 1 100); do kill -0 "$rsyslog_pid" 2>/dev/null || break; sleep 0.05; done
        kill -KILL "$rsyslog_pid" 2>/dev/null || true
    fi
    if [ "$keep" = 1 ]; then
        echo "bench-rsyslog: kept $work" >&2
    else
        rm -rf "$work"
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# 1. The events: the same generator, seed and connection count as `jwtaudit bench ingest`.
if [ -z "$input" ]; then
    echo "bench-rsyslog: generating $events events (seed $seed, $connections connections)" >&2
    "$jwtaudit" loadgen --events "$events" --connections "$connections" --seed "$seed" --out "$work/events.ndjson"
    input="$work/events.ndjson"
fi
expected_bytes=$(stat -c %s "$input")
expected_lines=$(wc -l < "$input")
split -n "l/$connections" -d -a 3 "$input" "$work/part."

# 2. rsyslog with a minimal config: Unix stream socket in, raw lines out, nothing else loaded.
mkdir -p "$work/spool"
cat > "$work/rsyslog.conf" <<CONF
global(workDirectory="$work/spool" maxMessageSize="64k")
module(load="imptcp")
template(name="raw" type="string" string="%rawmsg%\n")
ruleset(name="bench") {
    action(type="omfile" file="$work/out.log" template="raw")
}
input(type="imptcp" path="$work/rsyslog.sock" unlink="on" ruleset="bench")
CONF
"$rsyslogd_bin" -N1 -f "$work/rsyslog.conf" >/dev/null 2>&1 || {
    echo "bench-rsyslog: rsyslogd refused the config:" >&2
    "$rsyslogd_bin" -N1 -f "$work/rsyslog.conf" >&2 || true
    exit 70
}
"$rsyslogd_bin" -n -f "$work/rsyslog.conf" -i "$work/rsyslogd.pid" >"$work/rsyslogd.log" 2>&1 &
rsyslog_pid=$!
for _ in $(seq 1 200); do
    [ -S "$work/rsyslog.sock" ] && break
    kill -0 "$rsyslog_pid" 2>/dev/null || { echo "bench-rsyslog: rsyslogd exited:" >&2; cat "$work/rsyslogd.log" >&2; exit 70; }
    sleep 0.05
done
[ -S "$work/rsyslog.sock" ] || { echo "bench-rsyslog: rsyslogd did not create its socket" >&2; exit 70; }

# 3. Send over C connections at once; the clock runs until the file holds every byte.
echo "bench-rsyslog: sending $expected_lines events ($expected_bytes bytes) over $connections connections" >&2
start_ns=$(date +%s%N)
for part in "$work"/part.*; do
    socat -u -b 262144 "OPEN:$part,rdonly" "UNIX-CONNECT:$work/rsyslog.sock" &
    sender_pids+=($!)
done
deadline=$(( start_ns + timeout_seconds * 1000000000 ))
end_ns=""
while :; do
    size=$(stat -c %s "$work/out.log" 2>/dev/null || echo 0)
    now_ns=$(date +%s%N)
    if [ "$size" -ge "$expected_bytes" ]; then end_ns=$now_ns; break; fi
    if [ "$now_ns" -gt "$deadline" ]; then break; fi
    sleep 0.01
done
for pid in "${sender_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
sender_pids=()
if [ -z "$end_ns" ]; then
    echo "bench-rsyslog: only $(wc -l < "$work/out.log") of $expected_lines lines arrived within ${timeout_seconds}s" >&2
    exit 1
fi

# 4. Check and report.
received_lines=$(wc -l < "$work/out.log")
peak_kb=$(awk '/^VmHWM:/ {print $2}' "/proc/$rsyslog_pid/status" 2>/dev/null || echo 0)
ticks=$(getconf CLK_TCK)
cpu=$(awk -v t="$ticks" '{ sub(/^.*\) /, ""); printf "%.2f", ($12 + $13) / t }' "/proc/$rsyslog_pid/stat" 2>/dev/null || echo "?")
elapsed=$(awk -v s="$start_ns" -v e="$end_ns" 'BEGIN { printf "%.3f", (e - s) / 1e9 }')
rate=$(awk -v n="$expected_lines" -v s="$start_ns" -v e="$end_ns" 'BEGIN { printf "%.0f", n / ((e - s) / 1e9) }')
bytes_per_event=$(awk -v b="$expected_bytes" -v n="$expected_lines" 'BEGIN { printf "%.1f", b / n }')
if [ "$received_lines" -ne "$expected_lines" ]; then
    echo "bench-rsyslog: the output has $received_lines lines, expected $expected_lines" >&2
    exit 1
fi
cmp -s <(sort "$input") <(sort "$work/out.log") || { echo "bench-rsyslog: the output differs from the input" >&2; exit 1; }

printf 'events           %s over %s connections (Unix stream socket, imptcp -> omfile)\n' "$expected_lines" "$connections"
printf 'throughput       %s events/s\n' "$rate"
printf 'elapsed          %s s, senders start to last byte in the file\n' "$elapsed"
printf 'bytes per event  %s (plain file, uncompressed, not fsynced)\n' "$bytes_per_event"
printf 'rsyslogd peak RSS %s KiB, CPU %s s\n' "$peak_kb" "$cpu"
printf '{"benchmark":"rsyslog","events":%s,"connections":%s,"events_per_second":%s,"elapsed_seconds":%s,"bytes_per_event":%s,"peak_rss_bytes":%s,"cpu_seconds":%s}\n' \
    "$expected_lines" "$connections" "$rate" "$elapsed" "$bytes_per_event" "$(( peak_kb * 1024 ))" "$cpu"
