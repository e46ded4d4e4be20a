"""scripts/province.py county1.json county2.json ... --out province.xlsx: the same as python -m bot.province."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.province import main

if __name__ == "__main__":
    sys.exit(main())
