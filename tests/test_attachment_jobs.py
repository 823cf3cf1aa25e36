"""The attachment jobs keep the dotted paths queued rows were written with.

django-tasks stores ``task.module_path`` in each queued row and runs the row by importing
that path; ``ScheduledRun`` keys periodic jobs by it. Rows queued before ``attachments.py``
became a package name ``tandem.work.attachments.<job>``, so those paths must still lead to
the jobs.
"""

from __future__ import annotations

import pytest
from django.utils.module_loading import import_string
from django_tasks.base import Task

from tandem.core import jobs
from tandem.work import attachments

PATHS_QUEUED_BEFORE_THE_SPLIT = [
    "tandem.work.attachments.make_thumbnail",
    "tandem.work.attachments.delete_stale_uploads",
    "tandem.work.attachments.sweep_orphaned_files",
]


@pytest.mark.parametrize("path", PATHS_QUEUED_BEFORE_THE_SPLIT)
def test_a_job_queued_under_its_old_path_imports_back_to_the_same_job(path: str) -> None:
    job = import_string(path)

    assert isinstance(job, Task)
    assert job.module_path == path


def test_the_periodic_attachment_jobs_are_scheduled_under_their_old_names() -> None:
    assert jobs.PERIODIC[attachments.delete_stale_uploads.module_path][1] == 3600
    assert jobs.PERIODIC[attachments.sweep_orphaned_files.module_path][1] == 24 * 3600
