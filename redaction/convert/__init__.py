"""Other input formats turned into PDF before analysis: Office files (office.py, LibreOffice) and e-mails (email.py)."""
