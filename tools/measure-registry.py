#!/usr/bin/env python3
"""Heap and full-restart time of one hubdns member holding N cache nodes and M coverage-zone prefixes.

Usage: tools/measure-registry.py [--nodes 10000] [--prefixes 1000000] [--jar dns-server/target/hubdns.jar]
Starts its own member on 127.0.0.1 (free ports, a temporary data dir), loads the data through the HTTP
API, prints the heap after a full GC (jcmd GC.heap_info), stops it with SIGTERM, starts it again on
the same data dir and prints the time until /v1/health is 200 with every node back. Loopback only.
"""
import argparse, concurrent.futures, json, os, re, signal, socket, subprocess, sys, tempfile, time, urllib.request

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]

def http(method, url, token=None, body=None, ctype="application/json", timeout=60):
    req = urllib.request.Request(url, data=body, method=method)
    if token:
        req.add_header("Authorization", "Bearer " + token)
    if body is not None:
        req.add_header("Content-Type", ctype)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()
    except OSError:
        return 0, b""

JVM = ["--add-modules", "java.se", "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED",
       "--add-opens", "java.base/java.lang=ALL-UNNAMED", "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
       "--add-opens", "java.management/sun.management=ALL-UNNAMED",
       "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED"]

def start(jar, data, ports, log):
    cmd = ["java"] + JVM + ["-jar", jar, "serve", "--demo", "--data-dir", data, "--dns-port", str(ports[0]),
                            "--http-port", str(ports[1]), "--cluster-port", str(ports[2])]
    return subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=dict(os.environ, HUBDNS_ADMIN_TOKEN="m" * 32))

def wait_ready(api, deadline_s, want_nodes=None, token=None):
    t0 = time.time()
    while time.time() - t0 < deadline_s:
        st, body = http("GET", api + "/v1/health", timeout=2)
        if st == 200:
            if want_nodes is None:
                return time.time() - t0
            st, body = http("GET", api + "/v1/nodes", token)
            if st == 200 and len(json.loads(body)) >= want_nodes:
                return time.time() - t0
        time.sleep(0.05)
    sys.exit("not ready after %d s" % deadline_s)

def heap(pid):
    subprocess.run(["jcmd", str(pid), "GC.run"], capture_output=True)
    out = subprocess.run(["jcmd", str(pid), "GC.heap_info"], capture_output=True, text=True).stdout
    used = [int(x) for x in re.findall(r"used (\d+)K", out)]
    return out, (used[0] // 1024 if used else -1)

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--nodes", type=int, default=10000)
    ap.add_argument("--prefixes", type=int, default=1000000)
    ap.add_argument("--jar", default="dns-server/target/hubdns.jar")
    a = ap.parse_args()
    admin = "m" * 32
    data = tempfile.mkdtemp(prefix="hubdns-measure-")
    ports = [free_port(), free_port(), free_port()]
    api = "http://127.0.0.1:%d" % ports[1]
    log = open(os.path.join(data, "member.log"), "w")
    p = start(a.jar, os.path.join(data, "d"), ports, log)
    print("started member pid %d; ready in %.1f s" % (p.pid, wait_ready(api, 60)), flush=True)
    _, before = heap(p.pid)
    print("heap after GC with the demo data only: %d MiB" % before, flush=True)

    st, body = http("PUT", api + "/v1/partners/bulk", admin, json.dumps({"platforms": ["video"]}).encode())
    token = json.loads(body)["token"]
    sites = ["isb", "khi", "lhe"]
    def register(i):
        node = {"platform": "video", "site": sites[i % 3], "addresses": ["10.%d.%d.%d" % (64 + i // 65536, (i // 256) % 256, i % 256)],
                "weight": 1 + i % 1000, "check": {"type": "none"}}
        st, _ = http("POST", api + "/v1/nodes", token, json.dumps(node).encode())
        return st
    t0 = time.time()
    done = 0
    with concurrent.futures.ThreadPoolExecutor(16) as ex:
        for st in ex.map(register, range(a.nodes)):
            if st != 201:
                sys.exit("node registration failed with %d" % st)
            done += 1
            if done % 2000 == 0:
                print("  %d/%d nodes, %.0f writes/s" % (done, a.nodes, done / (time.time() - t0)), flush=True)
    print("registered %d nodes in %.1f s (%.0f writes/s, 16 clients, one member)" % (a.nodes, time.time() - t0, a.nodes / (time.time() - t0)), flush=True)

    lines = ["%d.%d.%d.0/24,%s" % (1 + (i >> 16) % 223, (i >> 8) % 256, i % 256, sites[i % 3]) for i in range(a.prefixes)]
    csv = ("\n".join(lines) + "\n").encode()
    del lines
    t0 = time.time()
    st, body = http("PUT", api + "/v1/coverage-zones", admin, csv, "text/csv", timeout=300)
    print("coverage import of %d prefixes (%d MiB CSV): %d in %.1f s %s" % (a.prefixes, len(csv) >> 20, st, time.time() - t0, body.decode()[:200]), flush=True)
    del csv
    time.sleep(2)
    out, after = heap(p.pid)
    print("heap after GC with %d nodes and %d prefixes: %d MiB" % (a.nodes, a.prefixes, after), flush=True)
    st, body = http("GET", api + "/v1/health")
    print("snapshot rebuild after the import: %s ms (GET /v1/health snapshotBuildMs)" % json.loads(body).get("snapshotBuildMs"), flush=True)
    # one more change, rebuilt with everything loaded
    http("POST", api + "/v1/nodes/demo-isb-1/drain", admin)
    time.sleep(0.5)
    st, body = http("GET", api + "/v1/health")
    print("snapshot rebuild for one drain with %d nodes and %d prefixes: %s ms" % (a.nodes, a.prefixes, json.loads(body).get("snapshotBuildMs")), flush=True)
    rss = int(open("/proc/%d/status" % p.pid).read().split("VmRSS:")[1].split()[0]) // 1024
    print("RSS: %d MiB" % rss, flush=True)

    t0 = time.time()
    p.send_signal(signal.SIGTERM)
    p.wait(60)
    print("graceful stop: %.1f s" % (time.time() - t0), flush=True)
    t0 = time.time()
    p = start(a.jar, os.path.join(data, "d"), ports, log)
    ready = wait_ready(api, 120, a.nodes, token)
    st, body = http("GET", api + "/v1/coverage-zones?ip=1.0.0.1", admin)
    print("full restart: ready with all %d nodes after %.1f s; coverage: %s" % (a.nodes, time.time() - t0, body.decode().replace("\n", " ")), flush=True)
    p.send_signal(signal.SIGTERM)
    p.wait(60)
    print("data dir and log: %s" % data)

if __name__ == "__main__":
    try:
        main()
    finally:
        # never leave a member running behind a failed measurement
        subprocess.run(["pkill", "-f", "hubdns-measure-"], capture_output=True)
