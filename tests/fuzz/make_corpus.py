#!/usr/bin/env python3
"""Writes the seed corpora in tests/fuzz/corpus/<target>/ from the unit tests' own inputs.

    tests/fuzz/make_corpus.py        (re)writes every corpus; files are named by their content's hash

guard: every SQL string literal of tests/guard; values: each json_of(text, type) of tests/values,
with the harness's type byte; ewkb: the hex EWKB literals of tests/values, as bytes; ssh_config:
each resolve(text, alias) of tests/tunnel/ssh_config_test.cpp; mcp and known_hosts: the messages and
lines the tests build at run time (tests/mcp/harness.hpp, tests/tunnel/known_hosts_test.cpp), written
out below.
"""
import hashlib
import pathlib
import re
import shutil

ROOT = pathlib.Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests/fuzz/corpus"

# fuzz_values.cpp's kTypes, in order: the first byte of a seed is an index into it.
VALUES_TYPES = [21, 23, 20, 26, 700, 701, 1700, 16, 1082, 1083, 1266, 1114, 1184, 1186, 114,
                3802, 17, 25, 2950, 18, 19, 600, 1005, 1007, 1016, 1021, 1022, 1231, 1000, 1182,
                1183, 1115, 1185, 1187, 199, 3807, 1001, 1009, 2951, "kGeometry", "kGeometryArray",
                "kGeography", "kBox2d", "kPosint", "kPosintArray", "kIntarr", "kTags", "kMood",
                "kMoodArray", 999999]

LITERAL = re.compile(r'R"([^(\s]*)\((.*?)\)\1"|"((?:[^"\\\n]|\\.)*)"', re.S)
ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", "\\": "\\", '"': '"', "'": "'", "?": "?"}


def unescape(body):
    out, i = [], 0
    while i < len(body):
        c = body[i]
        if c == "\\" and i + 1 < len(body):
            nxt = body[i + 1]
            if nxt == "x":
                digits = re.match(r"[0-9a-fA-F]+", body[i + 2:]).group(0)
                out.append(chr(int(digits, 16)))
                i += 2 + len(digits)
                continue
            out.append(ESCAPES.get(nxt, nxt))
            i += 2
            continue
        out.append(c)
        i += 1
    return "".join(out)


def literals(path):
    """The file's text with each run of adjacent string literals as @N@, and the strings by N."""
    text = path.read_text()
    strings, pieces, last, pending = [], [], 0, None
    for m in LITERAL.finditer(text):
        value = m.group(2) if m.group(2) is not None else unescape(m.group(3))
        between = text[last:m.start()]
        if pending is not None and between.strip() == "":
            strings[pending] += value
        else:
            pieces.append(between)
            strings.append(value)
            pending = len(strings) - 1
            pieces.append(f"@{pending}@")
        last = m.end()
    pieces.append(text[last:])
    return "".join(pieces), strings


def write(target, data):
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogateescape")
    folder = CORPUS / target
    folder.mkdir(parents=True, exist_ok=True)
    (folder / hashlib.sha1(data).hexdigest()[:16]).write_bytes(data)


def guard():
    for path in sorted((ROOT / "tests/guard").glob("*.cpp")):
        _, strings = literals(path)
        for s in strings:
            if re.search(r"[A-Za-z]", s) and len(s) < 4096 and not s.startswith("[guard"):
                write("guard", s)


def values():
    for path in sorted((ROOT / "tests/values").glob("*_test.cpp")):
        text, strings = literals(path)
        for m in re.finditer(r"json_of\(\s*@(\d+)@\s*,\s*(?:values_test::)?(\w+)\s*[,)]", text):
            s, token = strings[int(m.group(1))], m.group(2)
            key = int(token) if token.isdigit() else token
            if key in VALUES_TYPES:
                write("values", bytes([VALUES_TYPES.index(key)]) + s.encode())
        for s in strings:
            if re.fullmatch(r"[0-9A-Fa-f]{10,}", s) and len(s) < 8192:
                write("ewkb", b"\x01" + bytes.fromhex(s) if len(s) % 2 == 0 else b"\x00" + s.encode())


def ssh_config():
    text, strings = literals(ROOT / "tests/tunnel/ssh_config_test.cpp")
    for m in re.finditer(r"resolve\(\s*@(\d+)@\s*,\s*@(\d+)@\s*\)", text):
        write("ssh_config", strings[int(m.group(2))] + "\n" + strings[int(m.group(1))])


def mcp():
    modern = '"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"'
    tasks = ',"io.modelcontextprotocol/clientCapabilities":{"extensions":{"io.modelcontextprotocol/tasks":{}}}'
    sessions = {
        "modern": [
            '{"jsonrpc":"2.0","id":1,"method":"server/discover","params":{' + modern + '}}}',
            '{"jsonrpc":"2.0","id":2,"method":"tools/list","params":{' + modern + '}}}',
            '{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"echo","arguments":{"n":1},' + modern + '}}}',
            '{"jsonrpc":"2.0","id":"s","method":"tools/call","params":{"name":"fail","arguments":{},' + modern + '}}}',
            '{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"throw",' + modern + '}}}',
            '{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"report","arguments":{},' + modern
            + ',"progressToken":"p","io.modelcontextprotocol/logLevel":"info"}}}',
            '{"jsonrpc":"2.0","id":6,"method":"resources/list","params":{' + modern + '}}}',
            '{"jsonrpc":"2.0","id":7,"method":"resources/read","params":{"uri":"ui://fake/view",' + modern + '}}}',
            '{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":3}}',
            '{"jsonrpc":"2.0","id":8,"method":"ping"}',
        ],
        "modern_tasks": [
            '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"n":1},' + modern + tasks + '}}}',
            '{"jsonrpc":"2.0","id":2,"method":"tasks/get","params":{"taskId":"t1",' + modern + tasks + '}}}',
            '{"jsonrpc":"2.0","id":3,"method":"tasks/update","params":{"taskId":"t1",' + modern + tasks + '}}}',
            '{"jsonrpc":"2.0","id":4,"method":"tasks/cancel","params":{"taskId":"t1",' + modern + tasks + '}}}',
            '{"jsonrpc":"2.0","id":5,"method":"tasks/list","params":{' + modern + tasks + '}}}',
        ],
        "legacy": [
            '{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25",'
            '"capabilities":{"tasks":{},"extensions":{"io.modelcontextprotocol/ui":{}}},'
            '"clientInfo":{"name":"fuzz","version":"1"}}}',
            '{"jsonrpc":"2.0","method":"notifications/initialized"}',
            '{"jsonrpc":"2.0","id":1,"method":"logging/setLevel","params":{"level":"debug"}}',
            '{"jsonrpc":"2.0","id":2,"method":"tools/list"}',
            '{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"echo","arguments":{"a":[1,"x"]},"task":{"ttl":60000}}}',
            '{"jsonrpc":"2.0","id":4,"method":"tasks/list"}',
            '{"jsonrpc":"2.0","id":5,"method":"tasks/result","params":{"taskId":"1"}}',
            '{"jsonrpc":"2.0","id":6,"method":"tasks/get","params":{"taskId":"1"}}',
            '{"jsonrpc":"2.0","id":7,"method":"tasks/cancel","params":{"taskId":"1"}}',
            '{"jsonrpc":"2.0","id":8,"method":"tools/call","params":{"name":"report","_meta":{"progressToken":7}}}',
            '{"jsonrpc":"2.0","id":9,"method":"resources/templates/list"}',
        ],
        "old_initialize": [
            '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2024-11-05","capabilities":{}}}',
            '{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"plain"}}',
            '{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"plain"}}',
        ],
        "malformed": [
            "{not json", "[1, 2]", '{"jsonrpc":"2.0","id":3,"method":"tools/list"}', "   ",
            '{"jsonrpc":"2.0","id":1.5,"method":"ping"}', '{"jsonrpc":"2.0","id":4,"method":"ping","params":[1]}',
            '{"jsonrpc":"2.0","id":9,"result":{}}', '{"jsonrpc":"1.0","id":{},"method":3}',
            '{"jsonrpc":"2.0","id":5,"method":"no/such","params":{' + modern + '}}}\r',
        ],
    }
    for lines in sessions.values():
        write("mcp", "\n".join(lines) + "\n")
    write("mcp", sessions["modern"][2])  # a last line without its newline


# Public keys made once with ssh-keygen for these seeds (their private halves were thrown away).
ED25519 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIH223KSMIeZBmBTDLdXlTZMbzXcm8bf6nxCNgzWOHy38"
ECDSA = ("ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBI7/nVBeyms6/wEAbLe/d5+IJ9CV"
         "/Tuk5YH49JTBOjt9YmdUA/Z7o/4M/bLtRNG5cNsewgfxeUfA4i2H2Xu6dao=")
RSA = ("ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQCuBxjAysEm9CklqxqG1z9whUJOhIhHTpi9Hv4H0B1UfNqHrapCyKcxZraawMiX6wm"
       "WOBi3TXB1xjENOJwGkz89G0ZnKrYMVxFiAJmnAKjAQbaD1uNZPdLi1Os1al0zuGIvi9fO47PwyoRO17Jwo0AYEmmwntffVa8DOrhKw"
       "CvsQw==")
# `ssh-keygen -H` of "127.0.0.1 <ED25519>".
HASHED = "|1|fhGjC5Qg2vf2GY8n90crUvv6MZs=|zhy779BR/wxF9x06/XmMe15HKdA="


def known_hosts():
    files = {
        "plain": f"127.0.0.1 22\n# mine\n127.0.0.1 {ED25519}\n",
        "port": f"127.0.0.1 2222\n[127.0.0.1]:2222 {ECDSA}\n[127.0.0.1]:2222 {ED25519}\n",
        "hashed": f"127.0.0.1 22\n{HASHED} {ED25519}\n",
        "markers": f"127.0.0.1 22\n@cert-authority *.example {ED25519}\n@revoked 127.0.0.1 {RSA}\n"
                   f"127.0.0.1,db.internal {RSA}\n",
        "patterns": f"db.internal 22\n*.internal,!bad.internal {ECDSA}\n\n[db.internal]:22 {ED25519} comment\n",
    }
    for text in files.values():
        write("known_hosts", text)


if __name__ == "__main__":
    shutil.rmtree(CORPUS, ignore_errors=True)
    guard()
    values()
    ssh_config()
    mcp()
    known_hosts()
    for folder in sorted(CORPUS.iterdir()):
        print(f"{folder.relative_to(ROOT)}: {len(list(folder.iterdir()))} seeds")
