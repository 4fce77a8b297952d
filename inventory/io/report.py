"""The report of one import: counts, errors and warnings, samples, as text or JSON."""

from dataclasses import dataclass, field

from .validation import Issue

MAX_STORED_ISSUES = 1000


@dataclass
class ImportReport:
    """What an import did, or found wrong; `ok` is False when anything was refused."""

    layer: str
    file: str
    dry_run: bool = False
    update: bool = False
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    error_count: int = 0
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    samples: dict[str, list[str]] = field(
        default_factory=lambda: {"created": [], "updated": []}
    )
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """Whether the file was accepted (nothing refused)."""
        return self.error_count == 0

    @property
    def written(self) -> bool:
        """Whether the changes were saved (accepted and not a dry run)."""
        return self.ok and not self.dry_run

    def add_errors(self, issues: list[Issue]):
        """Count every issue, keep the first MAX_STORED_ISSUES."""
        self.error_count += len(issues)
        room = MAX_STORED_ISSUES - len(self.errors)
        if room > 0:
            self.errors.extend(issues[:room])

    def as_dict(self) -> dict:
        """JSON-ready form (used by the API)."""
        return {
            "layer": self.layer, "file": self.file, "ok": self.ok, "written": self.written,
            "dry_run": self.dry_run, "update": self.update, "rows": self.rows,
            "created": self.created, "updated": self.updated, "unchanged": self.unchanged,
            "error_count": self.error_count,
            "errors": [issue.as_dict() for issue in self.errors],
            "warnings": [issue.as_dict() for issue in self.warnings],
            "samples": self.samples, "seconds": round(self.seconds, 2),
        }

    def summary(self) -> str:
        """One line: what was (or would be) done."""
        if not self.ok:
            return (f"{self.error_count} error(s) in {self.rows} rows of {self.file}; "
                    "nothing was written.")
        verb = "Would create" if self.dry_run else "Created"
        text = (f"{verb} {self.created}, {'update' if self.dry_run else 'updated'} "
                f"{self.updated}; {self.unchanged} unchanged ({self.rows} rows of {self.file}"
                f", {self.seconds:.1f} s).")
        if self.dry_run:
            text += " Dry run: nothing was written."
        return text

    def as_text(self, limit: int = 200) -> str:
        """The full report as plain text (command output)."""
        lines = [f"Import of {self.file} into {self.layer}: {self.rows} rows read."]
        for issue in self.warnings:
            lines.append(f"Warning: {issue}")
        if self.errors:
            lines.append(f"Errors ({self.error_count}):")
            lines.extend(f"  {issue}" for issue in self.errors[:limit])
            hidden = self.error_count - min(limit, len(self.errors))
            if hidden > 0:
                lines.append(f"  … and {hidden} more errors")
        elif self.dry_run:
            for action, label in (("created", "Would create"), ("updated", "Would update")):
                if self.samples[action]:
                    more = getattr(self, action) - len(self.samples[action])
                    lines.append(f"{label}: " + "; ".join(self.samples[action])
                                 + (f"; … and {more} more" if more > 0 else ""))
        lines.append(self.summary())
        return "\n".join(lines)
