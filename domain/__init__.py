"""The product's vocabulary, shared by every layer and importing nothing of ours.

``vocabulary``: codes, roles, levels, directions, statuses, the years; ``periods``: the one way
a period is read and named; ``access``: the access policy as data (``Scope``, ``Forbidden``).
"""
