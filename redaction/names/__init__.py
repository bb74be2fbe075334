"""Person-name detection for Dutch documents without an NER model.

Detection is built from three parts:

* ``lexicon``  -- name lists (deduce's plain data files, Faker's person providers) and the hand-made
  word lists in ``rules/names_*.txt``, ``rules/names_context.yaml`` and ``rules/public_officials.yaml``,
  loaded lazily once per process;
* ``tokens``   -- a tokenizer that keeps offsets, line structure and line-end hyphenation;
* ``detector`` -- the rules (structure, context, consistency) and the public-official decision.
"""
