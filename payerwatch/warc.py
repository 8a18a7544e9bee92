"""Write the archive's raw responses as a WARC file, so standard web-archive tools can replay them.

One ``response`` record per version (the bytes payerwatch first saw at that URL, dated by first_seen) with
its HTTP headers rebuilt from the fetch log, plus a ``warcinfo`` record naming the tool. Records are
gzipped per record (the usual ``.warc.gz`` layout), and versions are streamed one blob at a time.
"""

from __future__ import annotations

import datetime as dt
from io import BytesIO
from typing import BinaryIO

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from store import Archive


def write_warc(archive: Archive, out: BinaryIO, gzip: bool = True) -> tuple[int, list[str]]:
    """Write every archived version to ``out``; return (response records written, sha256s of missing blobs).

    A missing blob is reported rather than fatal: one lost file should not stop the rest of the archive
    from being exported (``payerwatch verify`` says what happened to it).
    """
    writer = WARCWriter(out, gzip=gzip)
    info = writer.create_warcinfo_record(
        "payerwatch-archive.warc.gz" if gzip else "payerwatch-archive.warc",
        {"software": "payerwatch", "format": "WARC File Format 1.1", "description": "payer policy archive"},
    )
    writer.write_record(info)
    n, missing = 0, []
    for version, fetch in archive.iter_raw_versions():
        try:
            body = archive.blobs.get(version.sha256)
        except FileNotFoundError:
            missing.append(version.sha256)
            continue
        headers = [
            ("Content-Type", fetch.get("content_type") or version.media_type or "application/octet-stream"),
            ("Content-Length", str(len(body))),
        ]
        if fetch.get("etag"):
            headers.append(("ETag", fetch["etag"]))
        if fetch.get("last_modified"):
            headers.append(("Last-Modified", fetch["last_modified"]))
        http = StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1")
        record = writer.create_warc_record(
            version.url,
            "response",
            payload=BytesIO(body),
            length=len(body),
            http_headers=http,
            warc_headers_dict={
                "WARC-Date": _warc_date(version.first_seen),
                "WARC-Payerwatch-Policy": version.policy_id,
                "WARC-Payerwatch-Version": str(version.id),
            },
        )
        writer.write_record(record)
        n += 1
    return n, missing


def _warc_date(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
