"""Tools for rule authors and for proving a pack safe: ``verify`` (the whole answer space against a
plain-Python ``reference`` evaluator and the ``invariants``), ``mutation`` testing, ``lint`` and
the chaining ``graph``. Nothing on the triage path imports these."""
