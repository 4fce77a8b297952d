"""The errors of area writes: a load refused (naming every problem), an area in use."""

MAX_REPORTED_ERRORS = 50


class AreaLoadError(Exception):
    """A boundary file that cannot be loaded; `errors` lists every problem found."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        shown = errors[:MAX_REPORTED_ERRORS]
        more = len(errors) - len(shown)
        text = "\n".join(shown) + (f"\n… and {more} more errors" if more > 0 else "")
        super().__init__(text)


class AssetsOutsideAreas(AreaLoadError):
    """New boundaries would leave point assets outside every desa/kelurahan."""


class AreaInUse(Exception):
    """An area that cannot be deleted because other records still depend on it; the message
    (Bahasa Indonesia, translated) names them."""
