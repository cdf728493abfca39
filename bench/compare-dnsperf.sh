#!/usr/bin/env bash
# hubdns-bench against dnsperf on the C reflector of ../shared/peer-bench, interleaved in one run:
# closed-loop rate (dnsperf -c 16 -q 200 -T 4 vs --concurrency 200 --sockets 16) and latency at the
# same open-loop rate (dnsperf -Q R vs --rate R). Prints every measurement and the ratios.
# Binds only 127.0.0.1; stops the reflector it started (by pid) on exit.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
peer="${PEER_BENCH:-$root/../shared/peer-bench}"   # the peer-bench directory (override with PEER_BENCH=DIR)
port=5399
duration=10
reps=3
rate=50000
queries="$peer/queries/static.txt"
reflector_src="$peer/reflector/reflector.c"
jar="$here/target/hubdns-bench.jar"

usage() {
  cat <<USAGE
usage: $0 [-p PORT] [-l SECONDS] [-r REPS] [-Q RATE] [-d QUERYFILE] [-s reflector.c]
  -p  reflector port on 127.0.0.1 (default $port)
  -l  seconds per measurement (default $duration)
  -r  repetitions, order alternated (default $reps)
  -Q  open-loop rate for the latency comparison (default $rate)
  -d  dnsperf query file (default $queries)
  -s  reflector source (default $reflector_src)
USAGE
}
while getopts "p:l:r:Q:d:s:h" o; do
  case $o in
    p) port=$OPTARG ;; l) duration=$OPTARG ;; r) reps=$OPTARG ;; Q) rate=$OPTARG ;;
    d) queries=$OPTARG ;; s) reflector_src=$OPTARG ;; h) usage; exit 0 ;; *) usage; exit 2 ;;
  esac
done

command -v dnsperf >/dev/null || { echo "dnsperf is not installed (Debian: apt-get install dnsperf)" >&2; exit 2; }
command -v gcc >/dev/null || { echo "gcc is needed to build the reflector" >&2; exit 2; }
command -v python3 >/dev/null || { echo "python3 is needed to read report.json" >&2; exit 2; }
[ -r "$queries" ] || { echo "query file $queries not found (give -d FILE)" >&2; exit 2; }
[ -r "$reflector_src" ] || { echo "reflector source $reflector_src not found (give -s FILE)" >&2; exit 2; }
if [ ! -f "$jar" ]; then
  (cd "$root" && mvn -B -q package -DskipTests -pl bench -am)
fi

work=$(mktemp -d /tmp/compare-dnsperf.XXXXXX)
gcc -O2 -pthread "$reflector_src" -o "$work/reflector"
"$work/reflector" -a 127.0.0.1 -p "$port" >"$work/reflector.log" 2>&1 &
reflector_pid=$!
trap 'kill "$reflector_pid" 2>/dev/null || true; wait "$reflector_pid" 2>/dev/null || true' EXIT
sleep 0.5
kill -0 "$reflector_pid" 2>/dev/null || { echo "the reflector did not start (port $port in use?):" >&2; cat "$work/reflector.log" >&2; exit 1; }

field() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); v=d
for k in sys.argv[2].split('.'): v=v[k]
print(v)" "$1" "$2"; }

dnsperf_run() { # args: extra dnsperf flags; prints "qps avg_ms"
  local out
  out=$(dnsperf -s 127.0.0.1 -p "$port" -d "$queries" -l "$duration" -c 16 -q 200 -T 4 "$@" 2>&1)
  echo "$out" >>"$work/dnsperf.log"
  local qps avg
  qps=$(echo "$out" | awk '/Queries per second/ {print $4}')
  avg=$(echo "$out" | awk '/Average Latency/ {print $4 * 1000}')
  echo "$qps $avg"
}

bench_run() { # args: name, extra flags; prints "qps mean_ms service_mean_ms"
  local dir="$work/$1"; shift
  java -jar "$jar" --server "127.0.0.1:$port" --queries "$queries" --duration "$duration" --warmup 2 \
    --quiet --report "$dir" "$@" >>"$work/bench.log" 2>&1
  local svc
  svc=$(field "$dir/report.json" serviceLatencyMs.mean 2>/dev/null || echo "-")
  echo "$(field "$dir/report.json" qps) $(field "$dir/report.json" latencyMs.mean) $svc"
}

echo "reflector 127.0.0.1:$port (pid $reflector_pid), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "query file $queries, $duration s per measurement, $reps repetitions; logs in $work"
printf "\n%-4s %-8s %14s %14s %8s\n" rep order "dnsperf qps" "bench qps" ratio
ratios=()
for rep in $(seq 1 "$reps"); do
  if [ $((rep % 2)) -eq 1 ]; then
    d=$(dnsperf_run); b=$(bench_run "closed-$rep" --concurrency 200 --sockets 16); order="d,b"
  else
    b=$(bench_run "closed-$rep" --concurrency 200 --sockets 16); d=$(dnsperf_run); order="b,d"
  fi
  dq=${d%% *}; bq=${b%% *}
  r=$(python3 -c "print(f'{$bq/$dq:.3f}')")
  ratios+=("$r")
  printf "%-4s %-8s %14.0f %14.0f %8s\n" "$rep" "$order" "$dq" "$bq" "$r"
done

# One event loop on two sockets for the open loop: at a moderate rate it paces on the answers it reads
# (a timer wake-up is late by the kernel's timer slack), and two loops would compete with the reflector
# and dnsperf for the two cores. dnsperf times from the actual send: compare that ("from send").
open_flags=(--rate "$rate" --threads 1 --sockets 2)
printf "\nlatency at the same load: %s qps open loop (dnsperf -Q; hubdns-bench %s)\n" "$rate" "${open_flags[*]}"
printf "%-4s %-8s %12s %12s %12s %10s %10s\n" rep order "dnsperf avg" "bench mean" "from send" "ratio" "sendratio"
lratios=()
sratios=()
for rep in $(seq 1 "$reps"); do
  if [ $((rep % 2)) -eq 1 ]; then
    d=$(dnsperf_run -Q "$rate"); b=$(bench_run "open-$rep" "${open_flags[@]}"); order="d,b"
  else
    b=$(bench_run "open-$rep" "${open_flags[@]}"); d=$(dnsperf_run -Q "$rate"); order="b,d"
  fi
  davg=${d##* }; read -r _ bmean bsvc <<<"$b"
  r=$(python3 -c "print(f'{$bmean/$davg:.3f}')")
  sr=$(python3 -c "print(f'{$bsvc/$davg:.3f}')")
  lratios+=("$r")
  sratios+=("$sr")
  printf "%-4s %-8s %10.3fms %10.3fms %10.3fms %10s %10s\n" "$rep" "$order" "$davg" "$bmean" "$bsvc" "$r" "$sr"
done

median() { printf "%s\n" "$@" | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
echo
echo "rate ratio (hubdns-bench / dnsperf), median: $(median "${ratios[@]}")   (goal >= 0.8)"
echo "mean latency ratio at $rate qps, both from the actual send (bench / dnsperf avg), median: $(median "${sratios[@]}")   (goal 0.8-1.2)"
echo "mean latency ratio at $rate qps, bench from the intended send / dnsperf avg, median: $(median "${lratios[@]}")"
