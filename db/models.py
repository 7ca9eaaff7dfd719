"""The schema: reference data, facts with lineage, marts, load batches, users and the audit log.

Constraints live in the database as well as in Python (foreign keys, natural-key uniqueness,
non-negative amounts), so that no path into the database, the loader's or a hand-written one,
can store what the data contract forbids. Amounts are whole riels (BigInteger): the riel has no
sub-unit in use, and integers sum exactly on both SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from domain.submission import DECISIONS, SUBMISSION_STATUSES
from domain.vocabulary import (
    AGGREGATIONS,
    DIRECTIONS,
    FUNDING_SOURCES,
    INDICATOR_LEVELS,
    LANGUAGES,
    PROGRAMME_LEVELS,
    PROVINCIAL_DIRECTOR,
    ROLES,
    UNIT_LEVELS,
    YEAR_MAX,
    YEAR_MIN,
)

# Named constraints make Alembic migrations reproducible on both databases.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

BATCH_KINDS = ("execution", "indicators", "reference", "unknown")
BATCH_STATUSES = ("loaded", "superseded", "rejected", "duplicate")


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


# --- reference data -----------------------------------------------------------------------


class AdminUnit(Base):
    """Central MoSVY (``00``), the 25 capital/provinces, their districts and communes."""

    __tablename__ = "admin_unit"
    __table_args__ = (CheckConstraint(_in("level", UNIT_LEVELS), name="level"),)

    code: Mapped[str] = mapped_column(String(6), primary_key=True)
    level: Mapped[str] = mapped_column(String(10))
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("admin_unit.code"), index=True)
    province_code: Mapped[str] = mapped_column(String(2), index=True)
    name_en: Mapped[str] = mapped_column(String(120))
    name_km: Mapped[str] = mapped_column(String(120))


class Programme(Base):
    """A node of the programme structure: programme → sub-programme → cluster → activity."""

    __tablename__ = "programme"
    __table_args__ = (CheckConstraint(_in("level", PROGRAMME_LEVELS), name="level"),)

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("programme.code"), index=True)
    level: Mapped[str] = mapped_column(String(20))
    name_en: Mapped[str] = mapped_column(String(250))
    name_km: Mapped[str] = mapped_column(String(250))


class EconomicCode(Base):
    """A chapter (no parent) or account of the economic classification."""

    __tablename__ = "economic_code"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("economic_code.code"), index=True)
    name_en: Mapped[str] = mapped_column(String(250))
    name_km: Mapped[str] = mapped_column(String(250))


class Indicator(Base):
    """An entry of the indicator catalogue (docs/data-contract.md)."""

    __tablename__ = "indicator"
    __table_args__ = (
        CheckConstraint(_in("level", INDICATOR_LEVELS), name="level"),
        CheckConstraint(_in("direction", DIRECTIONS), name="direction"),
        CheckConstraint(_in("aggregation", AGGREGATIONS), name="aggregation"),
        CheckConstraint("weight >= 0", name="weight_non_negative"),
        CheckConstraint(
            "aggregation <> 'ratio' OR (numerator_code IS NOT NULL AND denominator_code IS NOT NULL)",
            name="ratio_has_parts",
        ),
    )

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name_en: Mapped[str] = mapped_column(String(250))
    name_km: Mapped[str] = mapped_column(String(250))
    unit: Mapped[str] = mapped_column(String(60))
    programme_code: Mapped[str] = mapped_column(ForeignKey("programme.code"), index=True)
    level: Mapped[str] = mapped_column(String(10))
    direction: Mapped[str] = mapped_column(String(10))
    aggregation: Mapped[str] = mapped_column(String(16))
    numerator_code: Mapped[str | None] = mapped_column(ForeignKey("indicator.code"))
    denominator_code: Mapped[str | None] = mapped_column(ForeignKey("indicator.code"))
    weight: Mapped[float] = mapped_column(Float, default=1.0)
    on_track: Mapped[float | None] = mapped_column(Float)  # per cent; NULL = default 95
    watch: Mapped[float | None] = mapped_column(Float)  # per cent; NULL = default 75


class IndicatorActivity(Base):
    """The activities (or clusters) whose spending produces an indicator, for unit cost."""

    __tablename__ = "indicator_activity"

    indicator_code: Mapped[str] = mapped_column(ForeignKey("indicator.code"), primary_key=True)
    programme_code: Mapped[str] = mapped_column(ForeignKey("programme.code"), primary_key=True)


# --- loads and facts ------------------------------------------------------------------------


class LoadBatch(Base):
    """One attempt to load one file: who, when, what, and how it ended."""

    __tablename__ = "load_batch"
    __table_args__ = (
        CheckConstraint(_in("kind", BATCH_KINDS), name="kind"),
        CheckConstraint(_in("status", BATCH_STATUSES), name="status"),
        CheckConstraint("row_count >= 0", name="row_count_non_negative"),
        Index("ix_load_batch_scope", "kind", "scope_key", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    file_name: Mapped[str] = mapped_column(String(255))
    checksum: Mapped[str] = mapped_column(String(64), index=True)  # sha256 of the file's bytes
    kind: Mapped[str] = mapped_column(String(12))
    # The replacement scope (kind, entities or units, fiscal year, period) as a stable string.
    scope_key: Mapped[str] = mapped_column(String(400), default="")
    fiscal_year: Mapped[int | None] = mapped_column(Integer)
    period: Mapped[str | None] = mapped_column(String(7))
    loaded_by: Mapped[str] = mapped_column(String(80))
    loaded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    row_count: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(12))
    superseded_by: Mapped[int | None] = mapped_column(ForeignKey("load_batch.id"))
    # Later batches that replaced some of this batch's rows (comma-separated ids), while it keeps
    # others: a province's corrected file replacing its rows of a ministry-wide file.
    partly_replaced_by: Mapped[str] = mapped_column(String(200), server_default="")
    problems: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of problems


class BudgetFact(Base):
    """Year-to-date execution of one (year, period, entity, programme item, economic code, source)."""

    __tablename__ = "budget_fact"
    __table_args__ = (
        UniqueConstraint(
            "fiscal_year",
            "period",
            "entity_code",
            "item_code",
            "economic_code",
            "funding_source",
            name="uq_budget_fact_natural_key",
        ),
        CheckConstraint(_in("funding_source", FUNDING_SOURCES), name="funding_source"),
        CheckConstraint(
            "approved >= 0 AND revised >= 0 AND committed >= 0 AND paid >= 0",
            name="amounts_non_negative",
        ),
        CheckConstraint(f"fiscal_year BETWEEN {YEAR_MIN} AND {YEAR_MAX}", name="fiscal_year_range"),
        Index("ix_budget_fact_batch", "batch_id"),
        # Unit costs sum the paid amounts of a few linked activities at each entity's latest
        # period: this index answers that from the index alone (at 10M rows, 3 s → 1 ms).
        Index("ix_budget_fact_item", "fiscal_year", "item_code", "entity_code", "period", "paid"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    fiscal_year: Mapped[int] = mapped_column(Integer)
    period: Mapped[str] = mapped_column(String(7))  # YYYY-MM: cumulative to the month's end
    # No foreign keys here (migration 0003): each was a per-row trigger on PostgreSQL, 18 of 23 s
    # of a 500,000-row write. The loader checks every code against the reference tables before it
    # writes, and reference codes are never deleted.
    entity_code: Mapped[str] = mapped_column(String(6))
    programme_code: Mapped[str] = mapped_column(String(32))
    subprogramme_code: Mapped[str] = mapped_column(String(32))
    cluster_code: Mapped[str] = mapped_column(String(32))
    activity_code: Mapped[str | None] = mapped_column(String(32))
    # The most specific programme node given (activity, else cluster): part of the natural key,
    # because SQL unique constraints treat NULL activities as all different.
    item_code: Mapped[str] = mapped_column(String(32))
    economic_code: Mapped[str] = mapped_column(String(32))
    funding_source: Mapped[str] = mapped_column(String(3))
    approved: Mapped[int] = mapped_column(BigInteger)
    revised: Mapped[int] = mapped_column(BigInteger)
    committed: Mapped[int] = mapped_column(BigInteger)
    paid: Mapped[int] = mapped_column(BigInteger)
    batch_id: Mapped[int] = mapped_column(Integer)
    source_sheet: Mapped[str] = mapped_column(String(100))
    source_row: Mapped[int] = mapped_column(Integer)


class IndicatorValue(Base):
    """Baseline, target and actual of one indicator for one unit and period."""

    __tablename__ = "indicator_value"
    __table_args__ = (
        UniqueConstraint(
            "fiscal_year", "period", "unit_code", "indicator_code", name="uq_indicator_value_natural_key"
        ),
        CheckConstraint(_in("unit_level", UNIT_LEVELS), name="unit_level"),
        CheckConstraint(f"fiscal_year BETWEEN {YEAR_MIN} AND {YEAR_MAX}", name="fiscal_year_range"),
        Index("ix_indicator_value_batch", "batch_id"),
        Index("ix_indicator_value_province", "province_code", "fiscal_year", "period"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    fiscal_year: Mapped[int] = mapped_column(Integer)
    period: Mapped[str] = mapped_column(String(7))
    unit_code: Mapped[str] = mapped_column(ForeignKey("admin_unit.code"))
    unit_level: Mapped[str] = mapped_column(String(10))
    province_code: Mapped[str] = mapped_column(String(2))  # the unit's province, for roll-up
    indicator_code: Mapped[str] = mapped_column(ForeignKey("indicator.code"))
    baseline: Mapped[float | None] = mapped_column(Float)
    target: Mapped[float | None] = mapped_column(Float)
    actual: Mapped[float | None] = mapped_column(Float)  # NULL = not yet reported
    source: Mapped[str | None] = mapped_column(String(250))
    note: Mapped[str | None] = mapped_column(Text)
    batch_id: Mapped[int] = mapped_column(ForeignKey("load_batch.id"))
    source_sheet: Mapped[str] = mapped_column(String(100))
    source_row: Mapped[int] = mapped_column(Integer)


# --- marts (refreshed by the loader, read by the query layer) --------------------------------


class BudgetMart(Base):
    """Budget facts summed by year, period, entity, programme, sub-programme, chapter, source."""

    __tablename__ = "budget_mart"

    fiscal_year: Mapped[int] = mapped_column(Integer, primary_key=True)
    period: Mapped[str] = mapped_column(String(7), primary_key=True)
    entity_code: Mapped[str] = mapped_column(ForeignKey("admin_unit.code"), primary_key=True)
    programme_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    subprogramme_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    # The activity cluster: a submission line is (entity, cluster, chapter, source), and its
    # last-year figures are read from here rather than summed from millions of facts.
    cluster_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    chapter_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    funding_source: Mapped[str] = mapped_column(String(3), primary_key=True)
    approved: Mapped[int] = mapped_column(BigInteger)
    revised: Mapped[int] = mapped_column(BigInteger)
    committed: Mapped[int] = mapped_column(BigInteger)
    paid: Mapped[int] = mapped_column(BigInteger)
    row_count: Mapped[int] = mapped_column(Integer)


class BudgetItemMart(Base):
    """National sums per programme item (activity, else cluster) of one year and period.

    The programme tree and the programme indicators read this: a few rows per item instead of
    every entity's, account's and source's facts.
    """

    __tablename__ = "budget_item_mart"

    fiscal_year: Mapped[int] = mapped_column(Integer, primary_key=True)
    period: Mapped[str] = mapped_column(String(7), primary_key=True)
    item_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    programme_code: Mapped[str] = mapped_column(String(32))
    subprogramme_code: Mapped[str] = mapped_column(String(32))
    cluster_code: Mapped[str] = mapped_column(String(32))
    revised: Mapped[int] = mapped_column(BigInteger)
    paid: Mapped[int] = mapped_column(BigInteger)
    row_count: Mapped[int] = mapped_column(Integer)


class IndicatorMart(Base):
    """Indicator values rolled up to provinces (and ``00``) by each indicator's aggregation rule."""

    __tablename__ = "indicator_mart"

    fiscal_year: Mapped[int] = mapped_column(Integer, primary_key=True)
    period: Mapped[str] = mapped_column(String(7), primary_key=True)
    entity_code: Mapped[str] = mapped_column(ForeignKey("admin_unit.code"), primary_key=True)
    indicator_code: Mapped[str] = mapped_column(ForeignKey("indicator.code"), primary_key=True)
    baseline: Mapped[float | None] = mapped_column(Float)
    target: Mapped[float | None] = mapped_column(Float)
    actual: Mapped[float | None] = mapped_column(Float)
    unit_count: Mapped[int] = mapped_column(Integer)
    reported_count: Mapped[int] = mapped_column(Integer)


# --- people ---------------------------------------------------------------------------------


class User(Base):
    """A person who signs in; a provincial director is bound to exactly one province."""

    __tablename__ = "app_user"
    __table_args__ = (
        CheckConstraint(_in("role", ROLES), name="role"),
        CheckConstraint(
            f"(role = '{PROVINCIAL_DIRECTOR}') = (province_code IS NOT NULL)",
            name="director_has_province",
        ),
        CheckConstraint(_in("language", LANGUAGES), name="language"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    full_name: Mapped[str] = mapped_column(String(160), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(24))
    province_code: Mapped[str | None] = mapped_column(ForeignKey("admin_unit.code"))
    language: Mapped[str] = mapped_column(String(2), default="en")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # Who made the account ("system" for the command line and the demo): an administrator who
    # creates a data role can read figures through it, so the power is kept visible.
    created_by: Mapped[str] = mapped_column(String(80), default="system", server_default="system")
    # Every session cookie carries the version it was issued under; logout, a new password, a
    # disable or a role change bumps it, so that copied cookies die with it.
    session_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")


class ApiToken(Base):
    """A bearer token for the read API; only its SHA-256 is stored."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime)


class SignInThrottle(Base):
    """Failed sign-ins per (account, address), counted atomically, with the time of the next try.

    One row per pair instead of counting audit rows: a count read and then written lets thirty
    simultaneous guesses through a limit of five. Delays grow with the failures of the pair, so
    a guesser is slowed down while the account's owner, elsewhere, signs in as usual.
    """

    __tablename__ = "sign_in_throttle"

    username: Mapped[str] = mapped_column(String(80), primary_key=True)
    address: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


# --- the budget cycle: next year's request ---------------------------------------------------


class Ceiling(Base):
    """MEF's ceiling for the ministry's request of a year: the total (programme ``""``) and,
    optionally, per programme."""

    __tablename__ = "ceiling"
    __table_args__ = (CheckConstraint("amount >= 0", name="amount_non_negative"),)

    fiscal_year: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    amount: Mapped[int] = mapped_column(BigInteger)
    set_by: Mapped[str] = mapped_column(String(80))
    set_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Submission(Base):
    """The ministry's budget request for one fiscal year: its state, version and who did what."""

    __tablename__ = "submission"
    __table_args__ = (
        CheckConstraint(_in("status", SUBMISSION_STATUSES), name="status"),
        CheckConstraint(f"fiscal_year BETWEEN {YEAR_MIN} AND {YEAR_MAX}", name="fiscal_year_range"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    fiscal_year: Mapped[int] = mapped_column(Integer, unique=True)
    status: Mapped[str] = mapped_column(String(12))
    version: Mapped[int] = mapped_column(Integer, default=1)
    open_to_provinces: Mapped[bool] = mapped_column(Boolean, default=False)
    above_ceiling_justification: Mapped[str] = mapped_column(Text, default="")
    # Bumped by every change of the header (state, switch, justification): a stale change is refused.
    row_version: Mapped[int] = mapped_column(Integer, default=1)
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(80))
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class SubmissionLine(Base):
    """One line of the request: (entity, activity cluster, economic chapter, funding source)
    with the amounts asked for Y, Y+1 and Y+2 and the justification. Last year's figures are
    never stored here: they are read from the marts whenever the line is shown."""

    __tablename__ = "submission_line"
    __table_args__ = (
        UniqueConstraint("submission_id", "entity_code", "cluster_code", "economic_code", "funding_source",
                         name="uq_submission_line_key"),
        CheckConstraint(_in("funding_source", FUNDING_SOURCES), name="funding_source"),
        CheckConstraint("request_y1 >= 0 AND request_y2 >= 0 AND request_y3 >= 0", name="request_non_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submission.id"), index=True)
    entity_code: Mapped[str] = mapped_column(ForeignKey("admin_unit.code"))
    cluster_code: Mapped[str] = mapped_column(ForeignKey("programme.code"))
    economic_code: Mapped[str] = mapped_column(ForeignKey("economic_code.code"))
    funding_source: Mapped[str] = mapped_column(String(3))
    request_y1: Mapped[int] = mapped_column(BigInteger, default=0)
    request_y2: Mapped[int] = mapped_column(BigInteger, default=0)
    request_y3: Mapped[int] = mapped_column(BigInteger, default=0)
    justification: Mapped[str] = mapped_column(Text, default="")
    row_version: Mapped[int] = mapped_column(Integer, default=1)
    updated_by: Mapped[str] = mapped_column(String(80))
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class SubmissionTarget(Base):
    """The target of one indicator in one unit (``00`` national or a province) for Y, Y+1, Y+2."""

    __tablename__ = "submission_target"
    __table_args__ = (
        UniqueConstraint("submission_id", "indicator_code", "unit_code", name="uq_submission_target_key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submission.id"), index=True)
    indicator_code: Mapped[str] = mapped_column(ForeignKey("indicator.code"))
    unit_code: Mapped[str] = mapped_column(ForeignKey("admin_unit.code"))
    target_y1: Mapped[float | None] = mapped_column(Float)
    target_y2: Mapped[float | None] = mapped_column(Float)
    target_y3: Mapped[float | None] = mapped_column(Float)
    row_version: Mapped[int] = mapped_column(Integer, default=1)
    updated_by: Mapped[str] = mapped_column(String(80))
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class SubmissionVersion(Base):
    """A version as it was sent to MEF, kept whole (lines and targets as JSON), so that "what
    changed since version n" is a diff of two stored wholes."""

    __tablename__ = "submission_version"
    __table_args__ = (UniqueConstraint("submission_id", "version", name="uq_submission_version_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submission.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    taken_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    taken_by: Mapped[str] = mapped_column(String(80))
    content: Mapped[str] = mapped_column(Text)  # JSON: {"lines": [...], "targets": [...]}


class SubmissionProvince(Base):
    """A province's part of an open draft: whether its director has marked it finished."""

    __tablename__ = "submission_province"

    submission_id: Mapped[int] = mapped_column(ForeignKey("submission.id"), primary_key=True)
    province_code: Mapped[str] = mapped_column(ForeignKey("admin_unit.code"), primary_key=True)
    done: Mapped[bool] = mapped_column(Boolean, default=False)
    done_by: Mapped[str] = mapped_column(String(80), default="")
    done_at: Mapped[datetime | None] = mapped_column(DateTime)


class LineDecision(Base):
    """MEF's decision on one line of a submitted request: agree, adjust (with the recommended
    amount) or question."""

    __tablename__ = "line_decision"
    __table_args__ = (
        CheckConstraint(_in("decision", DECISIONS), name="decision"),
        CheckConstraint("recommended IS NULL OR recommended >= 0", name="recommended_non_negative"),
    )

    line_id: Mapped[int] = mapped_column(ForeignKey("submission_line.id"), primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submission.id"), index=True)
    decision: Mapped[str] = mapped_column(String(10))
    recommended: Mapped[int | None] = mapped_column(BigInteger)
    decided_by: Mapped[str] = mapped_column(String(80))
    decided_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    row_version: Mapped[int] = mapped_column(Integer, default=1)


class SubmissionComment(Base):
    """One comment in the thread of a line (or of the whole submission when ``line_id`` is NULL)."""

    __tablename__ = "submission_comment"
    __table_args__ = (Index("ix_submission_comment_thread", "submission_id", "line_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submission.id"))
    line_id: Mapped[int | None] = mapped_column(ForeignKey("submission_line.id"))
    # The line's entity, kept so that a director's threads are found without a join.
    entity_code: Mapped[str | None] = mapped_column(String(6))
    author: Mapped[str] = mapped_column(String(80))
    role: Mapped[str] = mapped_column(String(24))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Explanation(Base):
    """Why an indicator of a unit was on ``watch`` or ``off_track`` in a period, what is being done
    about it (the province's director; the budget unit for ``00``), and MEF's oversight comment."""

    __tablename__ = "explanation"
    __table_args__ = (
        UniqueConstraint("fiscal_year", "period", "unit_code", "indicator_code", name="uq_explanation_key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    fiscal_year: Mapped[int] = mapped_column(Integer)
    period: Mapped[str] = mapped_column(String(7))
    unit_code: Mapped[str] = mapped_column(ForeignKey("admin_unit.code"))
    indicator_code: Mapped[str] = mapped_column(ForeignKey("indicator.code"))
    status: Mapped[str] = mapped_column(String(10))  # the status it explains, as it was when written
    reason: Mapped[str] = mapped_column(Text, default="")
    action: Mapped[str] = mapped_column(Text, default="")
    written_by: Mapped[str] = mapped_column(String(80), default="")
    written_at: Mapped[datetime | None] = mapped_column(DateTime)
    oversight: Mapped[str] = mapped_column(Text, default="")
    oversight_by: Mapped[str] = mapped_column(String(80), default="")
    oversight_at: Mapped[datetime | None] = mapped_column(DateTime)
    row_version: Mapped[int] = mapped_column(Integer, default=1)


# --- open data --------------------------------------------------------------------------------


class Publication(Base):
    """A period the budget unit has published: its province and national aggregates are open to
    everyone at /open. In-year figures are working data until then; withdrawing deletes the row."""

    __tablename__ = "publication"
    __table_args__ = (CheckConstraint(f"fiscal_year BETWEEN {YEAR_MIN} AND {YEAR_MAX}", name="fiscal_year_range"),)

    fiscal_year: Mapped[int] = mapped_column(Integer, primary_key=True)
    period: Mapped[str] = mapped_column(String(7), primary_key=True)
    published_by: Mapped[str] = mapped_column(String(80))
    published_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


# --- costing benefit options ----------------------------------------------------------------------


class Benefit(Base):
    """A benefit of the costing catalogue (reference workbook, sheet ``benefits``): the amount of a
    payment, payments a year, and where its cost and beneficiaries go in a submission."""

    __tablename__ = "benefit"
    __table_args__ = (CheckConstraint("amount >= 0 AND payments_per_year >= 0", name="non_negative"),)

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name_en: Mapped[str] = mapped_column(String(300))
    name_km: Mapped[str] = mapped_column(String(300))
    amount: Mapped[int] = mapped_column(BigInteger)  # riels a payment
    payments_per_year: Mapped[float] = mapped_column(Float)
    cluster_code: Mapped[str] = mapped_column(ForeignKey("programme.code"))
    economic_code: Mapped[str] = mapped_column(ForeignKey("economic_code.code"))
    indicator_code: Mapped[str] = mapped_column(ForeignKey("indicator.code"))
    eligible_key: Mapped[str] = mapped_column(String(64))


class EligiblePopulation(Base):
    """How many people of a group (``eligible_key``) a unit (``00`` or a province) has in a year."""

    __tablename__ = "eligible_population"
    __table_args__ = (CheckConstraint("count >= 0", name="count_non_negative"),
                      CheckConstraint(f"year BETWEEN {YEAR_MIN} AND {YEAR_MAX}", name="year_range"))

    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_code: Mapped[str] = mapped_column(ForeignKey("admin_unit.code"), primary_key=True)
    eligible_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    count: Mapped[float] = mapped_column(Float)


class Macro(Base):
    """A year's macroeconomic figures: GDP and government expenditure (riels), CPI inflation (a
    fraction) and the riels of a US dollar."""

    __tablename__ = "macro"
    __table_args__ = (CheckConstraint(f"year BETWEEN {YEAR_MIN} AND {YEAR_MAX}", name="year_range"),)

    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    gdp: Mapped[int] = mapped_column(BigInteger)
    government_expenditure: Mapped[int] = mapped_column(BigInteger)
    cpi_inflation: Mapped[float] = mapped_column(Float)
    usd_rate: Mapped[float | None] = mapped_column(Float)


class CostingScenario(Base):
    """A saved costing scenario: its years and its benefit options (``body``, JSON)."""

    __tablename__ = "costing_scenario"
    __table_args__ = (CheckConstraint(f"first_year BETWEEN {YEAR_MIN} AND {YEAR_MAX}", name="first_year_range"),
                      CheckConstraint("years BETWEEN 1 AND 10", name="years_range"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    first_year: Mapped[int] = mapped_column(Integer)
    years: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)  # JSON: {"benefits": [...]}
    row_version: Mapped[int] = mapped_column(Integer, default=1)
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(80))
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class WriteCounter(Base):
    """One row counting every write people make (lines, decisions, comments, explanations): part
    of the query cache's data version, so that a write makes cached answers stale in every worker."""

    __tablename__ = "write_counter"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


class AuditLog(Base):
    """Who did what, when: sign-ins, failures, user changes, loads, refusals, reviews."""

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_action_at", "action", "at"),
        Index("ix_audit_log_username_at", "username", "at"),
        Index("ix_audit_log_address_at", "address", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    username: Mapped[str] = mapped_column(String(80), default="")
    action: Mapped[str] = mapped_column(String(40))
    address: Mapped[str] = mapped_column(String(64), default="")
    detail: Mapped[str] = mapped_column(Text, default="{}")  # JSON


# --- background jobs --------------------------------------------------------------------------

JOB_STATUSES = ("running", "done", "collected", "died", "cancelled")


class BackgroundJob(Base):
    """A background callback's job (a Data page upload): its progress and result, kept where every
    server of the application can read them, so that any server answers the page's polls.

    ``host``, ``pid`` and ``pid_started`` say which process runs it, for a server on the same
    machine to see at once whether it still lives; ``heartbeat_at`` is for servers on other
    machines. ``progress``, ``set_props`` and ``result`` are JSON (``components/jobs.py``).
    """

    __tablename__ = "background_job"
    __table_args__ = (CheckConstraint(_in("status", JOB_STATUSES), name="status"),)

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    status: Mapped[str] = mapped_column(String(16), default="running")
    host: Mapped[str] = mapped_column(String(255), default="")
    pid: Mapped[int | None] = mapped_column(Integer)
    pid_started: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    heartbeat_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    progress: Mapped[str | None] = mapped_column(Text)
    set_props: Mapped[str | None] = mapped_column(Text)
    result: Mapped[str | None] = mapped_column(Text)
