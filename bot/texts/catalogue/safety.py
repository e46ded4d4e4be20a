"""Safety and trust: concerns (强制报告), risk levels, counselling, the anonymous mailbox (倾诉信箱), consent,
erasure, the audit viewer and backups."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # Menu.
    "cmd.concern": ("报告孩子安全问题（强制报告）", "Report a child safety concern"),
    "cmd.concerns": ("未结的安全问题", "Open safety concerns"),
    "cmd.counsel": ("心理辅导记录", "Counselling records"),
    "cmd.mailbox": ("倾诉信箱（匿名）", "Anonymous mailbox"),
    "cmd.mydata": ("查看孩子的档案与数据权利", "See your child's data and your rights"),
    "cmd.audit": ("查看档案访问记录", "Who viewed or changed a record"),
    "cmd.erase": ("删除孩子数据", "Erase a child's data"),
    "cmd.backup": ("下载加密的数据库备份", "Download an encrypted backup"),
    "flow.name.concern": ("报告安全问题", "reporting a concern"),
    "flow.name.concern_close": ("结案", "closing a concern"),
    "flow.name.counsel": ("记录心理辅导", "recording a counselling session"),
    "flow.name.mailbox_reply": ("回复来信", "replying to a letter"),
    "flow.name.privacy": ("填写信息", "filling in a detail"),
    # Shared bits.
    "safety.skip": ("跳过", "Skip"),
    "safety.button.no": ("取消", "Cancel"),
    "safety.cancelled": ("已取消，没有做任何更改。", "Cancelled; nothing was changed."),
    "safety.when.today": ("今天", "Today"),
    "safety.when.yesterday": ("昨天", "Yesterday"),
    # Concern kinds, outcomes, statuses, risk levels.
    "safety.kind.alone": ("独自生活", "Living alone"),
    "safety.kind.missing": ("失踪/联系不上", "Missing"),
    "safety.kind.injured": ("受伤", "Injured"),
    "safety.kind.abuse": ("疑似受虐待或被忽视", "Suspected abuse or neglect"),
    "safety.kind.guardian": ("监护人无力照顾", "Guardian unable to care"),
    "safety.kind.other": ("其他", "Other"),
    "safety.outcome.school": ("已在学校处理", "Resolved at school"),
    "safety.outcome.guardian": ("已联系监护人", "Guardian contacted"),
    "safety.outcome.police": ("已报告公安机关", "Reported to the police"),
    "safety.outcome.civil": ("已报告民政部门", "Reported to civil affairs"),
    "safety.outcome.referred": (
        "已转介（妇联/共青团/关工委/村儿童主任）",
        "Referred (Women's Federation / Youth League / Care for the Next Generation committee / "
        "village child director)",
    ),
    "safety.status.open": ("⏳ 待确认", "⏳ awaiting acknowledgement"),
    "safety.status.acknowledged": ("✅ 已确认，处理中", "✅ acknowledged, in hand"),
    "safety.status.closed": ("☑️ 已结案：{outcome}", "☑️ closed: {outcome}"),
    "safety.risk.high": ("🔴 高", "🔴 high"),
    "safety.risk.medium": ("🟠 中", "🟠 medium"),
    "safety.risk.low": ("🟢 低", "🟢 low"),
    # Reporting a concern.
    "safety.concern.ask_child": (
        "🚨 <b>报告安全问题</b>\n请输入孩子的姓名（或姓名中的几个字）。发送 /cancel 可随时取消。",
        "🚨 <b>Report a safety concern</b>\nType the child's name (or part of it). Send /cancel at any time.",
    ),
    "safety.concern.flagged_hint": (
        "也可以点选下面最近被标记为“担忧”的关怀记录：",
        "Or tap one of the recent check-ins flagged as a worry:",
    ),
    "safety.concern.from_checkin": ("⚠️ {name} 的担忧记录", "⚠️ Worry about {name}"),
    "safety.concern.none_found": (
        "没有找到姓名包含“{query}”且您可以查看的孩子，请换个写法再试。",
        "No child you may see has a name containing “{query}”. Try another spelling.",
    ),
    "safety.concern.pick": ("请选择孩子：", "Choose the child:"),
    "safety.concern.more": (
        "\n（共 {total} 个结果，只显示前几个，请输入更完整的姓名）",
        "\n({total} matches, only the first are shown; type more of the name)",
    ),
    "safety.concern.ask_kind": (
        "关于 <b>{name}</b>：发生了什么类型的问题？",
        "About <b>{name}</b>: what kind of concern?",
    ),
    "safety.concern.ask_what": (
        "请简要描述发生了什么（{limit} 字以内）。",
        "Briefly describe what happened (up to {limit} characters).",
    ),
    "safety.concern.ask_when": (
        "什么时候发生的？点选按钮，或输入日期，如 2026-03-01。",
        "When did it happen? Tap a button or type a date such as 2026-03-01.",
    ),
    "safety.concern.sent": (
        "✅ 已上报（编号 {id}），已立即通知领导小组 {admins} 人。未确认前每隔一段时间会再次提醒。",
        "✅ Reported (number {id}); {admins} members of the leadership group were alerted at once. "
        "It is re-sent until someone acknowledges it.",
    ),
    "safety.concern.gone": ("这条安全问题已不存在。", "This concern no longer exists."),
    "safety.concern.state": ("安全问题 {id}：{status}", "Concern {id}: {status}"),
    # The alert.
    "safety.alert.header": ("🚨 <b>紧急：安全问题 {id}</b>", "🚨 <b>Urgent: safety concern {id}</b>"),
    "safety.alert.resend_header": (
        "🚨 <b>再次提醒（第 {round} 次）：安全问题 {id} 仍未确认</b>",
        "🚨 <b>Reminder {round}: safety concern {id} is still unacknowledged</b>",
    ),
    "safety.alert.body": (
        "孩子：{name}（{class_label}）\n类型：{kind}\n时间：{when}\n情况：{what}\n报告人：{reporter}",
        "Child: {name} ({class_label})\nKind: {kind}\nWhen: {when}\nWhat: {what}\nReported by: {reporter}",
    ),
    "safety.alert.body_short": (
        "孩子：{name}\n类型：{kind}\n时间：{when}\n情况：{what}",
        "Child: {name}\nKind: {kind}\nWhen: {when}\nWhat: {what}",
    ),
    "safety.button.ack": ("✅ 确认收到", "✅ Acknowledge"),
    "safety.button.assign": ("👤 指派", "👤 Assign"),
    "safety.button.close": ("☑️ 结案", "☑️ Close"),
    "safety.button.ack_id": ("✅ 确认 {id}", "✅ Acknowledge {id}"),
    "safety.button.close_id": ("☑️ 结案 {id}", "☑️ Close {id}"),
    "safety.ack.done": ("已确认，其他成员会收到通知。", "Acknowledged; the others are told."),
    "safety.ack.already": ("已经有人确认过了。", "Someone has already acknowledged it."),
    "safety.ack.notice": ("ℹ️ 安全问题 {id} 已由 {who} 确认。", "ℹ️ Concern {id} was acknowledged by {who}."),
    "safety.assign.ask": ("安全问题 {id} 指派给谁？", "Assign concern {id} to whom?"),
    "safety.assign.person": ("{name}", "{name}"),
    "safety.assign.done": ("✅ 安全问题 {id} 已指派，对方已收到通知。", "✅ Concern {id} assigned; they were told."),
    "safety.assigned.notice": (
        "📌 <b>安全问题 {id} 已指派给您处理</b>，处理完请点“结案”并填写结果。",
        "📌 <b>Concern {id} was assigned to you.</b> When done, tap “Close” and give the outcome.",
    ),
    "safety.close.ask": ("安全问题 {id} 的处理结果是？", "What was the outcome of concern {id}?"),
    "safety.close.ask_note.police": (
        "请输入公安机关的报案回执号或接警单位（{limit} 字以内）。",
        "Type the police report reference or station ({limit} characters at most).",
    ),
    "safety.close.ask_note.civil": (
        "请输入民政部门的受理编号或经办单位（{limit} 字以内）。",
        "Type the civil affairs reference or office ({limit} characters at most).",
    ),
    "safety.close.ask_note.referred": (
        "请输入转介给哪个机构或哪位负责人（{limit} 字以内）。",
        "Type to which body or person the child was referred ({limit} characters at most).",
    ),
    "safety.close.done": ("☑️ 安全问题 {id} 已结案。{status}", "☑️ Concern {id} is closed. {status}"),
    "safety.close.already": ("安全问题 {id} 早已结案。{status}", "Concern {id} was already closed. {status}"),
    "safety.concerns.none": ("目前没有未结案的安全问题。", "There are no open concerns."),
    "safety.concerns.header": ("<b>未结案的安全问题（{count}）</b>", "<b>Open concerns ({count})</b>"),
    "safety.concerns.line": ("{id}. {name} · {kind} · {status}", "{id}. {name} · {kind} · {status}"),
    # The card.
    "safety.card.risk": ("<b>风险等级：</b>{level}", "<b>Risk level:</b> {level}"),
    "safety.card.risk_reason": ("原因：{reason}", "Reason: {reason}"),
    "safety.card.open_concerns": ("⚠️ 有 {count} 条未结案的安全问题", "⚠️ {count} open safety concern(s)"),
    "safety.card.consent_missing": ("❗ 监护人同意：<b>尚未记录</b>", "❗ Guardian consent: <b>not recorded</b>"),
    "safety.card.consent_bot": (
        "监护人同意：{who}于 {date} 在机器人中同意",
        "Guardian consent: given in the bot by the {who} on {date}",
    ),
    "safety.card.consent_paper": (
        "监护人同意：{who}于 {date} 书面同意（班主任登记）",
        "Guardian consent: given on paper by {who} on {date} (noted by the school)",
    ),
    "safety.card.counselling": ("心理辅导：{dates}", "Counselling sessions: {dates}"),
    "safety.card.concern_button": ("🚨 报告安全问题", "🚨 Report a concern"),
    "safety.card.risk_button": ("风险等级", "Risk level"),
    "safety.card.paper_button": ("登记书面同意", "Note paper consent"),
    "safety.card.erase_button": ("🗑 删除数据", "🗑 Erase data"),
    # Risk.
    "safety.risk.ask": (
        "{name} 当前风险等级：{level}。请选择新的等级：",
        "{name} is now {level}. Choose the new level:",
    ),
    "safety.risk.ask_reason": ("请简要说明原因。", "Briefly give the reason."),
    "safety.risk.saved": ("✅ 已将 {name} 的风险等级设为 {level}。", "✅ {name}'s risk level is now {level}."),
    # Counselling.
    "safety.counsel.only": (
        "抱歉，心理辅导记录只有心理辅导老师可以查看和填写。",
        "Sorry, only counsellors may read or write counselling records.",
    ),
    "safety.counsel.ask_query": (
        "请在命令后输入孩子的姓名，例如：/counsel 张小明",
        "Type the child's name after the command, e.g. /counsel Zhang",
    ),
    "safety.counsel.header": (
        "<b>{name} 的心理辅导记录（{count} 次）</b>",
        "<b>{name}: {count} counselling session(s)</b>",
    ),
    "safety.counsel.session": ("📅 {date} · {topic}\n{notes}", "📅 {date} · {topic}\n{notes}"),
    "safety.counsel.followup": ("后续：{followup}", "Follow-up: {followup}"),
    "safety.counsel.shared_mark": ("（已允许其他老师知道这次辅导）", "(others may know this session took place)"),
    "safety.counsel.new_button": ("➕ 记录一次辅导", "➕ Record a session"),
    "safety.counsel.ask_date": (
        "为 {name} 记录辅导。日期？点“今天”或输入日期，如 2026-03-01。",
        "Recording a session with {name}. Date? Tap “Today” or type one such as 2026-03-01.",
    ),
    "safety.counsel.ask_topic": ("辅导主题？", "Topic?"),
    "safety.counsel.ask_notes": ("辅导记录（只有心理辅导老师能看到）：", "Notes (only counsellors will see them):"),
    "safety.counsel.ask_followup": ("后续安排？没有可点“跳过”。", "Follow-up? Tap “Skip” if none."),
    "safety.counsel.ask_share": (
        "是否让班主任和领导小组知道“进行过一次辅导”（不含内容）？",
        "May the head teacher and leadership know that a session took place (not its content)?",
    ),
    "safety.counsel.share_yes": ("可以，只告知日期", "Yes, the date only"),
    "safety.counsel.share_no": ("不，完全保密", "No, keep it private"),
    "safety.counsel.saved": ("✅ 辅导记录已保存。", "✅ Session saved."),
    # The mailbox: writers.
    "safety.mailbox.intro": (
        "📮 <b>倾诉信箱</b>\n这里写下的话只有心理辅导老师能看到，而且他们<b>不会知道你是谁</b>。"
        "老师回复后，你会在这里收到。每封信 {limit} 字以内。",
        "📮 <b>The confiding mailbox</b>\nOnly the counsellors read what you write here, and they "
        "<b>will not know who you are</b>. Their reply comes here. Up to {limit} characters a letter.",
    ),
    "safety.mailbox.write_button": ("✉️ 写一封信", "✉️ Write a letter"),
    "safety.mailbox.my_ticket": ("<b>你的信 #{number}</b>", "<b>Your letter #{number}</b>"),
    "safety.mailbox.mine_line": ("你：{body}", "You: {body}"),
    "safety.mailbox.reply_line": ("老师：{body}", "Counsellor: {body}"),
    "safety.mailbox.answer_button": ("↩️ 继续写 #{number}", "↩️ Write more in #{number}"),
    "safety.mailbox.ask": (
        "请直接输入你想说的话（{limit} 字以内），发送 /cancel 可取消。不需要写名字。",
        "Type what you want to say (up to {limit} characters), or /cancel. No need to give your name.",
    ),
    "safety.mailbox.ask_answer": (
        "请输入你想继续说的话（{limit} 字以内），发送 /cancel 可取消。",
        "Type what you want to add (up to {limit} characters), or /cancel.",
    ),
    "safety.mailbox.empty": ("信是空的，请写几个字再发送。", "The letter is empty; please write something."),
    "safety.mailbox.too_long": (
        "这封信有 {length} 字，超过了 {limit} 字。请分成几次发送，或写短一些。",
        "This letter has {length} characters, over the {limit} limit. Send it in parts, or shorten it.",
    ),
    "safety.mailbox.text_only": (
        "为了保护你的身份，信箱只能发送文字。请输入文字，或发送 /cancel 取消。",
        "To keep you anonymous the mailbox takes text only. Type your message, or send /cancel.",
    ),
    "safety.mailbox.rate_limited": (
        "今天已经发了 {limit} 封信，请明天再写。如果有危险，请马上告诉身边的大人或拨打 110。",
        "You have sent {limit} letters today; please write again tomorrow. "
        "If you are in danger, tell an adult near you now or call 110.",
    ),
    "safety.mailbox.sent": (
        "✅ 已送到心理辅导老师（信件号 #{number}）。老师回复后会在这里告诉你。",
        "✅ Delivered to the counsellors (letter #{number}). Their reply will come here.",
    ),
    "safety.mailbox.sent_urgent": (
        "✅ 已送到心理辅导老师（信件号 #{number}），老师会尽快看。\n"
        "如果你现在有危险，请马上告诉身边的大人，或拨打 110；心理援助热线 12356。",
        "✅ Delivered to the counsellors (letter #{number}); they will read it soon.\n"
        "If you are in danger now, tell an adult near you or call 110; the counselling hotline is 12356.",
    ),
    "safety.mailbox.not_yours": ("这封信不存在或不是你写的。", "This letter does not exist or is not yours."),
    "safety.mailbox.reply_to_writer": (
        "📮 <b>心理辅导老师回复了你的信 #{number}：</b>\n{body}",
        "📮 <b>A counsellor replied to your letter #{number}:</b>\n{body}",
    ),
    # The mailbox: counsellors.
    "safety.mailbox.counsellors_only": (
        "抱歉，只有心理辅导老师可以阅读信箱。",
        "Sorry, only counsellors may read the mailbox.",
    ),
    "safety.mailbox.no_open": ("📮 信箱里没有待处理的信。", "📮 No open letters in the mailbox."),
    "safety.mailbox.open_header": (
        "📮 <b>待处理的信（{count}）</b>，紧急的在最前：",
        "📮 <b>Open letters ({count})</b>, urgent first:",
    ),
    "safety.mailbox.ticket_button": ("#{number}", "#{number}"),
    "safety.mailbox.ticket_urgent": ("🆘 #{number}", "🆘 #{number}"),
    "safety.mailbox.notify": ("📮 倾诉信箱收到新信 #{number}。", "📮 New letter #{number} in the mailbox."),
    "safety.mailbox.notify_urgent": (
        "🆘 <b>倾诉信箱紧急来信 #{number}</b>：内容涉及自伤或危险，请尽快查看。",
        "🆘 <b>Urgent letter #{number}</b>: it mentions self-harm or danger. Please read it soon.",
    ),
    "safety.mailbox.read_button": ("阅读", "Read"),
    "safety.mailbox.ticket_header": ("📮 <b>信件 #{number}</b>", "📮 <b>Letter #{number}</b>"),
    "safety.mailbox.urgent_mark": ("🆘 涉及自伤或危险", "🆘 Mentions self-harm or danger"),
    "safety.mailbox.from_writer": ("✉️ 来信（{at}）：\n{body}", "✉️ Writer ({at}):\n{body}"),
    "safety.mailbox.from_counsellor": ("↩️ 回复（{at}）：\n{body}", "↩️ Reply ({at}):\n{body}"),
    "safety.mailbox.truncated": ("（较早的内容已省略）", "(earlier messages omitted)"),
    "safety.mailbox.reply_button": ("↩️ 回复", "↩️ Reply"),
    "safety.mailbox.close_button": ("☑️ 结束", "☑️ Close"),
    "safety.mailbox.closed": (
        "已结束这封信；写信人再写时会重新打开。",
        "Closed; it reopens if the writer writes again.",
    ),
    "safety.mailbox.already_closed": ("这封信已经结束了。", "This letter is already closed."),
    "safety.mailbox.gone": ("这封信已不存在。", "This letter no longer exists."),
    "safety.mailbox.ask_reply": (
        "请输入回复（{limit} 字以内），会匿名送达写信人。发送 /cancel 可取消。",
        "Type your reply (up to {limit} characters); it reaches the writer. Send /cancel to stop.",
    ),
    "safety.mailbox.reply_sent": (
        "✅ 回复已送达 #{number} 的写信人。",
        "✅ Reply delivered to the writer of #{number}.",
    ),
    "safety.mailbox.reply_waiting": (
        "✅ 回复已保存。暂时无法推送给 #{number} 的写信人，对方打开 /mailbox 时会看到。",
        "✅ Reply saved. It could not be pushed to the writer of #{number}; they will see it in /mailbox.",
    ),
    # Consent and /mydata.
    "safety.consent.thanks": (
        "✅ 谢谢！已记录您同意学校保存 {name} 的档案。您可以随时发送 /mydata 查看或申请删除。",
        "✅ Thank you. Your consent to the school keeping {name}'s record is noted. Send /mydata any time to see "
        "it or to ask for erasure.",
    ),
    "safety.consent.ask_paper": (
        "请输入在纸质同意书上签字的人及关系，例如：母亲 王芳。",
        "Type who signed the paper consent and their relationship, e.g. mother Wang Fang.",
    ),
    "safety.consent.paper_saved": (
        "✅ 已登记 {name} 的书面同意（{who}）。",
        "✅ Paper consent for {name} noted ({who}).",
    ),
    "safety.mydata.not_guardian": (
        "这个功能供已绑定孩子的家长使用。请先通过班主任发来的邀请链接绑定。",
        "This is for parents bound to a child. Bind first through the head teacher's invitation link.",
    ),
    "safety.mydata.consent_missing": (
        "❗ 您还没有同意学校保存这份档案。",
        "❗ You have not yet consented to the school keeping this record.",
    ),
    "safety.mydata.consent_given": ("✅ 您已于 {date} 同意学校保存这份档案。", "✅ Consent recorded on {date}."),
    "safety.mydata.other_records": (
        "学校还保存有：安全问题记录 {concerns} 条；心理辅导 {sessions} 次（内容保密）。关怀记录由老师填写。",
        "The school also holds: {concerns} safety concern record(s); {sessions} counselling session(s) "
        "(content confidential). Teachers keep care records.",
    ),
    "safety.mydata.rights": (
        "您可以要求更正错误的信息，或要求删除孩子的全部数据。",
        "You may ask for wrong details to be corrected, or for all of your child's data to be erased.",
    ),
    "safety.mydata.consent_button": ("✅ 我同意学校保存档案", "✅ I consent to the record"),
    "safety.mydata.correct_button": ("✏️ 申请更正", "✏️ Ask for a correction"),
    "safety.mydata.erase_button": ("🗑 申请删除", "🗑 Ask for erasure"),
    "safety.mydata.ask_correction": (
        "请写下哪里不对、应该是什么（500 字以内）。学校会核实后更正。",
        "Write what is wrong and what it should be (500 characters at most). The school checks and corrects it.",
    ),
    "safety.mydata.correction_sent": (
        "✅ 已转交学校，核实后会更正。",
        "✅ Sent to the school; they will check and correct it.",
    ),
    "safety.mydata.erase_explain": (
        "申请删除后，学校管理员核实后会删除孩子的档案、关怀记录和您的绑定，无法恢复。确定申请吗？",
        "If you ask for erasure, once an administrator checks it the child's record, care records and your "
        "binding are deleted for good. Send the request?",
    ),
    "safety.mydata.erase_confirm": ("确定申请删除", "Yes, ask for erasure"),
    "safety.mydata.erase_requested": (
        "✅ 删除申请已提交，管理员处理后会删除。",
        "✅ Erasure requested; an administrator will carry it out.",
    ),
    "safety.request.erasure_notice": (
        "🗑 监护人申请删除 {name}（编号 {id}）的数据。发送 /erase 处理。",
        "🗑 A guardian asked for {name}'s data (number {id}) to be erased. Send /erase to handle it.",
    ),
    "safety.request.correction_notice": (
        "✏️ 监护人申请更正 {name}（编号 {id}）的档案：\n{detail}",
        "✏️ A guardian asked for a correction to {name}'s record (number {id}):\n{detail}",
    ),
    # Erasure.
    "safety.erase.nothing": (
        "没有待处理的删除申请，也没有超过保存期限的档案。要删除某个孩子的数据，请在联系卡上点“删除数据”。",
        "No erasure requests and no records past retention. To erase a child, use “Erase data” on the card.",
    ),
    "safety.erase.header": ("<b>待删除</b>", "<b>Waiting for erasure</b>"),
    "safety.erase.request_line": ("• {name}（编号 {id}）：监护人申请", "• {name} (number {id}): guardian's request"),
    "safety.erase.expired_line": (
        "• {name}（编号 {id}）：已离校，超过保存期限",
        "• {name} (number {id}): left school, past retention",
    ),
    "safety.erase.button": ("🗑 {name}", "🗑 {name}"),
    "safety.erase.confirm": (
        "⚠️ 确定永久删除 <b>{name}</b>（编号 {id}）的全部数据吗？"
        "档案、关怀记录、安全问题、辅导记录和监护人绑定都会被删除，"
        "无法恢复；审计日志只保留“谁在何时删除”。",
        "⚠️ Erase all of <b>{name}</b>'s data (number {id}) for good? The record, care records, concerns, counselling "
        "records and guardian bindings are deleted; the audit keeps only who erased it and when.",
    ),
    "safety.erase.confirm_button": ("🗑 确定删除", "🗑 Erase"),
    "safety.erase.done": ("✅ 编号 {id} 的数据已删除（{rows} 行）。", "✅ Data of number {id} erased ({rows} rows)."),
    "safety.erase.gone": ("这份档案已经删除了。", "This record was already erased."),
    # Audit viewer.
    "safety.audit.ask": ("请在命令后输入孩子的姓名，例如：/audit 张小明", "Type the child's name, e.g. /audit Zhang"),
    "safety.audit.header": (
        "<b>{name} 的访问记录（共 {total} 条，最新在前）</b>",
        "<b>{name}: {total} audit entries, newest first</b>",
    ),
    "safety.audit.line": ("{at} · {who} · {action} {detail}", "{at} · {who} · {action} {detail}"),
    # Backups.
    "safety.backup.no_passphrase": (
        "尚未在配置中设置备份密码（backup.passphrase），无法发送加密备份。",
        "No backup passphrase (backup.passphrase) is configured, so no encrypted backup can be sent.",
    ),
    "safety.backup.caption": (
        "🔒 加密备份 {name}。用配置中的备份密码，通过 python -m bot restore 恢复。",
        "🔒 Encrypted backup {name}. Restore it with python -m bot restore and the configured passphrase.",
    ),
    # --- mandatory reporting as the 2020 rules have it (高检发〔2020〕9号) ---
    "safety.kind.intimate_injury": ("生殖器官或隐私部位遭受或疑似遭受非正常损伤", "Injury to the private parts"),
    "safety.kind.sexual_under14": (
        "不满14周岁女童遭受或疑似遭受性侵害、怀孕、流产",
        "A girl under 14: sexual abuse, pregnancy or abortion",
    ),
    "safety.kind.sexual_pregnancy": (
        "14周岁以上女性未成年人因性侵害怀孕、流产",
        "A girl of 14 or more: pregnancy or abortion from sexual abuse",
    ),
    "safety.kind.violence": (
        "多处损伤、严重营养不良、意识不清，疑似家暴、欺凌、虐待、殴打",
        "Many injuries, malnutrition or unconscious; suspected violence, bullying, abuse",
    ),
    "safety.kind.abnormal_harm": (
        "因自杀、自残、中毒、殴打等非正常原因伤残、死亡",
        "Disabled or dead from suicide, self-harm, poisoning, beating",
    ),
    "safety.kind.abandoned": ("被遗弃或长期无人照料", "Abandoned or long left without care"),
    "safety.kind.trafficked": ("来源不明、失踪或被拐卖、收买", "Of unknown origin, missing, trafficked"),
    "safety.kind.begging": ("被组织乞讨", "Organised begging"),
    "safety.kind.danger": (
        "其他严重侵害身心健康或正面临不法侵害危险",
        "Other serious harm, or facing the danger of it",
    ),
    "safety.concern.police_duty": (
        "⚠️ 这属于强制报告情形，须立即向公安机关报案。报案后，管理员在提醒里点「☑️ 结案」→「已报告公安机关」，"
        "记下报案时间、公安机关和回执编号。",
        '⚠️ The law says this must be reported to the police at once. Once it is, an admin presses "☑️ Close" → '
        '"Reported to the police" on the alert and records the time, the police unit and the receipt number.',
    ),
    "safety.police.ask_unit": (
        "第 {id} 号：向哪个公安机关报的案？（如「××派出所」，{limit} 字以内）",
        "No. {id}: which police unit took the report? (e.g. a station's name, up to {limit} characters)",
    ),
    "safety.police.ask_receipt": (
        "受案回执（或报警记录）的编号是？（{limit} 字以内）",
        "The number on the receipt (or of the call record)? (up to {limit} characters)",
    ),
    "safety.police.ask_time": (
        "什么时候报的案、公安机关受理的？点「刚刚」，或输入时间，如 14:30 或 2026-03-08 14:30。",
        'When was it reported and accepted? Press "Just now", or type a time such as 14:30 or 2026-03-08 14:30.',
    ),
    "safety.police.just_now": ("刚刚", "Just now"),
    "safety.police.bad_time": (
        "请输入报案时间，如 14:30（今天）或 2026-03-08 14:30，不能晚于现在，也不能早于一年前。",
        "Type when it was reported, such as 14:30 (today) or 2026-03-08 14:30: not later than now, not more than a "
        "year ago.",
    ),
    "safety.police.recorded": (
        "☑️ 第 {id} 号已记录报案并结案。收到公安机关反馈后请点下面的按钮记下；{days} 天内没有记录反馈，会提醒管理员。",
        "☑️ No. {id}: the report to the police is recorded and the concern closed. When the police give feedback, "
        "record it with the button below; if none is recorded within {days} days, the admins are reminded.",
    ),
    "safety.police.reminder": (
        "⏰ 第 {id} 号（{kind}）已向{unit}报案（回执 {receipt}）{days} 天，还没有记录公安机关的反馈。"
        "请跟进，并在收到后点下面的按钮记下。",
        "⏰ No. {id} ({kind}) was reported to {unit} (receipt {receipt}) {days} days ago and no feedback from the "
        "police is recorded yet. Please follow it up and record the feedback with the button below.",
    ),
    "safety.police.ask_feedback": (
        "第 {id} 号（{unit}，回执 {receipt}）：公安机关的反馈是什么？（{limit} 字以内）",
        "No. {id} ({unit}, receipt {receipt}): what feedback did the police give? (up to {limit} characters)",
    ),
    "safety.police.feedback_saved": ("✅ 第 {id} 号的反馈已记录。", "✅ Feedback on No. {id} recorded."),
    "safety.button.feedback": ("📝 记录公安反馈", "📝 Record the police's feedback"),
    "safety.button.register": ("📒 强制报告登记簿（Excel）", "📒 Register of reports (Excel)"),
    "safety.register.file_name": ("强制报告登记簿.xlsx", "register-of-reports.xlsx"),
    "safety.register.caption": ("📒 强制报告登记簿：共 {count} 条。", "📒 Register of reports: {count} in all."),
    "safety.register.sheet": ("强制报告登记", "Register of reports"),
    "safety.register.status_closed": ("已结案", "Closed"),
    "safety.register.col.id": ("编号", "No."),
    "safety.register.col.child": ("儿童", "Child"),
    "safety.register.col.class": ("班级", "Class"),
    "safety.register.col.kind": ("情形", "Situation"),
    "safety.register.col.occurred": ("发现日期", "Found on"),
    "safety.register.col.reported": ("校内报告时间", "Reported in school"),
    "safety.register.col.reporter": ("报告人", "Reported by"),
    "safety.register.col.status": ("状态", "Status"),
    "safety.register.col.outcome": ("处理结果", "Outcome"),
    "safety.register.col.police_at": ("报案时间", "Reported to the police"),
    "safety.register.col.police_unit": ("受案公安机关", "Police unit"),
    "safety.register.col.receipt": ("回执编号", "Receipt No."),
    "safety.register.col.feedback": ("公安反馈", "Police feedback"),
    "safety.register.col.feedback_at": ("反馈记录时间", "Feedback recorded"),
    "audit.action.concern.police": ("记录向公安机关报案", "recorded a report to the police"),
    "audit.action.concern.feedback": ("记录公安反馈", "recorded the police's feedback"),
    "audit.action.concern.register": ("导出强制报告登记簿", "exported the register of reports"),
    "audit.action.civil.roster": ("导出留守儿童花名册", "exported the civil-affairs roster"),
    "flow.name.concern_feedback": ("记录公安反馈", "recording the police's feedback"),
}
