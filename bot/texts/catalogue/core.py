"""Core messages: greeting, help, menu, errors, invitations, language."""

MESSAGES: dict[str, tuple[str, str]] = {
    # Command menu descriptions (shown by Telegram next to each command).
    "cmd.start": ("开始使用 / 接受邀请", "Start / accept an invitation"),
    "cmd.help": ("我能做什么", "What I can do"),
    "cmd.register": ("登记一名留守儿童", "Register a left-behind child"),
    "cmd.child": ("查找并查看联系卡", "Find a child and view the contact card"),
    "cmd.mychildren": ("我负责的孩子", "The children in my care"),
    "cmd.invite": ("邀请教职工或家长", "Invite staff or a parent"),
    "cmd.language": ("切换语言", "Change language"),
    "cmd.cancel": ("取消当前操作", "Cancel what you are doing"),
    # Greeting and help.
    "start.greeting": (
        "您好，{name}！这里是 <b>{school}</b> 的「守望」留守儿童关爱助手。\n\n"
        "本助手只为学校教职工和已绑定的家长、监护人服务。"
        "如果您是教师，请向学校管理员索取邀请链接；如果您是家长，请向孩子的班主任索取邀请链接。"
        "点开链接即可加入。",
        "Hello, {name}! This is Shouwang, the left-behind children care assistant of <b>{school}</b>.\n\n"
        "It serves the school's staff and the parents and guardians bound to a child. "
        "Teachers: ask the school administrator for an invitation link. Parents: ask your child's head "
        "teacher. Open the link to join.",
    ),
    "start.welcome_back": (
        "您好，{name}！欢迎回来。发送 /help 查看您可以使用的功能。",
        "Hello, {name}! Welcome back. Send /help to see what you can do.",
    ),
    "help.header": ("<b>您可以使用的功能：</b>", "<b>What you can do:</b>"),
    "help.line": ("/{command} — {description}", "/{command} — {description}"),
    "help.roles": ("您的身份：{roles}", "Your roles: {roles}"),
    "help.no_roles": (
        "您还没有任何身份。请通过学校发给您的邀请链接加入。",
        "You have no role yet. Join through the invitation link the school sent you.",
    ),
    "role.admin": ("管理员（领导小组）", "administrator (leadership group)"),
    "role.head_teacher": ("班主任", "head teacher"),
    "role.subject_teacher": ("科任教师", "subject teacher"),
    "role.counsellor": ("心理辅导老师", "counsellor"),
    "role.mentor": ("结对帮扶教师", "mentor"),
    "role.parent": ("家长/监护人", "parent/guardian"),
    "list.separator": ("、", ", "),
    # Invitations.
    "invite.choose_kind": ("您要邀请谁？", "Whom do you want to invite?"),
    "invite.kind_staff": ("👩‍🏫 教职工", "👩‍🏫 A staff member"),
    "invite.kind_guardian": ("👪 家长/监护人", "👪 A parent or guardian"),
    "invite.choose_role": ("请选择这位教职工的身份：", "Choose the staff member's role:"),
    "invite.choose_class": (
        "请选择班级，或直接输入新班级，例如「三年级 2班」：",
        'Choose a class, or type a new one, for example "Grade3 Class2":',
    ),
    "invite.choose_child": (
        "请输入孩子姓名（或其中一部分）来选择要邀请家长的孩子：",
        "Type the child's name (or part of it) to choose whose parent to invite:",
    ),
    "invite.pick_child": ("请选择孩子：", "Choose the child:"),
    "invite.no_children_found": (
        "没有找到您可以邀请家长的孩子，请换个名字再试，或发送 /cancel 取消。",
        "No child found that you may invite a parent for. Try another name, or /cancel.",
    ),
    "invite.ask_relationship": (
        "这位家长/监护人与 {child} 是什么关系？请点选或直接输入（如「姑姑」）：",
        'How is this parent or guardian related to {child}? Tap one or type it (e.g. "aunt"):',
    ),
    "relation.father": ("父亲", "Father"),
    "relation.mother": ("母亲", "Mother"),
    "relation.grandfather": ("爷爷/外公", "Grandfather"),
    "relation.grandmother": ("奶奶/外婆", "Grandmother"),
    "invite.staff_created": (
        "✅ 邀请链接已生成（{role}{class_part}），{hours} 小时内有效，只能使用一次：\n\n{link}\n\n"
        "请把链接私下发给对方本人。",
        "✅ Invitation created ({role}{class_part}); valid for {hours} hours, one use only:\n\n{link}\n\n"
        "Send it privately to that person.",
    ),
    "invite.class_part": ("，{label}", ", {label}"),
    "invite.guardian_created": (
        "✅ 已为 {child} 的{relationship}生成邀请链接，{hours} 小时内有效，只能使用一次：\n\n{link}\n\n"
        "请把链接私下发给家长本人。家长打开后只能看到这一个孩子的信息。",
        "✅ Invitation for {child}'s {relationship} created; valid for {hours} hours, one use only:\n\n"
        "{link}\n\nSend it privately to the parent. They will see this one child only.",
    ),
    "invite.not_allowed": (
        "抱歉，只有管理员可以邀请教职工，只有班主任可以邀请本班孩子的家长。",
        "Sorry: only administrators invite staff, and only head teachers invite their class's parents.",
    ),
    "invite.code_unknown": (
        "这个邀请链接无效。请确认链接完整，或向发给您链接的老师重新索取。",
        "This invitation link is not valid. Check that it is complete, or ask for a new one.",
    ),
    "invite.code_expired": (
        "这个邀请链接已过期。请向发给您链接的老师重新索取。",
        "This invitation link has expired. Please ask for a new one.",
    ),
    "invite.code_used": (
        "这个邀请链接已经被使用过了。每个链接只能用一次，请向老师重新索取。",
        "This invitation link has already been used. Each link works once; please ask for a new one.",
    ),
    "invite.welcome_staff": (
        "🎉 欢迎加入 {school}！您的身份是：{role}{class_part}。\n发送 /help 查看您可以使用的功能。",
        "🎉 Welcome to {school}! Your role: {role}{class_part}.\nSend /help to see what you can do.",
    ),
    "invite.welcome_guardian": (
        "🎉 您好！您已作为{relationship}与 <b>{child}</b> 绑定。\n"
        "以后学校会通过这里和您联系。发送 /child 查看孩子的联系卡，发送 /help 查看全部功能。",
        "🎉 Hello! You are now bound to <b>{child}</b> as {relationship}.\n"
        "The school will keep in touch with you here. Send /child to see the card, /help for more.",
    ),
    "invite.already_bound": (
        "您已经与 {child} 绑定过了，无需重复绑定。",
        "You are already bound to {child}.",
    ),
    "invite.already_role": ("您已经拥有这个身份了。", "You already hold this role."),
    "invite.notify_inviter": (
        "📬 {name} 已通过您的邀请加入（{what}）。",
        "📬 {name} joined through your invitation ({what}).",
    ),
    # Language.
    "language.choose": ("请选择语言 / Choose a language:", "Choose a language / 请选择语言:"),
    "language.set": ("已切换为中文。", "Language set to English."),
    "language.zh_CN": ("中文", "中文"),
    "language.en": ("English", "English"),
    # Generic conversation words.
    "button.skip": ("跳过 ⏭", "Skip ⏭"),
    "button.cancel": ("取消 ✖", "Cancel ✖"),
    "button.confirm": ("✅ 确认保存", "✅ Confirm and save"),
    "button.edit": ("✏️ 修改", "✏️ Edit"),
    "button.back": ("⬅️ 返回", "⬅️ Back"),
    "button.prev": ("⬅️ 上一页", "⬅️ Previous"),
    "button.next": ("下一页 ➡️", "Next ➡️"),
    "button.yes": ("是", "Yes"),
    "button.no": ("否", "No"),
    "page.indicator": ("第 {page}/{pages} 页", "Page {page}/{pages}"),
    "cancel.done": ("已取消，什么都没有保存。", "Cancelled; nothing was saved."),
    "cancel.nothing": ("当前没有进行中的操作。", "There is nothing to cancel."),
    "flow.busy": (
        "您正在进行另一项操作（{flow}）。请先完成它，或发送 /cancel 取消后再试。",
        "You are in the middle of something else ({flow}). Finish it, or send /cancel first.",
    ),
    "flow.timeout": (
        "⏰ 由于长时间没有操作，本次{flow}已自动结束，未保存任何内容。需要时请重新开始。",
        "⏰ Your {flow} ended after a long pause; nothing was saved. Start again when you are ready.",
    ),
    "flow.cleared": (
        "这项操作涉及的档案刚被管理员删除，本次{flow}已结束，未保存任何内容。需要时请重新开始。",
        "The record this was about has just been erased by an administrator, so your {flow} has ended; nothing was "
        "saved. Start again if you need to.",
    ),
    "flow.stale_button": (
        "这个按钮已经失效了，请使用最新消息中的按钮。",
        "This button is out of date; please use the buttons in the latest message.",
    ),
    "flow.hint_text": (
        "请输入文字回答上面的问题，或发送 /cancel 取消。",
        "Please answer the question above with text, or send /cancel.",
    ),
    "flow.hint_buttons": (
        "请点选上面消息中的按钮，或发送 /cancel 取消。",
        "Please tap one of the buttons above, or send /cancel.",
    ),
    "flow.command_in_flow": (
        "您正在进行{flow}。请先回答当前问题，或发送 /cancel 取消。",
        "You are in the middle of {flow}. Answer the current question, or send /cancel.",
    ),
    # Access and errors.
    "access.denied": (
        "抱歉，您没有权限进行这项操作。如有疑问请联系学校管理员。",
        "Sorry, you are not allowed to do that. Ask the school administrator if you think you should.",
    ),
    "access.child_denied": (
        "抱歉，您无权查看这个孩子的信息。",
        "Sorry, you may not see this child's information.",
    ),
    "unknown.command": (
        "抱歉，我不认识这个命令。发送 /help 查看您可以使用的功能。",
        "Sorry, I don't know that command. Send /help to see what you can do.",
    ),
    "unknown.message": (
        "我暂时无法理解这条消息。发送 /help 查看您可以使用的功能。",
        "I can't understand that message. Send /help to see what you can do.",
    ),
    "error.generic": (
        "抱歉，出了点问题，刚才的操作没有完成。请稍后再试；如果一直这样，请告诉学校管理员。",
        "Sorry, something went wrong and that did not complete. Please try again later; if it keeps "
        "happening, tell the school administrator.",
    ),
    "error.admin_alert": (
        "⚠️ 系统出现未预料的错误：{kind}（{where}）。详情见服务器日志，编号 {ref}。",
        "⚠️ Unexpected error: {kind} ({where}). See the server log, reference {ref}.",
    ),
    "edited.ignored": (
        "修改过的消息不会被重新处理。如需更正，请重新发送；登记孩子时也可以在核对联系卡时点「修改」。",
        "Edited messages are not processed again. To correct something, send it again; when registering "
        "a child you can also tap Edit on the card review.",
    ),
    "group.private_only": (
        "为保护孩子的隐私，请在与我的私聊中使用这个功能。",
        "To protect the children's privacy, please use this in a private chat with me.",
    ),
    # Validation reasons.
    "invalid.empty": ("内容不能为空，请重新输入。", "This cannot be empty; please type it again."),
    "invalid.too_long": ("内容太长了，请精简后重新输入。", "That is too long; please shorten it."),
    "invalid.date_format": (
        "日期格式不对。请按「年-月-日」输入，例如 2015-03-08 或 2015年3月8日。",
        "That date format is not recognised. Use year-month-day, e.g. 2015-03-08.",
    ),
    "invalid.date_impossible": (
        "这个日期不存在（请检查月份和日子），例如 2015-03-08。",
        "That date does not exist (check month and day), e.g. 2015-03-08.",
    ),
    "invalid.date_future": ("日期不能晚于今天，请重新输入。", "The date cannot be in the future."),
    "invalid.date_too_early": ("这个日期太早了，请检查年份。", "That date is too early; check the year."),
    "invalid.birth_too_recent": (
        "出生日期太近了，请检查年份（孩子应至少 2 岁）。",
        "That birth date is too recent; check the year (the child should be at least 2).",
    ),
    "invalid.phone": (
        "电话号码格式不对。请输入 11 位手机号（如 13812345678）或带区号的座机（如 0718-1234567）。",
        "That phone number is not valid. Enter an 11-digit mobile (e.g. 13812345678) or a landline "
        "with area code (e.g. 0718-1234567).",
    ),
    "invalid.use_buttons": ("请点选上面的按钮。", "Please tap one of the buttons above."),
    "invalid.class_label": (
        "请按「年级 班级」输入，例如「三年级 2班」。",
        'Type grade and class separated by a space, e.g. "Grade3 Class2".',
    ),
    # Typed text kept as typed; a second tap on a save button; role-own command words.
    "invalid.control": (
        "内容里有看不见的控制字符，无法保存。请删掉后重新输入（换行可以保留）。",
        "That text contains invisible control characters and cannot be saved. Please remove them and type it "
        "again (line breaks are fine).",
    ),
    "flow.already_saved": ("已经保存过了，不用再点。", "Already saved; no need to tap again."),
    "cmd.mychildren.parent": ("我的孩子", "My children"),
    "cmd.child.parent": ("查看孩子的联系卡", "View your child's contact card"),
    "cmd.contact.parent": ("给班主任留言", "Message the head teacher"),
    # /audit: the name of each action code (bot.storage.audit.ACTIONS) and of each access a refusal names.
    "audit.action.view": ("查看联系卡", "viewed the card"),
    "audit.action.list": ("在名单中看到", "seen in a list"),
    "audit.action.create": ("登记档案", "registered"),
    "audit.action.edit": ("修改档案", "edited the archive"),
    "audit.action.denied": ("被拒绝", "refused"),
    "audit.action.export": ("导出", "exported"),
    "audit.action.import_check": ("检查导入文件", "checked an import file"),
    "audit.action.stats": ("查看统计", "viewed figures"),
    "audit.action.stats_list": ("查看统计名单", "viewed a figures list"),
    "audit.action.invite_guardian": ("邀请家长", "invited a guardian"),
    "audit.action.bind_guardian": ("家长接受邀请", "guardian joined"),
    "audit.action.consent": ("登记同意", "consent recorded"),
    "audit.action.mydata": ("家长查看数据", "guardian viewed the data"),
    "audit.action.request.correction": ("申请更正", "asked for a correction"),
    "audit.action.request.erasure": ("申请删除", "asked for erasure"),
    "audit.action.erase": ("删除数据", "erased"),
    "audit.action.audit.view": ("查看访问记录", "viewed the audit log"),
    "audit.action.backup.download": ("下载备份", "downloaded a backup"),
    "audit.action.concern.report": ("报告安全问题", "reported a concern"),
    "audit.action.concern.ack": ("确认安全问题", "acknowledged a concern"),
    "audit.action.concern.assign": ("指派安全问题", "assigned a concern"),
    "audit.action.concern.close": ("关闭安全问题", "closed a concern"),
    "audit.action.risk.set": ("设置风险等级", "set the risk level"),
    "audit.action.counsel.add": ("记录心理辅导", "recorded a counselling session"),
    "audit.action.counsel.read": ("查看心理辅导记录", "read counselling records"),
    "audit.action.mailbox.read": ("阅读信箱来信", "read a mailbox letter"),
    "audit.action.mailbox.reply": ("回复信箱来信", "replied to a mailbox letter"),
    "audit.action.mailbox.close": ("关闭信箱来信", "closed a mailbox letter"),
    "audit.action.mailbox.denied": ("信箱访问被拒绝", "mailbox access refused"),
    "audit.action.green.answer": ("答复家长留言", "answered a parent's message"),
    "audit.action.green.call_answer": ("家长回复亲情电话提醒", "parent answered a call reminder"),
    "audit.action.green.contact_overview": ("查看亲情联系情况", "viewed family contact"),
    "audit.action.green.parent_message": ("家长留言", "parent's message"),
    "audit.action.green.parent_note": ("写给家长的话", "note for parents"),
    "audit.action.green.plan_set": ("设置亲情电话", "set the family-call plan"),
    "audit.action.green.plan_stop": ("停止亲情电话", "stopped the family-call plan"),
    "audit.action.care.checkin": ("记录近况", "logged a check-in"),
    "audit.action.care.concern_answer": ("回答是否报告安全问题", "answered 'raise a concern?'"),
    "audit.action.care.flagged_list": ("查看需关注的近况", "viewed flagged check-ins"),
    "audit.action.care.visit": ("记录家访/谈心", "logged a visit"),
    "audit.action.care.followup_done": ("完成跟进事项", "completed a follow-up"),
    "audit.action.care.pairing_view": ("查看结对帮扶", "viewed the pairing"),
    "audit.action.care.pair": ("结对帮扶", "paired a mentor"),
    "audit.action.care.unpair": ("结束结对帮扶", "ended the pairing"),
    "audit.action.care.buddy": ("手拉手结对", "paired a buddy"),
    "audit.action.care.buddy_end": ("结束手拉手", "ended the buddy pairing"),
    "audit.action.care.buddy_view": ("查看手拉手", "viewed the buddy"),
    "audit.action.care.boarding_request": ("申请寄宿", "asked for boarding"),
    "audit.action.care.boarding_decide": ("审批寄宿", "decided on boarding"),
    "audit.action.care.enrolment_view": ("查看学籍变动", "viewed enrolment history"),
    "audit.action.care.enrolment": ("记录学籍变动", "recorded an enrolment change"),
    "audit.action.care.timeline": ("查看成长记录", "viewed the timeline"),
    "audit.access.view_card": ("查看联系卡", "view the card"),
    "audit.access.edit_card": ("修改档案", "edit the archive"),
    "audit.access.log_care": ("记录关爱", "log care"),
    "audit.access.invite_guardian": ("邀请家长", "invite a guardian"),
    "audit.access.report_concern": ("报告安全问题", "report a concern"),
    "audit.access.set_risk": ("设置风险等级", "set the risk level"),
    "audit.access.counsel": ("心理辅导记录", "counselling records"),
    "audit.access.consent_paper": ("登记纸质同意书", "record paper consent"),
    "audit.access.consent_give": ("家长同意与数据权利", "a guardian's consent and rights"),
    "audit.access.erase": ("删除数据", "erase"),
    "audit.access.view_audit": ("查看访问记录", "view the audit log"),
    # The access policy's capabilities, named in the audit log when one is refused.
    "audit.access.school_view": ("以学校身份查看档案", "read a card as the school"),
    "audit.access.register": ("登记学生档案", "register a child"),
    "audit.access.browse_own": ("查看自己的孩子", "list one's own children"),
    "audit.access.pair": ("结对帮扶", "pair a mentor"),
    "audit.access.decide_boarding": ("审批寄宿", "decide on boarding"),
    "audit.access.invite_staff": ("邀请教职工", "invite staff"),
    "audit.access.invite_from_class": ("邀请本班家长", "invite a family of one's class"),
    "audit.access.reports": ("统计、导出与导入", "figures, exports and imports"),
    "audit.access.manage_concerns": ("处理安全问题", "handle concerns"),
    "audit.access.read_mailbox": ("阅读心理信箱", "read the mailbox"),
    "audit.access.contact_overview": ("查看家校联系情况", "see family contact"),
    "audit.access.family_messages": ("家长留言与设置", "a family's messages and settings"),
    "audit.access.answer_family": ("回复家长留言", "answer a family"),
    "audit.access.backup": ("下载备份", "download a backup"),
}
