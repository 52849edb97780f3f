#!/usr/bin/env python3
# Measures how long the server takes to stop on each signal and on end of input while a statement
# runs, for issue 8 (target: exit 0 within a second, no backend left).
#   tests/bench/scripts/stop_time.py BINARY DATABASE_URL PASSWORD_FILE   (e.g. the demo sandbox)
import json, subprocess, sys, time, signal
binary, url, pw = sys.argv[1:4]
for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, None):
    p = subprocess.Popen([binary, "--database-url", url, "--database-password-file", pw],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    req = {"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"query","arguments":{"sql":"SELECT count(*) FROM generate_series(1, (SELECT 10000000000)) s"},"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}}}
    p.stdin.write((json.dumps(req)+"\n").encode()); p.stdin.flush()
    time.sleep(1.5)  # measurement script, not a test: let the statement run
    t = time.time()
    if sig is None: p.stdin.close()
    else: p.send_signal(sig)
    rc = p.wait()
    print(f"{'EOF' if sig is None else signal.Signals(sig).name}: exit {rc} after {(time.time()-t)*1000:.0f} ms")
