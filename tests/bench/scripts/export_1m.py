#!/usr/bin/env python3
"""Time and peak memory of a 1,000,000-row export, per format, beside psql writing the same rows.

Runs the server as Claude does (MCP over stdio, export_query with a progress token) and reads the
server's VmHWM after each export; psql --csv to a file is the direct-libpq baseline. The rows are
the demo dataset's positions (load it with scripts/pg_sandbox.sh load DIR --scale demo), repeated
to a million when there are fewer.

Usage: export_1m.py BINARY DATABASE_URL PASSWORD_FILE
"""
import json
import os
import subprocess
import sys
import tempfile
import time

ROWS = 1_000_000
SQL = f"SELECT p.* FROM generate_series(1, 50) AS copy, tracksolid.positions AS p LIMIT {ROWS}"
FORMATS = ["csv", "jsonl", "geojson", "xlsx"]


def vm_hwm_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM"):
                return int(line.split()[1])
    return 0


def psql_baseline(url, password_file, directory):
    with open(password_file) as f:
        password = f.readline().strip()
    path = os.path.join(directory, "psql.csv")
    start = time.time()
    with open(path, "w") as out:
        subprocess.run(["psql", url, "-X", "--csv", "-c", SQL], stdout=out, check=True,
                       env={**os.environ, "PGPASSWORD": password})
    return time.time() - start, os.path.getsize(path)


def main():
    binary, url, password_file = sys.argv[1:4]
    directory = tempfile.mkdtemp(prefix="fam-export-1m-")
    seconds, size = psql_baseline(url, password_file, directory)
    print(f"{'psql --csv (direct libpq)':<28} {seconds:7.1f} s {size / 1e6:8.1f} MB")
    baseline = seconds
    for rid, name in enumerate(FORMATS):
        # One process per format, so that each VmHWM is that export's own peak.
        server = subprocess.Popen(
            [binary, "--database-url", url, "--database-password-file", password_file, "--export-dir", directory],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        call = {"jsonrpc": "2.0", "id": rid, "method": "tools/call",
                "params": {"name": "export_query", "arguments": {"sql": SQL, "format": name, "name": "bench"},
                           "_meta": {"io.modelcontextprotocol/protocolVersion": "2026-07-28", "progressToken": rid}}}
        start = time.time()
        server.stdin.write(json.dumps(call) + "\n")
        server.stdin.flush()
        progress = 0
        while True:
            message = json.loads(server.stdout.readline())
            if message.get("method") == "notifications/progress":
                progress += 1
                continue
            if message.get("id") == rid:
                break
        seconds = time.time() - start
        peak = vm_hwm_kib(server.pid)
        result = message["result"]
        answer = result.get("structuredContent", {})
        server.stdin.close()
        server.wait(timeout=30)
        if result["isError"]:
            print(f"{name}: error: {result['content'][0]['text']}")
            continue
        print(f"{'export_query ' + name:<28} {seconds:7.1f} s {answer['bytes'] / 1e6:8.1f} MB "
              f"{answer['rows']:>9} rows  peak RSS {peak / 1024:5.1f} MiB  "
              f"{seconds / baseline:5.2f}x psql  {progress} progress notifications")
        os.remove(answer["path"])


if __name__ == "__main__":
    main()
