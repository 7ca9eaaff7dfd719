#!/usr/bin/env bash
# Rebuilds NotoSansKhmer-Label.woff2: Noto Sans Khmer with only the glyphs of "ខ្មែរ", the
# language switch's label on English pages (3.5 KB in place of the 35 KB font, which English
# pages then never fetch). fontTools is one of the app's requirements; keep the text equal to
# i18n's "lang.km" (tests/unit/test_lazy_grid.py checks that the font covers it).
set -euo pipefail
cd "$(dirname "$0")"
python="${PYTHON:-../../.venv/bin/python}"
"$python" -m fontTools.subset NotoSansKhmer-Regular.woff2 --text="ខ្មែរ" --layout-features='*' --flavor=woff2 \
    --output-file=NotoSansKhmer-Label.woff2
