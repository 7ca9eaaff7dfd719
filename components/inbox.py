"""The header's inbox: how many things await the signed-in user, each a link to the place.

MEF's reviewer sees the submissions to review; the budget unit and a director the questions to
answer and the deviations to explain (``db.queries.review.inbox`` decides, within the user's
scope). Nothing is shown when nothing waits.

The counts are filled by a callback, not built into the layout, so that no page waits for them:
a slow or failing database costs the inbox only (logged, nothing shown), never the page. The
callback runs when the user moves to another page and once a minute, so that a question answered
on one page leaves the count without a reload. It reads through the query cache, which every
write makes stale (``db.queries.cache.note_write``): a refresh with nothing new costs two small
queries, and one that changes nothing sends nothing back (an open list stays open).
"""

from __future__ import annotations

import logging

import dash
from dash import Input, Output, State, dcc, html
from dash.exceptions import PreventUpdate
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from components.format import format_number
from db.engine import bound_statement_time
from i18n import t

log = logging.getLogger(__name__)

INBOX_ID = "inbox"
SEEN_ID = "inbox-seen"
TICK_ID = "inbox-tick"
REFRESH_MS = 60_000
# A PostgreSQL statement of the inbox that runs longer is cancelled: the worker is freed and the
# inbox stays empty until the next refresh.
TIMEOUT_MS = 2_000
KINDS = ("to_review", "questions", "to_explain")
PAGES_LOCATION = "_pages_location"  # the Location of dash.page_container: it changes with every page


def inbox_slot() -> html.Div:
    """The header's place for the inbox (empty until the callback fills it), with its timer."""
    return html.Div(
        [html.Div(id=INBOX_ID, className="inbox"), dcc.Store(id=SEEN_ID),
         dcc.Interval(id=TICK_ID, interval=REFRESH_MS)],
        className="inbox-slot",
    )


def label(kind: str, count: int, lang: str) -> str:
    """``3 questions to answer`` in ``lang`` (Khmer digits in Khmer)."""
    return t(f"inbox.{kind}.{'one' if count == 1 else 'many'}", lang, count=format_number(count, lang))


def render(items: list[dict], lang: str) -> list:
    """The inbox's content: a toggle with the total as a badge, opening a list of links; nothing
    at all when nothing waits."""
    if not items:
        return []
    total = sum(item["count"] for item in items)
    waiting = t("inbox.waiting", lang, count=format_number(total, lang))
    summary = html.Summary(
        [html.Span(t("inbox.title", lang), className="inbox-label"),
         html.Span(format_number(total, lang), className="inbox-badge", id="inbox-total")],
        className="inbox-toggle", title=waiting, **{"aria-label": waiting},
    )
    links = [html.Li(dcc.Link(label(item["kind"], item["count"], lang), href=item["href"], className="inbox-link"),
                     **{"data-kind": item["kind"]})
             for item in items]
    return [html.Details([summary, html.Ul(links, className="inbox-list")], className="inbox-menu")]


def waiting_items(session: Session, scope) -> list[dict]:
    """What awaits ``scope``, through the query cache: ``kind``, ``count`` (above 0), ``href``."""
    from db.queries.cache import FACTS, PEOPLE, cached
    from db.queries.review import inbox

    if not scope.reads_data:  # the administrator: no data, nothing to do in the budget cycle
        return []
    bound_statement_time(session, TIMEOUT_MS)
    items = cached(session, scope, inbox, depends=(FACTS, PEOPLE))  # submissions, questions, explanations
    return [{"kind": i["kind"], "count": int(i["count"]), "href": str(i["href"])}
            for i in items if i.get("kind") in KINDS and i.get("count")]


def caller_items() -> list[dict]:
    """The caller's inbox, or nothing (logged) when it cannot be read: never an error."""
    from components.context import caller_db_url, caller_scope
    from db.engine import session_scope

    try:
        scope = caller_scope()
        with session_scope(caller_db_url()) as session:
            return waiting_items(session, scope)
    except SQLAlchemyError as error:  # the database away, locked or too slow: expected, said briefly
        log.warning("inbox not shown: %s", error.__class__.__name__)
    except Exception:  # a bug: its traceback in the log, and still no broken header
        log.exception("inbox not shown")
    return []


@dash.callback(
    Output(INBOX_ID, "children"), Output(SEEN_ID, "data"),
    Input(PAGES_LOCATION, "pathname"), Input(TICK_ID, "n_intervals"), State(SEEN_ID, "data"),
)
def refresh_inbox(_pathname, _ticks, seen):
    """Fill the inbox on every page and every minute; a tick that finds nothing new sends nothing."""
    from components.context import caller_language

    items = caller_items()
    if dash.ctx.triggered_id == TICK_ID and items == seen:
        raise PreventUpdate
    try:
        return render(items, caller_language()), items
    except Exception:  # a bug in the inbox must not put an error over the page
        log.exception("inbox not shown")
        return [], []
