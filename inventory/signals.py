"""Signals of registry writes that live coverage follows: sent by `Hotspot.save` (after its
status period is recorded, which `post_save` would precede) and by the import, whose COPY
and one UPDATE per chunk never fire `post_save`. Each writer sends
`assets_changing` before it changes existing rows (receivers answer with what they must
remember of the old rows, e.g. the desa/kelurahan a hotspot's coverage touched) and
`assets_changed` once everything is written, in the same transaction, with those answers.
`geo.coverage.live` listens to both to keep live coverage current.
"""

from django.dispatch import Signal

#: sender: the model; ids: the rows about to change. Receivers return what to pass back.
assets_changing = Signal()
#: sender: the model; ids: the rows written; before: the answers to `assets_changing`.
assets_changed = Signal()
