"""Dutch recognizers for Presidio, one per file, in the style of Presidio's ``country_specific`` packages.

Conventions every module here follows:

* exactly one public class whose name ends in ``Recognizer``, a subclass of Presidio's
  ``PatternRecognizer`` or ``EntityRecognizer``, constructible without arguments,
  ``supported_language="nl"`` and one entity from ``ENTITIES``;
* checksums (elfproef, mod-97) are validated with python-stdnum, phone formats with phonenumbers;
* each result explains itself: ``analysis_explanation.textual_explanation`` holds a short reason in
  plain words; a result that must stay visible (a public official, an organisation's general number)
  is returned with ``recognition_metadata["keep_reason"]`` set, so the engine can record why;
* nothing is fetched at run time.

The text a recognizer sees is a whole document: lines end in ``\\n``, blocks in an extra ``\\n``, pages
are separated by ``\\f``; a word hyphenated at a line end reads ``-\\n``.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil

from presidio_analyzer import EntityRecognizer

ENTITIES = (
    "PERSON",
    "EMAIL",
    "PHONE",
    "BSN",
    "IBAN",
    "ADDRESS",
    "POSTCODE_CITY",
    "DATE_OF_BIRTH",
    "LICENSE_PLATE",
)


def recognizer_classes() -> list[type[EntityRecognizer]]:
    """Every recognizer class defined in this package, in module order."""
    classes = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        for name, obj in vars(module).items():
            if (
                inspect.isclass(obj)
                and name.endswith("Recognizer")
                and obj.__module__ == module.__name__
                and issubclass(obj, EntityRecognizer)
            ):
                classes.append(obj)
    return classes


def build_recognizers() -> list[EntityRecognizer]:
    """One instance of every recognizer in this package."""
    return [cls() for cls in recognizer_classes()]
