"""Scenario files: YAML in, a typed and validated ``Scenario`` out (the one validation boundary).

``schema`` holds the typed model, ``consistency`` the checks that span several fields,
``loading`` reads YAML with line numbers and ``extends:``, ``variants`` applies dotted-path changes
to a loaded scenario and validates the result the same way.
"""
