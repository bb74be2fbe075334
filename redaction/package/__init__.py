"""Release packages: many documents in one job.

Library parts only (no database, no Flask): safe unpacking of a ZIP or folder (``unpack``), exact and
near-duplicates, e-mail threads and families (``duplicates``), and the inventory list with its report
(``inventory``). The jobs that run them, resumably and in parallel, live in ``service/jobs.py``.
"""
