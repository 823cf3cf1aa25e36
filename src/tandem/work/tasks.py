"""The work app's background jobs, imported here so workers find the periodic ones.

``jobs.ensure_scheduled`` discovers ``tasks`` modules; the jobs themselves live beside the
rules they serve.
"""

from tandem.work.attachments import delete_stale_uploads, make_thumbnail, sweep_orphaned_files

__all__ = ["delete_stale_uploads", "make_thumbnail", "sweep_orphaned_files"]
