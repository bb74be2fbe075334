"""woo-redact: detect, review and truly redact personal data in Dutch government documents.

The library is the core of the project; the CLI (`redaction.cli`) and the service are thin faces over it.
"""

__version__ = "0.1.0"
