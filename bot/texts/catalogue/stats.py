"""Stats, charts, Excel export and import for the leadership group (领导小组)."""

MESSAGES: dict[str, tuple[str, str]] = {
    # Command menu.
    "cmd.stats": ("留守儿童统计与图表", "Figures and charts on left-behind children"),
    "cmd.export": ("导出 Excel 报表", "Export an Excel workbook"),
    "cmd.import": ("从 Excel 批量导入档案", "Import archives from Excel"),
    "flow.name.import": ("导入档案", "importing archives"),
    # /stats.
    "stats.denied": (
        "统计只对学校领导小组和班主任开放；班主任只能看本班。",
        "Figures are for the leadership group and head teachers; a head teacher sees their own class.",
    ),
    "stats.gone": (
        "这个年级或班级已不存在，或按钮已过期。请重新发送 /stats。",
        "That grade or class no longer exists, or the button is out of date. Send /stats again.",
    ),
    "stats.scope.school": ("全校（{school}）", "Whole school ({school})"),
    "stats.header": (
        "📊 <b>{scope}</b> 留守儿童情况（截至 {date}）",
        "📊 <b>{scope}</b>: left-behind children (as of {date})",
    ),
    "stats.by_grade": ("<b>各年级人数</b>", "<b>By grade</b>"),
    "stats.grade_line": (
        "· {grade}：{total} 人（父亲外出 {father}，母亲外出 {mother}，父母都外出 {both}）",
        "· {grade}: {total} (father away {father}, mother away {mother}, both away {both})",
    ),
    "stats.figure": ("<b>{label}</b>：{value}", "<b>{label}</b>: {value}"),
    "stats.why": ("  <i>{text}</i>", "  <i>{text}</i>"),
    "stats.no_children": (
        "这里还没有登记任何孩子。班主任可用 /register 登记，或用 /import 从 Excel 批量导入。",
        "No child is registered here yet. Head teachers can use /register, or /import from Excel.",
    ),
    "stats.fig.total": ("留守儿童总数", "Left-behind children"),
    "stats.fig.father": ("父亲外出", "Father away"),
    "stats.fig.mother": ("母亲外出", "Mother away"),
    "stats.fig.both": ("父母都外出", "Both parents away"),
    "stats.fig.no_designated": ("未指定监护人", "No designated guardian"),
    "stats.fig.unreachable": ("无法联系监护人", "No reachable guardian"),
    "stats.fig.pairing": ("结对帮扶覆盖", "Mentor pairing coverage"),
    "stats.fig.boarding": ("寄宿现状", "Boarding now"),
    "stats.why.total": ("已登记档案（一人一档）的孩子人数。", "Children with an archive (one per child)."),
    "stats.why.father": (
        "档案中外出务工情况为「父亲外出」的人数，括号内为占总数的比例。",
        'Archives marked "father away"; the share of all children in brackets.',
    ),
    "stats.why.mother": (
        "档案中外出务工情况为「母亲外出」的人数，括号内为占总数的比例。",
        'Archives marked "mother away"; the share of all children in brackets.',
    ),
    "stats.why.both": (
        "档案中外出务工情况为「父母都外出」的人数，括号内为占总数的比例。",
        'Archives marked "both away"; the share of all children in brackets.',
    ),
    "stats.why.no_designated": (
        "联系卡上没有填写第二监护人（委托监护人）姓名的孩子；按要求每个孩子都应有一位。",
        "Children whose card names no second (entrusted) guardian; every child must have one.",
    ),
    "stats.why.unreachable": (
        "既没有第二监护人电话，也没有可联系（未被 Telegram 标为无法送达）的已绑定家长账号的孩子。",
        "Children with neither a second guardian's phone nor a bound parent account that Telegram can reach.",
    ),
    "stats.fig.no_consent": ("未记录监护人同意", "Guardian consent not recorded"),
    "stats.why.no_consent": (
        "尚未记录监护人同意保存档案的孩子（家长在机器人中同意，或班主任登记纸质同意书）。",
        "Children whose guardian's consent to keeping the record is not yet recorded (in the bot or on paper).",
    ),
    "stats.list_button.ncs": ("📋 未记录同意名单（{count}）", "📋 Consent not recorded ({count})"),
    "stats.list.ncs": (
        "<b>{scope} · 未记录监护人同意</b>（共 {count} 人）",
        "<b>{scope} · Guardian consent not recorded</b> ({count})",
    ),
    "stats.why.pairing": (
        "有结对帮扶教师的孩子 / 孩子总数；没有帮扶教师的孩子可点下方按钮查看。",
        "Children with an active mentor / all children; tap the button below for those without one.",
    ),
    "stats.why.boarding": (
        "档案中寄宿状态为「申请寄宿」与「已寄宿」的人数。",
        'Archives whose boarding status is "requested" and "boarding".',
    ),
    "stats.fig.visits": ("家访/谈话完成", "Visits done vs due"),
    "stats.fig.overdue": ("家访逾期", "Visits overdue"),
    "stats.fig.records": ("关爱记录", "Care records"),
    "stats.fig.boarding_term": ("寄宿申请", "Boarding requests"),
    "stats.fig.dropout": ("辍学率", "Dropout rate"),
    "stats.why.visits": (
        "近 {days} 天各结对按帮扶周期应完成的家访/谈话次数中，帮扶教师已记录的次数（每个结对最多算到应完成数）。",
        "Over the last {days} days: visits and talks each mentor recorded, against what each pairing's cadence "
        "asked for (each pairing counted up to what was due).",
    ),
    "stats.why.overdue": (
        "现有结对中，最近一次家访/谈话（或结对开始日）加上帮扶周期已早于今天的孩子。",
        "Paired children whose last visit or talk (or the pairing's start) plus the cadence is before today.",
    ),
    "stats.why.records": (
        "近 {days} 天记录的家访、电话和谈话次数，以及日常关注（check-in）次数和其中标为需关注的次数。",
        "Over the last {days} days: visits, calls and talks recorded, and check-ins with how many were flagged.",
    ),
    "stats.why.boarding_term": (
        "{term}内提出的寄宿申请、批准的申请，以及目前尚待处理的申请。",
        "Boarding requests made and granted in {term}, and requests still waiting for a decision.",
    ),
    "stats.why.dropout": (
        "{term}内辍学的孩子 / 学期开始那天在读的孩子（学期内新入学的不计入分母）。",
        "{term}: children who dropped out during the term / children enrolled on its first day "
        "(children enrolled later are not in the denominator).",
    ),
    "stats.val.visits": ("{done}/{due} 次（{percent}）", "{done}/{due} ({percent})"),
    "stats.val.records": (
        "家访/谈话 {visits} 次，日常关注 {checkins} 次（需关注 {worries} 次）",
        "{visits} visits and talks, {checkins} check-ins ({worries} flagged)",
    ),
    "stats.val.boarding_term": (
        "申请 {requested} 件，批准 {granted} 件，待处理 {open} 件",
        "{requested} requested, {granted} granted, {open} waiting",
    ),
    "stats.val.dropout": ("{dropped}/{enrolled}（{percent}）", "{dropped}/{enrolled} ({percent})"),
    "stats.term.1": ("{first}—{second}学年第一学期", "term 1 of {first}–{second}"),
    "stats.term.2": ("{first}—{second}学年第二学期", "term 2 of {first}–{second}"),
    "stats.term_button": ("📅 {term}", "📅 {term}"),
    "stats.fig.calls": ("亲情电话完成率", "Family calls confirmed"),
    "stats.why.calls": (
        "近 {weeks} 周（到昨天为止）按亲情电话约定应打的电话中，家长确认「已通话」的次数。",
        "Over the last {weeks} weeks (to yesterday): agreed family calls that a parent confirmed as made.",
    ),
    "stats.val.calls": ("{confirmed}/{agreed} 次（{percent}）", "{confirmed}/{agreed} ({percent})"),
    "stats.val.share": ("{count}（{percent}）", "{count} ({percent})"),
    "stats.val.coverage": ("{part}/{whole}（{percent}）", "{part}/{whole} ({percent})"),
    "stats.val.boarding": ("申请 {requested} 人，已寄宿 {yes} 人", "{requested} requested, {yes} boarding"),
    "stats.list_button.nog": ("📋 未指定监护人名单（{count}）", "📋 No designated guardian ({count})"),
    "stats.list_button.unr": ("📋 无法联系监护人名单（{count}）", "📋 No reachable guardian ({count})"),
    "stats.list_button.nom": ("📋 没有帮扶教师名单（{count}）", "📋 No mentor ({count})"),
    "stats.list_button.ovd": ("📋 家访逾期名单（{count}）", "📋 Visits overdue ({count})"),
    "stats.chart_button": ("🖼 图表", "🖼 Chart"),
    "stats.export_button": ("📥 导出 Excel", "📥 Export to Excel"),
    "stats.back_school": ("⬆️ 返回全校", "⬆️ Whole school"),
    "stats.back_summary": ("⬅️ 返回统计", "⬅️ Back to the figures"),
    "stats.list.nog": (
        "<b>{scope} · 未指定监护人</b>（共 {count} 人）",
        "<b>{scope} · No designated guardian</b> ({count})",
    ),
    "stats.list.unr": (
        "<b>{scope} · 无法联系监护人</b>（共 {count} 人）",
        "<b>{scope} · No reachable guardian</b> ({count})",
    ),
    "stats.list.nom": ("<b>{scope} · 没有结对帮扶教师</b>（共 {count} 人）", "<b>{scope} · No mentor</b> ({count})"),
    "stats.list.ovd": ("<b>{scope} · 家访逾期</b>（共 {count} 人）", "<b>{scope} · Visits overdue</b> ({count})"),
    "stats.list.line": ("{number}. {name}（{class_label}）", "{number}. {name} ({class_label})"),
    "stats.list.none": ("名单为空，没有需要跟进的孩子。👍", "Nobody on this list: nothing to follow up. 👍"),
    # /stats: the key figures first, the rest behind a button; ratios with nothing to divide by.
    "stats.more_button": ("📖 全部指标与说明", "📖 All figures, explained"),
    "stats.less_button": ("⬅️ 只看要点", "⬅️ Key figures only"),
    "stats.key_term": ("辍学率按{term}计算。", "Dropout rate for {term}."),
    "stats.val.visits_none": ("没有到期的家访/谈话", "none due"),
    "stats.val.calls_none": ("没有约定的亲情电话", "no calls planned"),
    "stats.val.dropout_none": (
        "{dropped} 人（学期初没有在读的孩子）",
        "{dropped} (nobody was enrolled when the term began)",
    ),
    # Charts.
    "stats.chart_caption": ("📊 {scope} 图表", "📊 Chart: {scope}"),
    "stats.chart.heading": ("{scope} 留守儿童情况（{date}）", "{scope}: left-behind children ({date})"),
    "stats.chart.by_grade": ("各年级留守儿童人数（按外出情况）", "Left-behind children by grade and by who is away"),
    "stats.chart.by_kind": ("留守儿童人数（按外出情况）", "Left-behind children by who is away"),
    "stats.chart.children": ("人数", "Children"),
    "stats.chart.empty": ("暂无数据", "No data yet"),
    "stats.chart.calls": ("亲情电话完成率（按周）", "Family calls confirmed (by week)"),
    "stats.chart.percent": ("完成率 %", "Confirmed %"),
    "stats.chart.week": ("{date} 周", "wk {date}"),
    "stats.chart.no_calls": ("近几周没有约定的亲情电话", "No family calls agreed in recent weeks"),
    # /export.
    "export.denied": (
        "导出只对学校领导小组和班主任开放；班主任只能导出本班。",
        "Exports are for the leadership group and head teachers; a head teacher exports their own class.",
    ),
    "export.bad_range": (
        "日期范围看不懂。请这样写：/export 2026-02-01 2026-02-28（开始日期在前，不晚于今天，最长两年）。",
        "I could not read the dates. Write: /export 2026-02-01 2026-02-28 (start first, not after today, "
        "at most two years).",
    ),
    "export.choose_scope": ("📥 要导出哪个范围？", "📥 What should the workbook cover?"),
    "export.scope_school": ("全校", "Whole school"),
    "export.choose_period": (
        "家访和关爱记录取哪段时间？（花名册总是最新的）",
        "Which period for visits and care records? (The roster is always current.)",
    ),
    "export.period_button": ("{label}（{start}—{end}）", "{label} ({start} – {end})"),
    "export.period_days": ("近 {days} 天", "Last {days} days"),
    "export.period_term": ("本学期", "This term"),
    "export.period_last_term": ("上学期", "Last term"),
    "export.period_typed": ("您输入的 {start} 至 {end}", "Your dates {start} to {end}"),
    "export.stale": (
        "这个按钮已过期。请重新发送 /export。",
        "This button is out of date. Send /export again.",
    ),
    "export.working": ("⏳ 正在生成 Excel，请稍候……", "⏳ Building the workbook…"),
    "export.caption": (
        "📥 已导出 {count} 名孩子的档案，记录期间 {start} 至 {end}。"
        "本次导出已记入访问记录，请妥善保管，不要转发到群里。",
        "📥 Exported {count} children's archives; records from {start} to {end}. This export is in the access "
        "log: keep the file safe and do not forward it to groups.",
    ),
    "export.file_name": ("留守儿童档案_{scope}_{stamp}.xlsx", "left-behind-children_{scope}_{stamp}.xlsx"),
    "export.sheet.summary": ("统计汇总", "Summary"),
    "export.sheet.empty": ("无数据", "No data"),
    "export.nothing": ("这个范围内没有班级。", "There is no class in this scope."),
    "export.col.id": ("编号", "ID"),
    "export.col.age": ("年龄", "Age"),
    "export.col.figure": ("指标", "Figure"),
    "export.col.value": ("数值", "Value"),
    "export.col.note": ("说明", "How it is computed"),
    "export.sheet.visits": ("家访与谈话", "Visits and talks"),
    "export.sheet.checkins": ("日常关注", "Check-ins"),
    "export.col.date": ("日期", "Date"),
    "export.col.time": ("时间", "Time"),
    "export.col.child": ("孩子", "Child"),
    "export.col.class": ("班级", "Class"),
    "export.col.kind": ("方式", "Kind"),
    "export.col.participants": ("参与人", "Participants"),
    "export.col.notes": ("记录", "Notes"),
    "export.col.author": ("记录人", "Recorded by"),
    "export.col.by_mentor": ("结对帮扶", "By the mentor"),
    "export.col.study": ("学习", "Study"),
    "export.col.life": ("生活", "Daily life"),
    "export.col.mood": ("情绪", "Mood"),
    "export.col.health": ("健康", "Health"),
    "export.col.worry": ("需关注", "Flagged"),
    "export.col.remark": ("备注", "Note"),
    "export.kind.home_visit": ("家访", "Home visit"),
    "export.kind.phone_call": ("电话", "Phone call"),
    "export.kind.school_talk": ("在校谈话", "Talk at school"),
    "export.rating.1": ("需关注", "Needs attention"),
    "export.rating.2": ("一般", "So-so"),
    "export.rating.3": ("好", "Good"),
    "export.yes": ("是", "Yes"),
    "export.no": ("否", "No"),
    "export.summary.scope": ("范围", "Scope"),
    "export.summary.period": ("记录期间", "Period of records"),
    "export.summary.made": ("导出时间", "Exported at"),
    "export.summary.grade": ("{grade}人数", "{grade}: children"),
    "export.summary.grade_detail": (
        "父亲外出 {father}，母亲外出 {mother}，父母都外出 {both}",
        "father away {father}, mother away {mother}, both away {both}",
    ),
    # /import.
    "import.denied": (
        "导入只对学校领导小组和班主任开放；班主任只能导入本班的孩子。",
        "Imports are for the leadership group and head teachers; a head teacher imports into their own class.",
    ),
    "import.template_name": ("留守儿童档案导入模板.xlsx", "archive-import-template.xlsx"),
    "import.template_caption": (
        "📄 导入模板：第一行是表头（带 * 的列必填），第二行是示例（导入时会跳过，可以留着或删掉），请从第三行起每行"
        "填写一个孩子。「填写说明」工作表解释了每一列。",
        "📄 The import template: the first row holds the headers (columns marked * are required), row 2 is an "
        "example (skipped on import: keep it or delete it); fill in one child per row from row 3. "
        'The "help" sheet explains each column.',
    ),
    "import.send_file": (
        "填好后把 .xlsx 文件直接发给我（不超过 {mb} MB）。我会先给您看逐行检查结果，您确认后才会写入。"
        "发送 /cancel 取消。",
        "When it is filled in, send me the .xlsx file (at most {mb} MB). I will show you a row-by-row check "
        "first; nothing is written until you confirm. Send /cancel to stop.",
    ),
    "import.hint": (
        "请发送填好的 .xlsx 文件（作为「文件」发送），或发送 /cancel 取消导入。",
        "Please send the filled-in .xlsx file (as a file), or /cancel to stop the import.",
    ),
    "import.wrong_format": (
        "这不是 .xlsx 文件。请用 Excel 或 WPS「另存为」Excel 工作簿（.xlsx）后再发送；.xls 和 .csv 不能导入。",
        "This is not an .xlsx file. Save it as an Excel workbook (.xlsx) in Excel or WPS and send it again; "
        ".xls and .csv cannot be imported.",
    ),
    "import.too_big": (
        "文件超过 {mb} MB，不能导入。请删掉多余的工作表或图片，或分成几个文件发送。",
        "The file is over {mb} MB and cannot be imported. Remove extra sheets or pictures, or split it.",
    ),
    "import.download_failed": (
        "没能取到这个文件，请稍后再发一次。",
        "I could not fetch the file; please send it again in a moment.",
    ),
    "import.checking": ("⏳ 正在逐行检查……", "⏳ Checking each row…"),
    "import.malformed": (
        "这个文件打不开，可能已损坏或不是真正的 Excel 工作簿。"
        "请用 Excel 或 WPS 打开检查后重新保存再发送。什么都没有改动。",
        "This file cannot be opened: it may be damaged or not a real Excel workbook. Open it in Excel or WPS, "
        "save it again and resend. Nothing was changed.",
    ),
    "import.wrong_headers": (
        "没有找到表头。第一行必须有「姓名」「出生日期」等列名，请使用 /import 发给您的模板。什么都没有改动。",
        'No header row found. Row 1 must hold column names such as "Name" and "Date of birth"; please use '
        "the template /import sent you. Nothing was changed.",
    ),
    "import.empty": (
        "表格里没有任何数据行。请从第二行起填写孩子的信息后再发送。什么都没有改动。",
        "The sheet has no data rows. Fill in the children from row 2 and send it again. Nothing was changed.",
    ),
    "import.too_many": (
        "一次最多导入 {max_rows} 行，请分成几个文件发送。什么都没有改动。",
        "At most {max_rows} rows per import; please split the file. Nothing was changed.",
    ),
    "import.report": (
        "📋 <b>检查结果</b>：可以添加 {good} 行，跳过 {skipped} 行。",
        "📋 <b>Check result</b>: {good} rows can be added, {skipped} rows skipped.",
    ),
    "import.report_good": ("✅ <b>将添加</b>：", "✅ <b>To be added</b>:"),
    "import.report_skipped": ("⚠️ <b>跳过</b>：", "⚠️ <b>Skipped</b>:"),
    "import.good_line": ("{sheet} 第 {row} 行：{name}", "{sheet} row {row}: {name}"),
    "import.skipped_line": ("{sheet} 第 {row} 行（{name}）：{reason}", "{sheet} row {row} ({name}): {reason}"),
    "import.reason_column": ("{reason}（{column}）", "{reason} ({column})"),
    "import.more_rows": ("……另有 {count} 行未列出", "… and {count} more rows"),
    "import.reason.missing_name": ("缺少姓名", "name missing"),
    "import.reason.missing_field": ("缺少必填项", "a required item is missing"),
    "import.reason.bad_date": (
        "日期不对（格式如 2015-03-08，不能晚于今天）",
        "bad date (e.g. 2015-03-08, not in the future)",
    ),
    "import.reason.bad_phone": ("电话号码不对", "bad phone number"),
    "import.reason.bad_choice": ("不是可选的值", "not one of the allowed values"),
    "import.reason.bad_text": ("内容无效", "invalid content"),
    "import.reason.too_long": ("内容太长", "too long"),
    "import.reason.not_your_class": ("不是您担任班主任的班级", "not a class you head"),
    "import.reason.duplicate": (
        "重复：同名同生日同班级的档案已存在或在表中出现过",
        "duplicate: same name, birth date and class already exists or appears earlier",
    ),
    "import.nothing_to_add": (
        "没有可以添加的行。请按上面的原因修改后重新发送文件，或发送 /cancel 取消。什么都没有改动。",
        "No row can be added. Fix the rows as explained above and send the file again, or /cancel. "
        "Nothing was changed.",
    ),
    "import.confirm_question": (
        "确认后才会写入档案；跳过的行不会写入。",
        "Nothing is written until you confirm; skipped rows are not written.",
    ),
    "import.confirm_button": ("✅ 确认导入 {count} 行", "✅ Import {count} rows"),
    "import.cancelled": ("已取消，档案没有任何改动。", "Cancelled; no archive was changed."),
    "import.already_done": (
        "这份文件已经处理过了（已导入、已取消，或超过一天未确认）。如需导入，请重新发送文件。",
        "This file was already handled (imported, cancelled, or left unconfirmed for over a day). "
        "To import it, send the file again.",
    ),
    "import.done": ("✅ 已导入 {count} 名孩子的档案。", "✅ Imported {count} children's archives."),
    "import.left_out": (
        "以下 {count} 行在检查之后已有重复档案或您已无权限，没有写入：",
        "These {count} rows were not written: since the check they became duplicates or out of your reach:",
    ),
    "import.left_out_line": ("{sheet} 第 {row} 行：{name}", "{sheet} row {row}: {name}"),
    "import.sheet.template": ("导入模板", "Import"),
    "import.sheet.help": ("填写说明", "Help"),
    "import.help.column": ("列", "Column"),
    "import.help.rule": ("填写要求", "How to fill it in"),
    "import.help.required": ("必填。", "Required."),
    "import.help.optional": ("可不填。", "Optional."),
    "import.help.choice": ("从下拉列表选择：{options}。", "Pick from the list: {options}."),
    "import.help.class": ("填写已有的班级：{classes}。", "An existing class: {classes}."),
    "import.help.date": ("日期，如 2015-03-08。", "A date such as 2015-03-08."),
    "import.help.phone": (
        "11 位手机号或带区号的座机，如 13812345678、0718-1234567。",
        "An 11-digit mobile or a landline with area code, e.g. 13812345678.",
    ),
    "import.help.text": ("文字，不超过 {length} 个字。", "Text, at most {length} characters."),
    # --- the county office's table: every school side by side, counts only ---
    "stats.county.legend": (
        "每校一行：共（父亲外出/母亲外出/父母都外出）· 未指定监护人 · 无法联系监护人 · 家访逾期 · {term}辍学 · "
        "未结的安全关注按年龄（{bands}）。",
        "One line per school: children (father / mother / both away) · no designated guardian · unreachable "
        "guardians · overdue visits · dropouts in {term} · open concerns by age ({bands}).",
    ),
    "stats.county.line": (
        "<b>{school}</b>：共{total}（{father}/{mother}/{both}）· 无监护{no_designated} · 失联{unreachable} · "
        "逾期{overdue} · 辍学{dropped_out} · 关注{concerns}",
        "<b>{school}</b>: {total} ({father}/{mother}/{both}) · no guardian {no_designated} · unreachable "
        "{unreachable} · overdue {overdue} · dropouts {dropped_out} · concerns {concerns}",
    ),
    "stats.county.total": ("全县合计", "County total"),
    "stats.county.no_schools": ("还没有学校。", "No school yet."),
    "stats.county.small": (
        "1–4 的数字显示为“&lt;5”，并且无法从合计中推算出来；这里不出现任何学生的姓名。",
        "Counts from 1 to 4 are shown as “&lt;5” and cannot be worked out from the totals; no child is named here.",
    ),
    "stats.county.band": ("{low}–{high}岁", "{low}–{high}"),
    "stats.county.band_open": ("{low}岁以上", "{low}+"),
    "stats.county.chart": ("各校留守儿童（按外出情况）", "Children by kind, per school"),
    "stats.county.chart_note": (
        "少于 5 的数字不画出（与统计表一致）。",
        "Counts under 5 are not drawn (as in the table).",
    ),
    "stats.county.sheet": ("各校统计", "Schools"),
    "stats.county.sheet_about": ("说明", "About"),
    "stats.county.col.school": ("学校", "School"),
    "stats.county.col.father": ("父亲外出", "Father away"),
    "stats.county.col.mother": ("母亲外出", "Mother away"),
    "stats.county.col.both": ("父母都外出", "Both away"),
    "stats.county.col.total": ("留守儿童合计", "Children"),
    "stats.county.col.no_designated": ("未指定监护人", "No designated guardian"),
    "stats.county.col.unreachable": ("无法联系监护人", "Unreachable guardians"),
    "stats.county.col.overdue": ("家访逾期", "Overdue visits"),
    "stats.county.col.dropped_out": ("本学期辍学", "Dropouts this term"),
    "stats.county.col.concerns": ("未结安全关注（{band}）", "Open concerns ({band})"),
    "stats.county.col.term": ("学期", "Term"),
    "stats.county.file_name": ("留守儿童统计_{scope}_{stamp}.xlsx", "left-behind-figures_{scope}_{stamp}.xlsx"),
    "stats.county.export_caption": (
        "{count} 所学校的统计（只有数字，没有姓名；少于 5 的显示为“&lt;5”）。",
        "Figures of {count} schools (counts only, no names; under 5 shown as “&lt;5”).",
    ),
}
