"""Open data for civil society (README.md, "Open data"): the published periods' national and
provincial aggregates at ``/open``, as a server-rendered page in English and Khmer, JSON, CSV and a
Frictionless data package, for everyone and without sign-in.

``routes.py`` (the blueprint: publication check, cache, rate limit, ETags), ``tables.py`` (the
tables from the signed-in query layer with ``Scope.public()``, their columns and the data
package), ``page.py`` (the page's view model), ``limits.py`` (the rate limit), ``templates/``.
"""

from open_data.routes import bp

__all__ = ["bp"]
