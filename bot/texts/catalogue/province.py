"""The provincial workbook that bot.province merges from the counties' summaries (headers and notes)."""

MESSAGES: dict[str, tuple[str, str]] = {
    "province.sheet.counties": ("各县", "Counties"),
    "province.sheet.schools": ("各校", "Schools"),
    "province.sheet.notes": ("说明", "Notes"),
    "province.col.county": ("县（市、区）", "County"),
    "province.col.township": ("乡镇", "Township"),
    "province.col.school": ("学校", "School"),
    "province.col.term": ("学期", "Term"),
    "province.col.as_of": ("统计日期", "As of"),
    "province.total": ("全省合计", "Province total"),
    "province.county_total": ("全县合计", "County total"),
    "province.figure.father_away": ("父亲外出", "Father away"),
    "province.figure.mother_away": ("母亲外出", "Mother away"),
    "province.figure.both_away": ("父母均外出", "Both parents away"),
    "province.figure.children": ("留守儿童合计", "Children"),
    "province.figure.no_designated_guardian": ("未指定监护人", "No designated guardian"),
    "province.figure.no_reachable_guardian": ("监护人联系不上", "No reachable guardian"),
    "province.figure.overdue_pairings": ("结对帮扶逾期", "Overdue pairings"),
    "province.figure.dropouts_this_term": ("本学期辍学", "Dropouts this term"),
    "province.lower_bound": ("≥{value}", "≥{value}"),
    "province.note.small": (
        "“&lt;5”表示 1 至 4 人（或为防止从合计倒推而一并隐藏的数）；不公布，以免认出具体儿童。",
        '"&lt;5" means 1 to 4 children (or a count hidden so that one could not be worked out from a total); it is'
        " not published, so that no child can be recognised.",
    ),
    "province.note.bound": (
        "“≥N”是含有隐藏数的合计：已知数之和，每个隐藏数按 1 计，实际不少于 N。",
        '"≥N" is a total that includes hidden counts: the sum of the known counts with each hidden one taken as 1;'
        " the true total is at least N.",
    ),
    "province.note.sources": (
        "来源：各县导出的汇总（python -m bot summary）。",
        "From each county's summary (python -m bot summary).",
    ),
}
