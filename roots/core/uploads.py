"""Checks on uploaded files that every upload path shares.

`check_archive` opens a ZIP container (XLSX, DOCX, a plain .zip ...) with `zipfile`, reads
only its central directory (nothing is inflated) and refuses it, raising `ArchiveRefused`,
when it is not a valid ZIP, has too many members, would inflate to too much in all, or has
a member compressed suspiciously well (a zip bomb: a few hundred KB of deflated whitespace
that a reader would inflate to gigabytes). Call it when the file is received, so that the
client gets a 400 at once, and again right before a reader opens the file (a file stored
earlier, a limit lowered since).

The limits are settings (all optional):

| setting | default | |
| --- | --- | --- |
| `ROOTS_ARCHIVE_MAX_MEMBERS` | 1,000 | members (files and folders) in the archive |
| `ROOTS_ARCHIVE_MAX_EXPANSION` | 50 | the members' total size may be this many times the file's |
| `ROOTS_ARCHIVE_MIN_TOTAL` | 16 MiB | ... but a small file may always inflate to this much |
| `ROOTS_ARCHIVE_MAX_TOTAL` | 1 GiB | ... and no file to more than this |
| `ROOTS_ARCHIVE_MAX_RATIO` | 100 | a member's size / its compressed size |
| `ROOTS_ARCHIVE_RATIO_FLOOR` | 1 MiB | members up to this size are not held to the ratio |

Spreadsheets compress about 5-15 : 1 (a sheet of 100,000 identical rows written by
XlsxWriter: 11.8 : 1); deflate cannot do better than about 1,030 : 1. The sizes checked are
those the archive declares: Python's `zipfile` never inflates a member past its declared
size (and checks its CRC at the end), so a reader that uses `zipfile` (as
`roots.core.xlsx` does) is held to them.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

ARCHIVE_REFUSED = "archive_refused"  # the `code` of the API's 400 answer


class ArchiveRefused(Exception):
    """An uploaded archive that must not be opened; `str()` is a message for the user
    (translated in the active language), `reason` a machine-readable word."""

    code = ARCHIVE_REFUSED

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class ArchiveLimits:
    max_members: int
    max_total: int  # bytes, all members inflated
    max_ratio: float
    ratio_floor: int  # bytes; members this small are not held to `max_ratio`

    @classmethod
    def for_size(cls, size: int) -> ArchiveLimits:
        """The limits (from the settings) for a file of `size` bytes."""
        expansion = int(getattr(settings, "ROOTS_ARCHIVE_MAX_EXPANSION", 50))
        floor = int(getattr(settings, "ROOTS_ARCHIVE_MIN_TOTAL", 16 * 1024 * 1024))
        ceiling = int(getattr(settings, "ROOTS_ARCHIVE_MAX_TOTAL", 1024 * 1024 * 1024))
        return cls(
            max_members=int(getattr(settings, "ROOTS_ARCHIVE_MAX_MEMBERS", 1000)),
            max_total=min(max(expansion * max(size, 0), floor), ceiling),
            max_ratio=float(getattr(settings, "ROOTS_ARCHIVE_MAX_RATIO", 100)),
            ratio_floor=int(getattr(settings, "ROOTS_ARCHIVE_RATIO_FLOOR", 1024 * 1024)),
        )


@dataclass(frozen=True)
class ArchiveSummary:
    members: int
    total: int  # bytes, all members inflated
    size: int  # bytes, the archive itself


def _size_of(source: Any) -> int:
    if isinstance(source, str | Path):
        return Path(source).stat().st_size
    size = getattr(source, "size", None)
    if isinstance(size, int):
        return size
    position = source.tell()
    end = source.seek(0, 2)
    source.seek(position)
    return int(end)


def check_archive(
    source: str | Path | IO[bytes], *, limits: ArchiveLimits | None = None
) -> ArchiveSummary:
    """Check a ZIP archive (a path, or a seekable binary file, e.g. an `UploadedFile`,
    left at its start) without inflating it; raise `ArchiveRefused` if it must not be
    opened. Answers what was checked."""
    size = _size_of(source)
    limits = limits or ArchiveLimits.for_size(size)
    if not isinstance(source, str | Path):
        source.seek(0)
    try:
        with zipfile.ZipFile(source) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise ArchiveRefused(
            _(
                "The file is damaged or of another kind: it is not a ZIP archive, which an "
                ".xlsx workbook is."
            ),
            reason="not_zip",
        ) from None
    finally:
        if not isinstance(source, str | Path):
            source.seek(0)
    if len(members) > limits.max_members:
        raise ArchiveRefused(
            _("The file holds %(count)s parts; at most %(max)s are accepted.")
            % {"count": f"{len(members):,}", "max": f"{limits.max_members:,}"},
            reason="too_many_members",
        )
    total = 0
    for member in members:
        total += member.file_size
        if member.file_size > limits.ratio_floor:
            ratio = member.file_size / max(member.compress_size, 1)
            if ratio > limits.max_ratio:
                raise ArchiveRefused(
                    _(
                        "A part of the file (%(name)s) is compressed %(ratio)s to 1; at most "
                        "%(max)s to 1 is accepted."
                    )
                    % {
                        "ratio": f"{ratio:,.0f}",
                        "name": member.filename[:80],
                        "max": f"{limits.max_ratio:,.0f}",
                    },
                    reason="compression_ratio",
                )
    if total > limits.max_total:
        raise ArchiveRefused(
            _("The file would unpack to %(total)s; at most %(max)s is accepted: split it.")
            % {"total": filesizeformat(total), "max": filesizeformat(limits.max_total)},
            reason="too_large_unpacked",
        )
    return ArchiveSummary(members=len(members), total=total, size=size)
