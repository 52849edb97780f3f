#!/usr/bin/env python3
# Peak memory (VmHWM) of one server process across the hostile results of issue 9 (target < 64 MiB).
#   tests/bench/scripts/peak_memory.py BINARY DATABASE_URL PASSWORD_FILE   (e.g. the demo sandbox)
import json, subprocess, sys, time, os
binary, url, pw = sys.argv[1:4]
p = subprocess.Popen([binary, "--database-url", url, "--database-password-file", pw, "--max-rows", "100000"],
                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
cases = [
 ("SELECT g, repeat('x', 60000) FROM generate_series(1, 5000) AS g", 5000),
 ("SELECT g, repeat('y', 4000000) FROM generate_series(1, 30) AS g", 100),
 ("SELECT repeat(chr(1), 60000) FROM generate_series(1, 300)", 300),
 ("SELECT g, md5(g::text) FROM generate_series(1, 100000) AS g", 100000),
 ("SELECT count(to_tsvector('simple', repeat('x', 3000) || g)) FROM generate_series(1, 100000) AS g", 10),
]
for i, (sql, n) in enumerate(cases):
    t = time.time()
    req = {"jsonrpc":"2.0","id":i,"method":"tools/call","params":{"name":"query","arguments":{"sql":sql,"max_rows":n},"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}}}
    p.stdin.write((json.dumps(req)+"\n").encode()); p.stdin.flush()
    line = p.stdout.readline()
    r = json.loads(line)["result"]
    hwm = [l for l in open(f"/proc/{p.pid}/status") if l.startswith("VmHWM")][0].strip()
    sc = r.get("structuredContent", {})
    print(f"case {i}: {time.time()-t:.1f}s line {len(line)/1e6:.1f} MB isError {r['isError']} rows {sc.get('row_count')} notices {str(sc.get('notices'))[:150]} {hwm}", flush=True)
p.stdin.close(); p.wait()
