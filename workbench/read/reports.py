"""Read report files (txt, md, html, json, jsonl, csv) into one tidy reports table.

Reading a folder never stops at the first bad file: every unreadable file or record
comes back as a row of the ``problems`` table with a one-line reason, and the good
reports come back in the ``reports`` table (columns: ``schema.COLUMNS["reports"]``).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, NamedTuple

import pandas as pd
import yaml

from workbench import schema
from workbench.errors import ReportError
from workbench.read.folder_docs import is_folder_doc
from workbench.read.structure import dateline_date, parse_structure
from workbench.text import normalise_text

#: Formats by file suffix.
FORMATS = {
    ".txt": "txt",
    ".text": "txt",
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
}
#: Largest single-report file (txt, md, html) read; larger ones are reported, not read.
MAX_REPORT_BYTES = 10_000_000
#: Largest collection file (json, jsonl, csv).
MAX_COLLECTION_BYTES = 500_000_000
#: Fewer words than this after main-text extraction means the page held no article.
MIN_HTML_WORDS = 5
#: Record field names tried in order for each report field (json, jsonl, csv).
DEFAULT_FIELDS: dict[str, tuple[str, ...]] = {
    "title": ("title", "headline", "name"),
    "body": ("body", "text", "content", "article", "story"),
    "published": ("published", "date", "published_at", "pubdate", "datetime"),
    "source_outlet": ("source", "outlet", "source_outlet", "publisher", "sitename"),
    "url": ("url", "link", "source_url"),
    "byline": ("byline", "author", "authors"),
}
#: The problem row of a file in a folder skipped as folder documentation (README, ...);
#: the CLI prints it as ``skipped PATH: REASON``.
FOLDER_DOC_REASON = (
    "looks like a folder document (README/sources/licence/changelog), not a report;"
    " pass the file itself to read it"
)
_FRONT_MATTER = re.compile(r"^---\n(.*?)\n(?:---|\.\.\.)\n", re.DOTALL)
#: A key line of YAML front matter (``title: ...``), for front matter never closed.
_FRONT_KEY = re.compile(r"^[A-Za-z_][\w-]*:(?:\s|$)")
_MD_INLINE = [
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),
    (re.compile(r"(\*\*|__)(.+?)\1"), r"\2"),
    (re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])"), r"\1"),
    (re.compile(r"^#{1,6}\s+", re.MULTILINE), ""),
    (re.compile(r"^>\s?", re.MULTILINE), ""),
]


class ReadResult(NamedTuple):
    """What :func:`read_reports` returns: the readable reports and the problems."""

    reports: pd.DataFrame
    problems: pd.DataFrame


def read_report(path: str | Path, *, fields: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Read one file into a reports table (one row; one per record for json/jsonl/csv).

    Raises :class:`~workbench.errors.ReportError` naming the file and the problem.
    A collection file with some bad records returns the good ones, and a report whose
    front matter is malformed is read without it; use :func:`read_reports` to see those
    problems too.

    Examples
    --------
    >>> from workbench.config import SEEDS_DIR
    >>> row = read_report(SEEDS_DIR / "000_d02af4319f79bde9.txt").iloc[0]
    >>> (row.dateline_place, row.source_outlet, row.editor)
    ('HASAKAH', 'Kurdistan 24', 'Nadia Riva')
    """
    rows, problems = _read_file(Path(path), fields=fields)
    if not rows:
        raise problems[0] if problems else ReportError(path, "no reports in file")
    return schema.conform(rows, "reports")


def read_reports(
    paths: str | Path | Iterable[str | Path],
    *,
    fields: Mapping[str, str] | None = None,
    progress: bool = False,
) -> ReadResult:
    """Read files and folders (recursively) into ``(reports, problems)`` tables.

    Exact duplicates (same normalised text) are kept once; the later copies are
    listed in ``problems`` as duplicates, so nothing disappears silently. So is a
    folder's own documentation: a README, sources list, licence or changelog, told from
    a report by its name *and* its content (:func:`~workbench.read.folder_docs.is_folder_doc`),
    so that ``notes-aleppo.txt`` with a report in it is read.

    Parameters
    ----------
    paths
        A file, a folder, or several of either.
    fields
        Record field names for json/jsonl/csv, e.g. ``{"body": "article_text"}``;
        see :data:`DEFAULT_FIELDS` for what is tried otherwise.
    progress
        Show a progress bar (useful on folders of thousands of files).

    Examples
    --------
    >>> from workbench.config import SEEDS_DIR
    >>> reports, problems = read_reports(SEEDS_DIR)
    >>> len(reports) > 15, list(problems.columns)
    (True, ['path', 'reason'])
    """
    from tqdm.auto import tqdm

    files, problems = _list_files(paths)
    rows: list[dict[str, Any]] = []
    bar = tqdm(files, desc="reading", unit="file", disable=not progress or len(files) < 2)
    for file_rows, file_problems in _each_file(bar, fields=fields):
        rows += file_rows
        problems += file_problems
    return ReadResult(schema.conform(rows, "reports"), schema.conform(problems, "problems"))


def read_batches(
    paths: str | Path | Iterable[str | Path],
    *,
    fields: Mapping[str, str] | None = None,
    chars: int = 2_000_000,
    reports: int = 64,
) -> Iterator[ReadResult]:
    """Read like :func:`read_reports`, a few files at a time: each ``(reports, problems)``
    batch holds whole files up to about ``chars`` characters of text or ``reports``
    reports, so a folder of any size is read in bounded memory (one file's records stay
    in one batch). Duplicates are found across batches, as in one read.

    Examples
    --------
    >>> from workbench.config import SEEDS_DIR
    >>> batches = list(read_batches(SEEDS_DIR, reports=8))
    >>> len(batches) > 1, sum(len(b.reports) for b in batches) == len(read_reports(SEEDS_DIR)[0])
    (True, True)
    """
    files, listed = _list_files(paths)
    rows: list[dict[str, Any]] = []
    problems: list[dict] = listed
    size = 0
    for file_rows, file_problems in _each_file(files, fields=fields):
        rows += file_rows
        problems += file_problems
        size += sum(len(row["body"]) + len(row.get("title") or "") for row in file_rows)
        if size >= chars or len(rows) >= reports:
            yield ReadResult(schema.conform(rows, "reports"), schema.conform(problems, "problems"))
            rows, problems, size = [], [], 0
    if rows or problems or not files:
        yield ReadResult(schema.conform(rows, "reports"), schema.conform(problems, "problems"))


def _each_file(
    files: Iterable[Path], *, fields: Mapping[str, str] | None
) -> Iterator[tuple[list[dict[str, Any]], list[dict]]]:
    """Each file's report rows and problem rows, a report already read (same id) from an
    earlier file listed as a duplicate instead of read twice."""
    seen: dict[str, str] = {}
    for path in files:
        file_rows, file_problems = _read_file(path, fields=fields)
        rows, problems = [], [{"path": p.path, "reason": p.reason} for p in file_problems]
        for row in file_rows:
            if row["report_id"] in seen:
                reason = f"duplicate of {seen[row['report_id']]} (kept once)"
                problems.append({"path": row["path"], "reason": reason})
                continue
            seen[row["report_id"]] = row["path"]
            rows.append(row)
        yield rows, problems


def _list_files(paths: str | Path | Iterable[str | Path]) -> tuple[list[Path], list[dict]]:
    if isinstance(paths, (str, Path)):
        paths = [paths]
    files: list[Path] = []
    problems: list[dict] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                rel = child.relative_to(path).parts
                if any(part.startswith(".") for part in rel) or child.is_dir():
                    continue
                if not child.is_file():  # a pipe, socket or device; a broken or looping link
                    reason = "not a regular file (a pipe, socket, device, or a broken link)"
                    problems.append({"path": str(child), "reason": reason})
                    continue
                if is_folder_doc(child):  # never by name alone: see folder_docs
                    problems.append({"path": str(child), "reason": FOLDER_DOC_REASON})
                    continue
                if child.suffix.lower() not in FORMATS:
                    supported = ", ".join(sorted(set(FORMATS.values())))
                    reason = f"unsupported file type {child.suffix or '(none)'} (reads {supported})"
                    problems.append({"path": str(child), "reason": reason})
                    continue
                files.append(child)
        elif path.is_file():
            files.append(path)
        else:
            problems.append({"path": str(path), "reason": "no such file or folder"})
    return files, problems


def _read_file(
    path: Path, *, fields: Mapping[str, str] | None
) -> tuple[list[dict[str, Any]], list[ReportError]]:
    """Read one file; never raises: returns (rows, problems)."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        return [], [ReportError(path, f"unsupported file type {path.suffix or '(none)'}")]
    try:
        text = _decode(path, limit=MAX_COLLECTION_BYTES if fmt in _RECORDS else MAX_REPORT_BYTES)
        if fmt in _RECORDS:
            return _read_records(path, text, fmt, fields=fields)
        row, notes = _READERS[fmt](path, text)
        return [row], notes
    except ReportError as exc:
        return [], [exc]
    except (ValueError, TypeError, RecursionError) as exc:  # parser libraries' own errors
        return [], [ReportError(path, f"cannot parse {fmt}: {_one_line(exc)}")]


def _decode(path: Path, *, limit: int) -> str:
    """Read bytes and decode them: UTF-8 (with or without BOM), UTF-16 by BOM, else a guess."""
    try:
        size = path.stat().st_size
        if size > limit:
            raise ReportError(path, f"file too large ({size / 1e6:.1f} MB > {limit / 1e6:.0f} MB)")
        data = path.read_bytes()
    except OSError as exc:
        raise ReportError(path, f"cannot read file: {exc.strerror or exc}") from None
    if not data.strip():
        raise ReportError(path, "empty file")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise ReportError(path, "undecodable bytes (UTF-16 byte-order mark)") from None
    if b"\x00" in data[:8192]:
        raise ReportError(path, "binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    if best is None or best.chaos > 0.2:
        raise ReportError(path, "undecodable bytes: not UTF-8 and no text encoding fits")
    try:
        return data.decode(best.encoding)
    except (UnicodeDecodeError, LookupError):
        raise ReportError(path, f"undecodable bytes (best guess {best.encoding} fails)") from None


def _read_text(path: Path, text: str) -> tuple[dict[str, Any], list[ReportError]]:
    meta, text, notes = _front_matter(path, text)
    text = normalise_text(text)
    if path.suffix.lower() in (".md", ".markdown"):
        for pattern, repl in _MD_INLINE:
            text = pattern.sub(repl, text)
    title, _, body = text.partition("\n")
    fmt = "md" if path.suffix.lower() in (".md", ".markdown") else "txt"
    return _row(path, fmt, meta, title, body), notes


def _read_html(path: Path, text: str) -> tuple[dict[str, Any], list[ReportError]]:
    import trafilatura

    doc = trafilatura.bare_extraction(text, with_metadata=True, favor_precision=True)
    if doc is None or not (doc.text or "").strip():
        raise ReportError(path, "no readable article text in HTML")
    lines = [ln for ln in normalise_text(doc.text).split("\n") if ln.strip()]
    title = normalise_text(doc.title or "")
    if lines and title and lines[0].strip() == title:
        lines = lines[1:]
    if not title and lines:
        title, lines = lines[0], lines[1:]
    if sum(len(line.split()) for line in lines) < MIN_HTML_WORDS:
        raise ReportError(path, "no readable article text in HTML")
    meta = {"date": doc.date, "url": doc.url, "byline": doc.author, **_html_meta(text)}
    return _row(path, "html", meta, title, "\n\n".join(lines)), []


def _html_meta(text: str) -> dict[str, str]:
    """The few meta tags trafilatura does not map: an outlet name, an explicit date."""
    out: dict[str, str] = {}
    for m in re.finditer(r"<meta\s[^>]*>", text[:100_000], re.IGNORECASE):
        tag = m.group(0)
        name = re.search(r"(?:name|property)\s*=\s*[\"']([^\"']+)", tag, re.IGNORECASE)
        content = re.search(r"content\s*=\s*[\"']([^\"']*)", tag, re.IGNORECASE)
        if not (name and content):
            continue
        key = name.group(1).lower()
        if key in ("source", "og:site_name", "publisher") and "source" not in out:
            out["source"] = content.group(1)
    return out


_READERS = {"txt": _read_text, "md": _read_text, "html": _read_html}
_RECORDS = ("json", "jsonl", "csv")


def _read_records(
    path: Path, text: str, fmt: str, *, fields: Mapping[str, str] | None
) -> tuple[list[dict[str, Any]], list[ReportError]]:
    rows: list[dict[str, Any]] = []
    problems: list[ReportError] = []
    for n, record in _records(path, text, fmt):
        where = f"{path}#{n}"
        if isinstance(record, ReportError):
            problems.append(record)
            continue
        if not isinstance(record, Mapping):
            problems.append(
                ReportError(where, f"record is a {type(record).__name__}, not an object")
            )
            continue
        got = {key: _field(record, key, fields) for key in DEFAULT_FIELDS}
        body = got.pop("body")
        if not isinstance(body, str) or not body.strip():
            tried = ", ".join(_names("body", fields))
            problems.append(ReportError(where, f"record has no text (looked for fields {tried})"))
            continue
        meta = {"date": got["published"], "source": got["source_outlet"], "url": got["url"]}
        meta["byline"] = got["byline"]
        title = got["title"] if isinstance(got["title"], str) else ""
        try:
            rows.append(_row(Path(where), fmt, meta, normalise_text(title), normalise_text(body)))
        except ReportError as exc:
            problems.append(exc)
    if not rows and len(problems) > 1 and len({p.reason for p in problems}) == 1:
        problems = [
            ReportError(
                path, f"no report records: {len(problems)} records, each: {problems[0].reason}"
            )
        ]
    return rows, problems


def _records(path: Path, text: str, fmt: str) -> Iterator[tuple[int, Any]]:
    if fmt == "jsonl":
        for n, line in enumerate(text.splitlines(), 1):
            if line.strip():
                try:
                    yield n, json.loads(line.lstrip("\ufeff"))  # files joined, BOMs and all
                except json.JSONDecodeError as exc:
                    yield n, ReportError(f"{path}#{n}", f"malformed JSON line: {exc.msg}")
    elif fmt == "json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ReportError(path, f"malformed JSON: {exc.msg} (line {exc.lineno})") from None
        if isinstance(data, Mapping):
            lists = [v for v in data.values() if isinstance(v, list)]
            data = lists[0] if len(lists) == 1 and not _field(data, "body", None) else [data]
        if not isinstance(data, list):
            raise ReportError(path, f"JSON holds a {type(data).__name__}, not reports")
        yield from enumerate(data, 1)
    else:
        try:
            reader = csv.DictReader(io.StringIO(text, newline=""))
            for n, row in enumerate(reader, 1):
                if None in row:
                    yield (
                        n,
                        ReportError(f"{path}#{n}", "malformed CSV row: more cells than columns"),
                    )
                else:
                    yield n, row
        except csv.Error as exc:
            raise ReportError(path, f"malformed CSV: {exc}") from None


def _names(key: str, fields: Mapping[str, str] | None) -> tuple[str, ...]:
    if fields and key in fields:
        return (fields[key],)
    return DEFAULT_FIELDS[key]


def _field(record: Mapping, key: str, fields: Mapping[str, str] | None) -> Any:
    lower = {str(k).lower(): v for k, v in record.items()}
    for name in _names(key, fields):
        value = record.get(name, lower.get(name.lower()))
        if isinstance(value, list) and key == "byline":
            value = ", ".join(map(str, value))
        if value not in (None, ""):
            return value
    return None


def _front_matter(path: Path, text: str) -> tuple[dict[str, Any], str, list[ReportError]]:
    """``(metadata, text after it, notes)``. Front matter that cannot be used is passed
    over with a note, never the report: the analyst loses a date or an outlet, not the
    text, and the problems table says why."""
    text = text.replace("\r\n", "\n").lstrip("\ufeff")
    m = _FRONT_MATTER.match(text)
    if not m:
        return {}, *_unclosed_front_matter(path, text)
    try:
        meta = yaml.safe_load(m.group(1))
    except (yaml.YAMLError, ValueError, TypeError, RecursionError) as exc:  # bad dates: ValueError
        return {}, text[m.end() :], [_ignored(path, _one_line(exc))]
    if not isinstance(meta, dict):
        return {}, text[m.end() :], [_ignored(path, "not a mapping of keys to values")]
    return {str(k).lower(): v for k, v in meta.items()}, text[m.end() :], []


def _unclosed_front_matter(path: Path, text: str) -> tuple[str, list[ReportError]]:
    """A ``---`` line, key lines (``title: ...``) and no closing ``---``: drop the key lines."""
    lines = text.split("\n")
    if lines[0] != "---" or len(lines) < 2 or not _FRONT_KEY.match(lines[1]):
        return text, []
    n = 1
    while n < len(lines) and (_FRONT_KEY.match(lines[n]) or lines[n][:1] in (" ", "\t", "-")):
        n += 1
    reason = f"not closed by a '---' line; its {n - 1} key lines were left out of the text"
    return "\n".join(lines[n:]), [_ignored(path, reason)]


def _ignored(path: Path, why: str) -> ReportError:
    return ReportError(
        path, f"malformed front matter ignored ({why}); the rest was read as the report"
    )


def _row(path: Path, fmt: str, meta: Mapping[str, Any], title: str, body: str) -> dict[str, Any]:
    """Assemble one reports row from a title, a raw body and whatever metadata the file had."""
    title = normalise_text(str(title or "")).lstrip("# ").strip()
    body = normalise_text(body)
    if not body:
        raise ReportError(path, "no body text after the headline")
    parts = parse_structure(body)
    published = _date(meta.get("date") or meta.get("published"))
    if published is None:
        published = dateline_date(parts.dateline_date, year=None)
    outlet = meta.get("source") or meta.get("outlet") or parts.source_outlet
    return {
        "report_id": hashlib.sha256(f"{title}\n\n{body}".encode()).hexdigest()[:16],
        "path": str(path),
        "format": fmt,
        "title": title or None,
        "dateline_place": parts.dateline_place,
        "source_outlet": str(outlet) if outlet else None,
        "published": published,
        "byline": parts.byline or _text_or_none(meta.get("byline") or meta.get("author")),
        "editor": parts.editor or _text_or_none(meta.get("editor")),
        "url": _text_or_none(meta.get("url")),
        "standfirst": parts.standfirst,
        "dateline_end": parts.dateline_end,
        "body": parts.body,
        "n_words": len(parts.body.split()),
    }


def _date(value: Any) -> pd.Timestamp | None:
    if value in (None, ""):
        return None
    stamp = pd.to_datetime(str(value), errors="coerce", utc=True)
    return None if pd.isna(stamp) else stamp.tz_localize(None).normalize()


def _text_or_none(value: Any) -> str | None:
    return normalise_text(str(value)) or None if value not in (None, "") else None


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:200]
