"""Printed documents: the province scorecard as one bilingual A4 sheet, in HTML and as a PDF."""

from reports.routes import bp

__all__ = ["bp"]
