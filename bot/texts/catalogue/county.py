"""The county on one deployment: schools, the county office's figures and look-ups, transfers."""

MESSAGES: dict[str, tuple[str, str]] = {
    "role.county": ("县级管理（教育局/民政）", "county office (education bureau / civil affairs)"),
    "cmd.schools": ("学校：添加学校、邀请学校管理员", "schools: add a school, invite its first admin"),
    "cmd.lookup": ("查档：说明原因后查看一名学生的档案", "look up one child's archive, with a stated reason"),
    "cmd.transfer": ("学籍转移：转出或接收学生", "transfers: move a child to another school, or accept one"),
    "invite.choose_school": ("请选择要邀请到哪所学校：", "Choose the school to invite into:"),
    "role.keeper": ("系统维护（备份、运行状况）", "keeper of the installation (backups, health)"),
    "audit.access.manage_schools": ("管理学校", "manage the schools"),
    "audit.access.county_reports": ("查看全县统计", "see the county's figures"),
    "audit.access.drill_down": ("查档（说明原因）", "look up a child's archive, with a reason"),
    "audit.access.transfer_out": ("办理转出", "transfer a child out"),
    "audit.access.transfer_in": ("接收转入", "accept a child transferring in"),
    "county.scope": ("全县（{county}）", "The county ({county})"),
    "county.unnamed": ("本县", "this county"),
    # --- county figures and look-ups ---
    "flow.name.lookup": ("查档", "a look-up"),
    "audit.action.lookup": ("县级查档（说明了原因）", "looked up by the county office, with a reason"),
    "audit.action.lookup_list": ("县级查档时在名单中看到", "seen in the county office's look-up matches"),
    "lookup.choose_school": (
        "查档：一次只查看一名学生的档案，并需说明原因；每一步都会记录。\n请选择学校：",
        "Look-up: one child's archive at a time, with a stated reason; every step is recorded.\nChoose the school:",
    ),
    "lookup.no_schools": ("还没有学校。", "No school yet."),
    "lookup.ask_name": (
        "请输入要查看的学生姓名（{school}，可只输入一部分）：",
        "Type the child's name ({school}; part of it will do):",
    ),
    "lookup.none": (
        "{school}没有姓名含“{name}”的学生。请重新输入：",
        "No child of {school} has “{name}” in their name. Type again:",
    ),
    "lookup.matches": ("找到 {count} 名学生，请选择一名：", "{count} found; pick one:"),
    "lookup.matches_more": (
        "找到 {count} 名学生，这里列出前 {shown} 名；可以输入更完整的姓名缩小范围：",
        "{count} found, the first {shown} listed; type more of the name to narrow it:",
    ),
    "lookup.match": ("{name} · {class_label}", "{name} · {class_label}"),
    "lookup.ask_reason": ("查看这名学生档案的原因：", "Why do you open this child's archive?"),
    "lookup.reason.verify": ("核查上报数据", "checking reported figures"),
    "lookup.reason.case": ("个案督办", "following up a case"),
    "lookup.reason.safety": ("安全事件", "a safety incident"),
    "lookup.reason.other": ("其他", "other"),
    "lookup.ask_words": ("请简要写明原因（不超过 200 字）：", "Write the reason briefly (at most 200 characters):"),
    "lookup.recorded": ("已记录本次查档，原因：{reason}。", "This look-up is recorded; reason: {reason}."),
    "lookup.hint_name": ("请输入学生姓名，或发送 /cancel 取消。", "Type the child's name, or send /cancel."),
    "lookup.hint_match": (
        "请点选一名学生，或重新输入姓名；发送 /cancel 取消。",
        "Pick a child, or type a name again; /cancel to stop.",
    ),
}
