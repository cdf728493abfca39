#!/usr/bin/env bash
# Makes the MRT and ExaBGP-JSON fixtures of this directory and ../exabgp with real BGP software
# from Debian (bird2 2.0.12, gobgpd 3.10, exabgp 4.2.21, bgpdump), all on loopback:
#   - BIRD 2 as the route server (rs client, ADD-PATH to the feed), its `protocol mrt` table dump;
#   - gobgpd as a plain BGP speaker whose global RIB holds the members' routes, its
#     `[[mrt-dump]] dump-type = "table"` dump;
#   - three ExaBGP "members" with static routes (one with two ADD-PATH paths and an IPv6 route,
#     one that announces and withdraws a prefix through its process API);
#   - an ExaBGP feed session on the route server with `encoder json`, whose lines are captured;
#   - `bgpdump -m` of each dump, which MrtFixturesTest cross-checks against MrtReader.
# Usage: make-fixtures.sh [OUT_DIR]   (default: this directory; needs root for exabgp's user)
# BGP ports: 17900 (BIRD) and 17901 (gobgpd) on 127.0.0.1; gRPC 17948 for gobgp.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:-$here}"
work="$(mktemp -d /tmp/hubdns-bgp-fixtures.XXXXXX)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; sleep 1; [ -n "${KEEP:-}" ] || rm -rf "$work"; }
trap cleanup EXIT
cd "$work"
mkdir mrt-bird mrt-gobgp

cat > capture.py <<'PY'
import os, sys
os.set_blocking(0, True)  # ExaBGP hands its process a non-blocking stdin
with open(sys.argv[1], 'a') as out:
    for line in sys.stdin:
        out.write(line); out.flush()
PY
cat > changes.py <<'PY'
import sys, time
def say(s):
    sys.stdout.write(s + "\n"); sys.stdout.flush()
time.sleep(3)
say("announce route 2400:adc0::/32 next-hop " + sys.argv[1])
say("announce route 39.40.0.0/16 next-hop " + sys.argv[2] + " path-information 3")
time.sleep(4)
say("withdraw route 39.40.0.0/16 next-hop " + sys.argv[2] + " path-information 3")
while True: time.sleep(60)
PY

cat > bird.conf <<'B'
log "bird.log" all;
router id 127.0.0.1;
protocol device {}
protocol static { ipv4; route 127.0.0.0/8 via "lo"; }
template bgp rsc {
  local 127.0.0.1 port 17900 as 64512;
  rs client; passive on; multihop;
  ipv4 { import all; export all; gateway recursive; add paths rx; };
  ipv6 { import all; export all; gateway recursive; add paths rx; next hop address 2001:db8:ffff::1; };
}
protocol bgp m1 from rsc { neighbor 127.0.0.2 port 17900 as 64500; }
protocol bgp m2 from rsc { neighbor 127.0.0.3 port 17900 as 17557; }
protocol bgp m3 from rsc { neighbor 127.0.0.4 port 17900 as 9541; }
protocol bgp feed from rsc {
  neighbor 127.0.0.9 port 17900 as 64999;
  ipv4 { import none; export all; add paths tx; };
  ipv6 { import none; export all; add paths tx; next hop address 2001:db8:ffff::1; };
}
protocol mrt { table "master*"; filename "mrt-bird/%F-%T.mrt"; period 3; }
B

cat > gobgpd.toml <<'G'
[global.config]
  as = 64512
  router-id = "127.0.0.1"
  port = 17901
  local-address-list = ["127.0.0.1"]
[[neighbors]]
  [neighbors.config]
    neighbor-address = "127.0.0.2"
    peer-as = 64500
  [neighbors.transport.config]
    passive-mode = true
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "ipv4-unicast"
[[neighbors]]
  [neighbors.config]
    neighbor-address = "127.0.0.3"
    peer-as = 17557
  [neighbors.transport.config]
    passive-mode = true
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "ipv4-unicast"
[[neighbors]]
  [neighbors.config]
    neighbor-address = "127.0.0.4"
    peer-as = 9541
  [neighbors.transport.config]
    passive-mode = true
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "ipv4-unicast"
    [neighbors.afi-safis.add-paths.config]
      receive = true
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "ipv6-unicast"
[[mrt-dump]]
  [mrt-dump.config]
    dump-type = "table"
    file-name = "mrt-gobgp/20060102.150405.mrt"  # a Go time layout
    dump-interval = 60  # the least gobgpd takes
G

# member NAME ADDRESS AS PORT NEXTHOP4 NEXTHOP6 ROUTES...
member() {
  local name=$1 addr=$2 as=$3 port=$4 nh4=$5 nh6=$6; shift 6
  {
    echo "process changes { run /usr/bin/python3 $work/changes.py $nh6 $nh4; encoder text; }"
    echo "neighbor 127.0.0.1 {"
    echo "  router-id $addr; local-address $addr; local-as $as; peer-as 64512;"
    echo "  capability { add-path send; }"
    echo "  family { ipv4 unicast; ipv6 unicast; }"
    [ "$name" = m3 ] && echo "  api { processes [ changes ]; }"
    echo "  static {"
    for r in "$@"; do echo "    route $r;"; done
    echo "  }"
    echo "}"
  } > "$name-$port.conf"
  env exabgp.tcp.port="$port" exabgp.daemon.user=root exabgp.log.destination="$work/$name-$port.log" \
    exabgp "$name-$port.conf" >"$name-$port.out" 2>&1 &
  pids+=($!)
  eval "pid_${name}_$port=$!"
}
members() { # PORT NEXTHOP-PREFIX (127.0.0. for BIRD; 198.18.0. for gobgpd, which refuses loopback next hops)
  local port=$1 p=$2
  member m1 127.0.0.2 64500 "$port" "${p}2" 2001:db8:ffff::2 "198.51.100.0/24 next-hop ${p}2" \
    "203.0.113.0/24 next-hop ${p}2 as-path [ 64500 9541 ]"
  member m2 127.0.0.3 17557 "$port" "${p}3" 2001:db8:ffff::3 "198.51.100.0/24 next-hop ${p}3" \
    "39.32.0.0/16 next-hop ${p}3"
  # ExaBGP 4.2 refuses an IPv6 static route shorter than /128 ("can only use ip ranges ... passive"):
  # m3's IPv6 route comes through its process instead
  member m3 127.0.0.4 9541 "$port" "${p}4" 2001:db8:ffff::4 "182.176.0.0/15 next-hop ${p}4 path-information 1" \
    "182.176.0.0/15 next-hop ${p}4 path-information 2 as-path [ 9541 45595 ]"
}

bird -c bird.conf -s bird.ctl -P bird.pid
pids+=("$(sleep 0.5; cat bird.pid)")
gobgpd -f gobgpd.toml --api-hosts 127.0.0.1:17948 --pprof-disable -p >gobgpd.log 2>&1 &
pids+=($!)

cat > feed.conf <<F
process capture { run /usr/bin/python3 $work/capture.py $work/feed.jsonl; encoder json; }
neighbor 127.0.0.1 {
  router-id 127.0.0.9; local-address 127.0.0.9; local-as 64999; peer-as 64512;
  capability { add-path receive; }
  family { ipv4 unicast; ipv6 unicast; }
  api { processes [ capture ]; receive { parsed; update; open; keepalive; notification; } neighbor-changes; }
}
F
env exabgp.tcp.port=17900 exabgp.daemon.user=root exabgp.log.destination="$work/feed.log" exabgp feed.conf >feed.out 2>&1 &
feedpid=$!
pids+=($feedpid)
sleep 2
members 17900 127.0.0.
members 17901 198.18.0.
sleep 12   # members up, m3's process has announced and withdrawn 39.40.0.0/16
sleep 7    # two of BIRD's dump periods: the second newest dump is complete and has every route
bird_dump=$(ls mrt-bird/*.mrt | sort | tail -2 | head -1)
cp "$bird_dump" "$out/bird-rs.mrt"
bgpdump -m "$out/bird-rs.mrt" >"$out/bird-rs.bgpdump.txt"

# the feed hears a member go down, then its own session go down
kill "$pid_m2_17900"   # m2 on BIRD's port: its routes are withdrawn to the feed
sleep 3
birdc -s bird.ctl disable feed >/dev/null
sleep 2
cp feed.jsonl "$out/../exabgp/feed-through-bird.jsonl"

# gobgpd dumps at start (an empty file) and then every 60 s at the least
echo "waiting for gobgpd's first full table dump (about a minute)"
gobgp_dump=
for _ in $(seq 90); do
  gobgp_dump=$(find mrt-gobgp -name '*.mrt' -size +0 | sort | tail -1)
  [ -n "$gobgp_dump" ] && break
  sleep 1
done
sleep 1
cp "$gobgp_dump" "$out/gobgp-rib.mrt"
bgpdump -m "$out/gobgp-rib.mrt" >"$out/gobgp-rib.bgpdump.txt"
echo "wrote $out/bird-rs.mrt ($(wc -l <"$out/bird-rs.bgpdump.txt") routes), $out/gobgp-rib.mrt ($(wc -l <"$out/gobgp-rib.bgpdump.txt") routes), $(wc -l <feed.jsonl) JSON lines"
