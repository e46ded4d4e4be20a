"""学籍转移: moving a child to another school of the county, and accepting one."""

MESSAGES: dict[str, tuple[str, str]] = {
    "flow.name.transfer": ("学籍转移", "a transfer"),
    "transfer.pick": (
        "要把哪个学生转到别的学校？请点选，或输入姓名查找：",
        "Which child moves to another school? Tap one, or type a name to search:",
    ),
    "transfer.pick_type": (
        "要把哪个学生转到别的学校？请输入姓名查找：",
        "Which child moves to another school? Type a name to search:",
    ),
    "transfer.choose_school": (
        "{name}（{class_label}）转到哪所学校？",
        "Which school does {name} ({class_label}) move to?",
    ),
    "transfer.no_schools": (
        "本县还没有其他学校，无法办理转学。",
        "The county has no other school on the bot yet: there is nowhere to transfer to.",
    ),
    "transfer.choose_class": ("转入{school}的哪个班级？", "Which class of {school}?"),
    "transfer.no_classes": (
        "{school}还没有班级，请该校管理员先添加班级。请选择其他学校：",
        "{school} has no classes yet (its admin adds them first). Choose another school:",
    ),
    "transfer.review": (
        "请确认转学申请：\n{name}：{from_school} {from_class} → {to_school} {to_class}\n"
        "对方班主任接收后才会转移，在此之前学生仍在原班。",
        "Please confirm the transfer:\n{name}: {from_school} {from_class} → {to_school} {to_class}\n"
        "Nothing moves until the receiving head teacher accepts; until then the child stays in their class.",
    ),
    "transfer.button.send": ("✅ 确认提交", "✅ Confirm and send"),
    "transfer.proposed": (
        "已提交：{name}转入{to_school} {to_class}，等待对方接收。接收或拒绝时会通知您。",
        "Sent: {name} to {to_school} {to_class}, waiting for them to accept. You will be told of their answer.",
    ),
    "transfer.already_open": (
        "这名学生已有一个等待接收的转学申请。",
        "This child already has a transfer waiting for an answer.",
    ),
    "transfer.same_school": ("请选择另一所学校的班级。", "Choose a class of another school."),
    "transfer.hint_buttons": ("请点选上面的按钮，或发送 /cancel 取消。", "Tap one of the buttons above, or /cancel."),
    "transfer.notice": (
        "📥 转学申请：{name}（{from_school} {from_class}）申请转入{to_school} {to_class}。\n"
        "接收后，学生的档案和全部历史记录一并转入您的班级。",
        "📥 Transfer: {name} ({from_school} {from_class}) is to join {to_school} {to_class}.\n"
        "On accepting, the child's archive and all its history move into your class.",
    ),
    "transfer.button.accept": ("✅ 接收", "✅ Accept"),
    "transfer.button.decline": ("❌ 不接收", "❌ Decline"),
    "transfer.button.accept_n": ("✅ 接收 {number}", "✅ Accept {number}"),
    "transfer.button.decline_n": ("❌ 不接收 {number}", "❌ Decline {number}"),
    "transfer.button.withdraw_n": ("↩️ 撤回 {number}", "↩️ Withdraw {number}"),
    "transfer.accepted": (
        "已接收：{name}现在在{to_school} {to_class}，档案和历史记录已转入。",
        "Accepted: {name} is now in {to_school} {to_class}, with their archive and its history.",
    ),
    "transfer.declined": ("已拒绝{name}的转学申请，学生仍在原学校。", "Declined: {name} stays at their school."),
    "transfer.withdrawn": ("已撤回{name}的转学申请。", "The transfer of {name} is withdrawn."),
    "transfer.accepted_notice": (
        "✅ {to_school} {to_class}已接收{name}。本校保留其学籍变动记录，不再能查看其档案。",
        "✅ {to_school} {to_class} accepted {name}. Your school keeps the enrolment record and no longer sees "
        "the archive.",
    ),
    "transfer.declined_notice": (
        "❌ {to_school} {to_class}未接收{name}的转学申请，学生仍在{from_class}。",
        "❌ {to_school} {to_class} declined the transfer of {name}, who stays in {from_class}.",
    ),
    "transfer.withdrawn_notice": (
        "↩️ {from_school}已撤回{name}转入{to_class}的申请，无需处理。",
        "↩️ {from_school} withdrew the transfer of {name} to {to_class}; nothing to do.",
    ),
    "transfer.decided.accepted": ("这个转学申请已经接收过了。", "This transfer was accepted already."),
    "transfer.decided.declined": ("这个转学申请已经被拒绝了。", "This transfer was declined already."),
    "transfer.decided.withdrawn": ("这个转学申请已经撤回了。", "This transfer was withdrawn."),
    "transfer.gone": ("找不到这个转学申请了。", "This transfer is no longer there."),
    "transfer.waiting_header": ("📥 等待您接收的转学（{total}）：", "📥 Transfers waiting for you ({total}):"),
    "transfer.outgoing_header": (
        "📤 本校提交、等待对方接收的转学（{total}）：",
        "📤 Transfers out, waiting ({total}):",
    ),
    "transfer.line": (
        "{number}. {name}：{from_school} {from_class} → {to_school} {to_class}",
        "{number}. {name}: {from_school} {from_class} → {to_school} {to_class}",
    ),
    "transfer.none": ("没有等待您处理的转学。", "No transfer is waiting for you."),
    "audit.action.transfer.propose": ("提交转学申请", "proposed a transfer"),
    "audit.action.transfer.accept": ("接收转学", "accepted a transfer"),
    "audit.action.transfer.decline": ("拒绝转学", "declined a transfer"),
    "audit.action.transfer.withdraw": ("撤回转学", "withdrew a transfer"),
}
