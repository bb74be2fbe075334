"""The distributed mode: the jobs of ``service.jobs`` on Celery workers, Redis as broker, one shared database.

Configured by the environment: ``WOO_REDACT_BROKER_URL`` (e.g. ``redis://127.0.0.1:6379/0``) switches the
service from its in-process pool to Celery; ``DATABASE_URL`` (PostgreSQL) and ``WOO_REDACT_DATA`` (a folder
every worker and the service share) say where the jobs' state and files are. ``woo-redact worker`` starts a
worker.

Two task types, both safe to run twice (Celery delivers at least once): ``drive`` does a job's steps and,
in a task phase, sends one ``document`` task per document still to do; the ``document`` task that finishes
a phase's last document moves the job on and sends ``drive`` again. Nothing waits on a result, so no result
backend is needed.
"""

from __future__ import annotations

import logging
import os

from celery import Celery
from celery.signals import worker_ready

from . import jobs

log = logging.getLogger(__name__)

BROKER_ENV = "WOO_REDACT_BROKER_URL"
QUEUE = os.environ.get("WOO_REDACT_QUEUE") or "woo-redact"  # several installations may share one broker

celery = Celery("woo_redact")
celery.conf.update(
    broker_url=os.environ.get(BROKER_ENV, "redis://127.0.0.1:6379/0"),
    task_default_queue=QUEUE,
    task_serializer="json",
    accept_content=["json"],
    task_ignore_result=True,
    # A task is acknowledged when it is done: one whose worker died is delivered again (after the
    # visibility timeout), and the claims in service.jobs make the second run harmless.
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    broker_transport_options={"visibility_timeout": 3600},
    broker_connection_retry_on_startup=True,
)


def configure(broker_url: str, queue: str | None = None) -> None:
    celery.conf.broker_url = broker_url
    if queue:
        celery.conf.task_default_queue = queue


def _place(data: dict) -> jobs.Place:
    return jobs.Place(**data)


@celery.task(name="woo_redact.drive")
def drive(place: dict, job_id: int) -> None:
    """Do the job's steps until it reaches a task phase with work left, then hand that work out."""
    where = _place(place)
    while True:
        status, phase = jobs.state(where, job_id)
        if status in ("done", "failed"):
            return
        if phase not in jobs.TASK_PHASES:
            jobs.run_step(where, job_id, phase)
            continue
        todo = jobs.pending(where, job_id, phase)
        if todo:
            for document_id in todo:
                document.delay(place, phase, job_id, document_id)
            return
        if not jobs.advance(where, job_id, phase):
            return  # documents are still under way; the last of them moves the job on


@celery.task(name="woo_redact.document")
def document(place: dict, phase: str, job_id: int, document_id: int) -> None:
    where = _place(place)
    jobs.run_task(where, phase, job_id, document_id)
    if jobs.advance(where, job_id, phase):
        drive.delay(place, job_id)


class CeleryRunner:
    """What the service calls to start a job when a broker is configured."""

    def __init__(self, place: jobs.Place):
        self.place = place

    def start(self, job_id: int) -> None:
        drive.delay(self.place.to_json(), job_id)

    def recover(self) -> list[int]:
        return recover(self.place)

    def shutdown(self) -> None:
        pass


def recover(place: jobs.Place) -> list[int]:
    """Send ``drive`` again for every unfinished job (the broker may have lost its messages in a restart)."""
    unfinished = jobs.unfinished(place)
    for job_id in unfinished:
        jobs.reset_claims(place, job_id)
        drive.delay(place.to_json(), job_id)
    return unfinished


@worker_ready.connect
def _warm(**_kwargs) -> None:
    from redaction.analyzer import get_engine

    get_engine()
