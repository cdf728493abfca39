#!/usr/bin/env bash
# A hubdns cluster across three "sites" on one Linux machine: three network namespaces joined by veth
# links through a bridge namespace, one member each, a site cut off with nft inside its namespace.
# Needs root, iproute2 and nftables (apt-get install nftables).
#
#   tools/sites-lab.sh test        run SitesTest: convergence, a 60 s cut with writes and node failures on
#                                  both sides, kill -9 during a write burst, a full disk (about 4 minutes)
#   tools/sites-lab.sh measure     the figures: write-to-answer convergence over 1,000 writes (p50/p99/max)
#                                  and the cut-off site's convergence after healing (ROUNDS=1000 by default)
#   tools/sites-lab.sh up          start the lab by hand from ./hubdns (the jar): members at 198.18.77.1-3,
#                                  DNS :5300, HTTP :8053, reachable from this machine at 198.18.77.254
#   tools/sites-lab.sh cut N       drop site N's packets to and from the other sites (this machine still
#                                  reaches it); tools/sites-lab.sh heal N undoes it
#   tools/sites-lab.sh down        stop the members, delete the namespaces (and with them links and rules)
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
net=198.18.77
p=hubdnslab
state=/tmp/hubdns-sites-lab

need() {
  [ "$(id -u)" = 0 ] || { echo "sites-lab: run as root (network namespaces need CAP_SYS_ADMIN)" >&2; exit 2; }
  command -v nft >/dev/null || { echo "sites-lab: nft missing: apt-get install nftables" >&2; exit 2; }
}

case "${1:-}" in
  test)
    cd "$repo" && exec mvn -B -pl dns-server -am test -Dtest=SitesTest -Dsurefire.failIfNoSpecifiedTests=false ;;
  measure)
    cd "$repo" && mvn -B -pl dns-server -am test -Dtest='org/hubdns/server/cluster/SitesMeasure' \
      -Dsurefire.failIfNoSpecifiedTests=false -Dhubdns.measure=true -Dhubdns.sites.rounds="${ROUNDS:-1000}" \
      | grep -E '^SITES|Tests run:|FAIL' ;;
  up)
    need
    "$repo/hubdns" serve --help >/dev/null # builds the jar when needed
    mkdir -p "$state"
    ip netns add $p-br
    ip -n $p-br link add br0 type bridge && ip -n $p-br link set br0 up
    ip link add ${p}h type veth peer name ${p}bh
    ip link set ${p}bh netns $p-br && ip -n $p-br link set ${p}bh master br0 up
    ip addr add $net.254/24 dev ${p}h && ip link set ${p}h up
    token=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
    echo "$token" > "$state/admin.token" && chmod 600 "$state/admin.token"
    for i in 1 2 3; do
      ip netns add $p-s$i && ip -n $p-s$i link set lo up
      ip link add ${p}s$i type veth peer name ${p}b$i
      ip link set ${p}s$i netns $p-s$i && ip link set ${p}b$i netns $p-br
      ip -n $p-br link set ${p}b$i master br0 up
      ip -n $p-s$i link set ${p}s$i name eth0
      ip -n $p-s$i addr add $net.$i/24 dev eth0 && ip -n $p-s$i link set eth0 up
      others=$(for j in 1 2 3; do [ $j = $i ] || printf '%s,' $net.$j; done)
      demo=$([ $i = 1 ] && echo --demo || true)
      HUBDNS_ADMIN_TOKEN=$token nohup ip netns exec $p-s$i "$repo/hubdns" serve $demo --bind $net.$i \
        --members "${others%,}" --cluster-name sites-lab --data-dir "$state/data$i" --probe-allow $net.0/24 --insecure-http \
        > "$state/member$i.log" 2>&1 &
      echo $! > "$state/member$i.pid"
    done
    echo "members starting (logs: $state/member*.log); admin token in $state/admin.token"
    echo "  dig @$net.2 -p 5300 video.pk-hub.example"
    echo "  curl -s -H \"Authorization: Bearer \$(cat $state/admin.token)\" http://$net.3:8053/v1/health" ;;
  cut)
    need
    n=${2:?site number}
    ip netns exec $p-s$n nft -f - <<EOF
table inet hubdns_cut {
  chain in { type filter hook input priority -10; policy accept; iifname "eth0" ip saddr != $net.254 drop; }
  chain out { type filter hook output priority -10; policy accept; oifname "eth0" ip daddr != $net.254 drop; }
}
EOF
    echo "site $n cut off from the others" ;;
  heal)
    need
    ip netns exec $p-s${2:?site number} nft delete table inet hubdns_cut && echo "site $2 healed" ;;
  down)
    for f in "$state"/member*.pid; do [ -f "$f" ] && { kill "$(cat "$f")" 2>/dev/null || true; rm -f "$f"; }; done
    sleep 3
    for ns in $p-s1 $p-s2 $p-s3 $p-br; do ip netns pids $ns 2>/dev/null | xargs -r kill -9; ip netns del $ns 2>/dev/null || true; done
    ip link del ${p}h 2>/dev/null || true
    echo "lab removed (data dirs and logs stay in $state)" ;;
  *)
    sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
