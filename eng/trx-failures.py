#!/usr/bin/env python3
"""Lists the failed tests of TRX result files, one block each, so the end of a test run names what failed."""
import sys
import xml.etree.ElementTree as ET

NS = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}

for path in sys.argv[1:]:
    for result in ET.parse(path).getroot().iterfind(".//t:UnitTestResult", NS):
        if result.get("outcome") not in ("Failed", "Error", "Timeout", "Aborted"):
            continue
        message = result.findtext("t:Output/t:ErrorInfo/t:Message", default="", namespaces=NS).strip()
        trace = result.findtext("t:Output/t:ErrorInfo/t:StackTrace", default="", namespaces=NS).strip()
        print(f"FAILED {result.get('testName')} ({result.get('duration')})")
        for line in (message[:1500] + "\n" + "\n".join(trace.splitlines()[:6])).splitlines():
            print(f"    {line}")
