#!/usr/bin/env python3
"""What each host's model sees of a realistic analyst session, answer by answer.

Drives the real binary over stdio as a client does and prints, for each call, the characters of
structuredContent (what Claude Code shows its model), of the text block (what hosts that show only
text give theirs), of the whole JSON-RPC line, and the line's ratio to structuredContent; then the
size of tools/list. Nothing is asserted: the integration tests do that; this prints the figures.

Usage: answer_sizes.py BINARY DATABASE_URL PASSWORD_FILE [EXPORT_DIR]
"""
import json
import subprocess
import sys
import tempfile

CALLS = [
    ("list_schemas", {}),
    ("list_tables", {"schema": "tracksolid"}),
    ("describe_table", {"schema": "tracksolid", "table": "positions"}),
    ("sample_table", {"schema": "tracksolid", "table": "positions"}),
    ("query", {"sql": "SELECT * FROM tracksolid.positions ORDER BY 1, 2"}),
    ("query", {"sql": "SELECT * FROM tracksolid.positions", "max_rows": 1000}),
    ("query", {"sql": "SELECT imei, count(*), min(gps_time), max(gps_time) FROM tracksolid.positions "
                      "WHERE gps_time >= now() - interval '7 days' GROUP BY imei ORDER BY imei"}),
    ("query", {"sql": "SELECT * FROM tracksolid.alarms ORDER BY 1 DESC"}),
    ("query", {"sql": "SELECT * FROM reporting.v_daily_distance ORDER BY 1"}),
    ("export_query", {"sql": "SELECT * FROM tracksolid.positions LIMIT 50000", "format": "csv",
                      "name": "positions-50k"}),
]


def main():
    binary, url, password_file = sys.argv[1:4]
    export_dir = sys.argv[4] if len(sys.argv) > 4 else tempfile.mkdtemp(prefix="fam-answers-")
    server = subprocess.Popen(
        [binary, "--database-url", url, "--database-password-file", password_file, "--export-dir", export_dir],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)

    def request(rid, method, params):
        server.stdin.write(json.dumps({"jsonrpc": "2.0", "id": rid, "method": method, "params": params}) + "\n")
        server.stdin.flush()
        while True:
            line = server.stdout.readline()
            message = json.loads(line)
            if message.get("id") == rid:
                return line.rstrip("\n"), message

    request(0, "initialize", {"protocolVersion": "2025-11-25", "capabilities": {},
                              "clientInfo": {"name": "answer-sizes", "version": "1"}})
    server.stdin.write(json.dumps({"jsonrpc": "2.0", "method": "notifications/initialized"}) + "\n")
    line, listed = request(1, "tools/list", {})
    tools = json.dumps(listed["result"]["tools"], separators=(",", ":"))
    print(f"tools/list: {len(listed['result']['tools'])} tools, {len(tools)} characters of JSON")
    print(f"{'call':<60} {'structured':>10} {'text':>8} {'line':>8} {'ratio':>6}  cut")
    for rid, (name, arguments) in enumerate(CALLS, start=2):
        line, message = request(rid, "tools/call", {"name": name, "arguments": arguments})
        result = message["result"]
        structured = json.dumps(result.get("structuredContent"), separators=(",", ":"), ensure_ascii=False)
        text = result["content"][0]["text"]
        label = (name + " " + json.dumps(arguments))[:60]
        cut = result.get("structuredContent", {}).get("truncated_by", "") if not result["isError"] else "ERROR"
        print(f"{label:<60} {len(structured):>10} {len(text):>8} {len(line):>8} "
              f"{len(line) / max(len(structured), 1):>6.2f}  {cut}")
    server.stdin.close()
    server.wait(timeout=10)


if __name__ == "__main__":
    main()
