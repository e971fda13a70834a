"""What an import did, file by file, for the command's summary and for callers such as seeders."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class FileOutcome:
    path: Path
    slug: str = ""
    title: str = ""
    page_id: int | None = None
    reason: str = ""

    def describe(self) -> str:
        name = f"{self.path} ({self.slug})" if self.slug else str(self.path)
        return f"{name}: {self.reason}" if self.reason else name


@dataclass
class ImportReport:
    publish: bool = False
    dry_run: bool = False
    created: list[FileOutcome] = field(default_factory=list)
    updated: list[FileOutcome] = field(default_factory=list)
    # Articles already there that the file left as they were: no new revision.
    unchanged: list[FileOutcome] = field(default_factory=list)
    skipped: list[FileOutcome] = field(default_factory=list)
    failed: list[FileOutcome] = field(default_factory=list)
    warnings: list[tuple[Path, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed

    @property
    def imported(self) -> list[FileOutcome]:
        return self.created + self.updated

    def warn(self, path: Path, message: str) -> None:
        self.warnings.append((path, message))

    def summary_lines(self) -> list[str]:
        """Plain lines for a terminal: problems first, then the counts."""
        lines = [f"FAILED {outcome.describe()}" for outcome in self.failed]
        lines += [f"skipped {outcome.describe()}" for outcome in self.skipped]
        lines += [f"warning {path}: {message}" for path, message in self.warnings]
        would = "would be " if self.dry_run else ""
        state = "published" if self.publish else "saved as drafts"
        lines.append(
            f"{len(self.created)} {would}created, {len(self.updated)} {would}updated "
            f"({state}), {len(self.unchanged)} unchanged, {len(self.skipped)} skipped, "
            f"{len(self.failed)} failed, {len(self.warnings)} warning(s)."
        )
        if self.dry_run:
            lines.append("Dry run: nothing was written.")
        return lines
