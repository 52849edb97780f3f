#!/usr/bin/env python3
"""Reads an export_query file as an analyst's tools would, independently of the server's code,
and prints what it holds as one JSON document on stdout (export_test.cpp compares it with the same
rows read through psql):

  read_export.py csv|jsonl|xlsx|geojson FILE

  {"columns": [...], "rows": [[...], ...], "warnings": [...], ...format-specific members}

csv      Python's csv module (newline='', UTF-8). A cell is its text, or null for an empty
         unquoted field (SQL NULL); "crlf": every record ends with CR LF; "bom": the file starts
         with a byte-order mark.
jsonl    the json module, one object per line; columns are the first object's keys.
geojson  the json module; each row is [geometry, property values...], columns ["<geometry>",
         property keys...]; "crs" is the top-level crs member (or null); "ogr": what
         `ogrinfo -ro -al -so` says (feature count, the layer SRS's name), or null without ogrinfo.
xlsx     openpyxl; the first sheet's header row gives the columns, and each cell is
         [kind, value] with kind number (an int or float cell), bool, str, datetime or time
         (both ISO, with microseconds), or null for an empty cell; "sheets": the sheet names.

A missing reader (openpyxl, ogrinfo) is a warning, never a failure: {"skipped": why} or "ogr": null.
"""
import csv
import io
import json
import re
import shutil
import subprocess
import sys


def quoted_fields(record):
    """Which fields of one raw CSV record were quoted: the one thing csv.reader does not say."""
    flags, i = [], 0
    while True:
        quoted = record.startswith('"', i)
        flags.append(quoted)
        if quoted:
            i += 1
            while True:
                j = record.index('"', i)
                if record.startswith('""', j):
                    i = j + 2
                else:
                    i = j + 1
                    break
        while i < len(record) and record[i] not in ',\r\n':
            i += 1
        if i >= len(record) or record[i] != ',':
            return flags
        i += 1


class Tap:
    """The lines csv.reader pulls, kept until the record they make is taken."""

    def __init__(self, lines):
        self.lines, self.taken = lines, []

    def __iter__(self):
        return self

    def __next__(self):
        line = next(self.lines)
        self.taken.append(line)
        return line

    def record(self):
        raw, self.taken = ''.join(self.taken), []
        return raw


def read_csv(path):
    with open(path, newline='', encoding='utf-8') as f:
        text = f.read()
    tap = Tap(io.StringIO(text, newline=''))
    records, crlf = [], True
    for fields in csv.reader(tap):
        raw = tap.record()
        crlf = crlf and raw.endswith('\r\n')
        quoted = quoted_fields(raw)
        assert len(quoted) == len(fields), (raw, fields)
        records.append([None if v == '' and not q else v for v, q in zip(fields, quoted)])
    return {'columns': records[0] if records else [], 'rows': records[1:], 'crlf': crlf,
            'bom': text.startswith('\ufeff')}


def read_jsonl(path):
    with open(path, encoding='utf-8') as f:
        objects = [json.loads(line) for line in f.read().split('\n') if line != '']
    columns = list(objects[0]) if objects else []
    return {'columns': columns, 'rows': [list(o.values()) for o in objects],
            'same_keys': all(list(o) == columns for o in objects)}


def ogr_summary(path):
    if not shutil.which('ogrinfo'):
        return None
    out = subprocess.run(['ogrinfo', '-ro', '-al', '-so', path], capture_output=True, text=True,
                         check=True).stdout
    count = re.search(r'^Feature Count: (\d+)', out, re.M)
    srs = re.search(r'^(?:PROJCRS|GEOGCRS|PROJCS|GEOGCS)\["([^"]*)"', out, re.M)
    return {'features': int(count.group(1)) if count else None, 'srs': srs.group(1) if srs else None}


def read_geojson(path):
    with open(path, encoding='utf-8') as f:
        doc = json.load(f)
    features = doc['features']
    keys = list(features[0]['properties']) if features else []
    return {'type': doc['type'], 'columns': ['<geometry>'] + keys,
            'rows': [[ft['geometry']] + list(ft['properties'].values()) for ft in features],
            'feature_types': sorted({ft['type'] for ft in features}),
            'crs': doc.get('crs'), 'ogr': ogr_summary(path)}


def cell(value):
    import datetime
    if value is None:
        return None
    if isinstance(value, bool):
        return ['bool', value]
    if isinstance(value, (int, float)):
        return ['number', value]
    if isinstance(value, datetime.datetime):
        return ['datetime', value.strftime('%Y-%m-%dT%H:%M:%S.%f')]
    if isinstance(value, datetime.time):
        return ['time', value.strftime('%H:%M:%S.%f')]
    if isinstance(value, str):
        return ['str', value]
    return [type(value).__name__, str(value)]


def read_xlsx(path):
    try:
        import openpyxl
    except ImportError:
        return {'skipped': 'python3 has no openpyxl (apt install python3-openpyxl)'}
    book = openpyxl.load_workbook(path, read_only=True)
    sheet = book.worksheets[0]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    header = rows[0] if rows else []
    return {'columns': header, 'rows': [[cell(v) for v in r] for r in rows[1:]],
            'sheets': book.sheetnames}


def main():
    fmt, path = sys.argv[1], sys.argv[2]
    result = {'csv': read_csv, 'jsonl': read_jsonl, 'geojson': read_geojson, 'xlsx': read_xlsx}[fmt](path)
    json.dump(result, sys.stdout, ensure_ascii=False)
    sys.stdout.write('\n')


if __name__ == '__main__':
    main()
