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
    # --- schools (/schools for the county office, /school for a school's admin, the mailbox's school) ---
    "flow.name.school_add": ("添加学校", "adding a school"),
    "flow.name.school_settings": ("学校设置", "the school's settings"),
    "audit.access.school_settings": ("修改学校设置", "change the school's settings"),
    "audit.action.school.add": ("添加学校", "added a school"),
    "audit.action.school.invite_admin": ("邀请学校管理员", "invited a school's admin"),
    "audit.action.school.weekly_update": ("设置每周简报时间", "set the weekly update's time"),
    "audit.action.school.quiet_hours": ("设置免打扰时段", "set the quiet hours"),
    "cmd.school": ("本校设置：每周简报时间、免打扰时段", "your school's settings: weekly update, quiet hours"),
    "schools.title": ("🏫 <b>{county}的学校</b>（共 {count} 所）", "🏫 <b>Schools of {county}</b> ({count})"),
    "schools.none": ("还没有学校。", "No schools yet."),
    "schools.line": (
        "• <b>{name}</b>{township}：{classes} 个班，{children} 名学生，{admin}",
        "• <b>{name}</b>{township}: {classes} classes, {children} children, {admin}",
    ),
    "schools.township": ("（{township}）", " ({township})"),
    "schools.has_admin": ("已有管理员", "has an admin"),
    "schools.no_admin": ("⚠️ 尚无管理员", "⚠️ no admin yet"),
    "schools.add": ("➕ 添加学校", "➕ Add a school"),
    "schools.invite_button": ("邀请管理员：{name}", "Invite an admin: {name}"),
    "schools.ask_name": ("请输入新学校的全称（如「白杨镇中心小学」）：", "Type the new school's full name:"),
    "schools.ask_township": (
        "学校在哪个乡镇？请输入乡镇名，或点「跳过」。",
        "Which township is the school in? Type it, or tap Skip.",
    ),
    "schools.hint_name": ("请输入学校的名称（文字）。", "Please type the school's name."),
    "schools.hint_township": ("请输入乡镇名，或点「跳过」。", "Please type the township, or tap Skip."),
    "schools.added": (
        "✅ 已添加学校 <b>{name}</b>{township}。\n下一步：用 /schools 为它邀请第一位管理员。",
        "✅ School <b>{name}</b>{township} added.\nNext: invite its first admin from /schools.",
    ),
    "schools.duplicate": (
        "这个乡镇已经有一所叫 <b>{name}</b> 的学校了，没有重复添加。请换一个名称，或发送 /cancel 取消。",
        "That township already has a school called <b>{name}</b>; nothing was added. Type another name, or /cancel.",
    ),
    "schools.invited": (
        "✅ 已生成 <b>{school}</b> 管理员的邀请链接，{hours} 小时内有效，只能使用一次：\n\n{link}\n\n"
        "请把链接私下发给这位管理员本人。",
        "✅ Invitation for an admin of <b>{school}</b> created; valid for {hours} hours, one use only:\n\n{link}\n\n"
        "Send it privately to that person.",
    ),
    "school.choose": ("请选择要设置的学校：", "Choose the school to set up:"),
    "school.settings": (
        "⚙️ <b>{school}</b> 的设置\n\n每周简报：{weekday} {time}{weekly_default}\n免打扰时段：{quiet_start}–{quiet_end}"
        "{quiet_default}\n\n免打扰时段内不发送日常消息（紧急消息除外）。",
        "⚙️ Settings of <b>{school}</b>\n\nWeekly update: {weekday} {time}{weekly_default}\nQuiet hours: "
        "{quiet_start}–{quiet_end}{quiet_default}\n\nNo routine message is sent in the quiet hours (urgent ones are).",
    ),
    "school.default": ("（全县默认）", " (the county's default)"),
    "school.edit_weekly": ("修改每周简报时间", "Change the weekly update"),
    "school.edit_quiet": ("修改免打扰时段", "Change the quiet hours"),
    "school.ask_day": ("每周简报在星期几发送？", "On which day should the weekly update go out?"),
    "school.ask_time": ("几点发送？请输入时间，如「19:00」。", "At what time? Type it, e.g. 19:00."),
    "school.bad_time": ("没看懂这个时间，请按「19:00」的格式输入。", "I could not read that time; type it like 19:00."),
    "school.ask_quiet": (
        "请输入免打扰时段，如「21:30-07:00」（开始-结束）：",
        "Type the quiet hours as start-end, e.g. 21:30-07:00:",
    ),
    "school.bad_quiet": (
        "没看懂，请按「21:30-07:00」的格式输入开始和结束时间（两个时间不能相同）。",
        "I could not read that; type a start and an end like 21:30-07:00 (not the same time).",
    ),
    "school.weekly_saved": (
        "✅ 已保存：{school} 的每周简报在每{weekday} {time} 发送。",
        "✅ Saved: {school}'s weekly update goes out on {weekday} at {time}.",
    ),
    "school.quiet_saved": (
        "✅ 已保存：{school} 的免打扰时段为 {start}–{end}。",
        "✅ Saved: {school}'s quiet hours are {start}–{end}.",
    ),
    "school.hint": ("请点选上面的按钮，或发送 /cancel 取消。", "Tap one of the buttons above, or /cancel."),
    "mailbox.choose_school": (
        "你在哪所学校？请点选（只用来把信交给这所学校的心理老师，不会记录你是谁）：",
        "Which school are you at? Tap it (only so that school's counsellors get the letter; who you are is not kept):",
    ),
}
