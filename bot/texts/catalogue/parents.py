"""The parents' half of the plan: the entrusted carer in writing (委托照护), notices, the weekly update's ✅."""

MESSAGES: dict[str, tuple[str, str]] = {
    "cmd.guardian": ("委托照护：填写或确认孩子的委托照护人", "entrusted carer: name or confirm your child's carer"),
    "cmd.notice": ("通知：给家长发通知，查看谁还没确认", "notices: send one to families, see who has not confirmed"),
    "audit.action.parents.designation": ("确认委托照护人", "confirmed the entrusted carer"),
    "audit.action.parents.notice": ("发送通知", "sent a notice"),
    "audit.access.guardian_designation": ("填写委托照护", "name the entrusted carer"),
    "audit.access.send_notice": ("发送通知", "send a notice"),
    "flow.name.guardian": ("填写委托照护", "naming the entrusted carer"),
    "flow.name.notice": ("写通知", "writing a notice"),
    # --- /guardian ---
    "guardian.not_parent": (
        "只有已绑定孩子的家长可以填写委托照护。",
        "Only a parent bound to a child can name the carer.",
    ),
    "guardian.pick_child": ("请选择孩子：", "Choose the child:"),
    "guardian.current": (
        "<b>请确认：{child}现在由谁照护？</b>\n照护人：{name}（{relation}）\n电话：{phone}\n地址：{address}\n"
        "上次确认：{date}",
        "<b>Please confirm who looks after {child} now.</b>\nCarer: {name} ({relation})\nPhone: {phone}\n"
        "Address: {address}\nLast confirmed: {date}",
    ),
    "guardian.same": ("✅ 没有变化，确认", "✅ No change, confirm"),
    "guardian.change": ("✏️ 有变化，重新填写", "✏️ It changed, fill in again"),
    "guardian.ask_name": (
        "<b>请写下照护人的姓名</b>（外出期间，由谁在家照顾{child}）。",
        "<b>Type the carer's name</b> (who looks after {child} at home while you are away).",
    ),
    "guardian.use_card": ("用登记的：{value}", "Use the one on file: {value}"),
    "guardian.ask_relation": (
        "<b>照护人是孩子的什么人？</b>请点一个：",
        "<b>How is the carer related to the child?</b>",
    ),
    "guardian.relation.grandfather_paternal": ("爷爷", "paternal grandfather"),
    "guardian.relation.grandmother_paternal": ("奶奶", "paternal grandmother"),
    "guardian.relation.grandfather_maternal": ("外公", "maternal grandfather"),
    "guardian.relation.grandmother_maternal": ("外婆", "maternal grandmother"),
    "guardian.relation.relative": ("其他亲戚", "another relative"),
    "guardian.relation.other": ("其他人（邻居、朋友）", "someone else (neighbour, friend)"),
    "guardian.ask_phone": (
        "<b>请写下照护人的电话</b>（11位手机号）。",
        "<b>Type the carer's phone</b> (11-digit mobile).",
    ),
    "guardian.ask_address": (
        "<b>请写下照护人的住址</b>（孩子实际住在哪里）。",
        "<b>Type the carer's address</b> (where the child lives).",
    ),
    "guardian.ask_conditions": (
        "<b>请逐条确认照护人符合法律要求</b>（《未成年人保护法》第二十二条），"
        "符合的请点一下打 ✔，全部打 ✔ 后点「提交」：",
        "<b>Tick each condition the law sets for the carer</b> (Law on the Protection of Minors, Art. 22), then "
        "press Submit:",
    ),
    "guardian.condition.capable": (
        "成年、有完全民事行为能力，身体和精力能照顾孩子",
        "an adult with full civil capacity, fit and able to care for the child",
    ),
    "guardian.condition.no_harm": (
        "没有性侵害、虐待、遗弃、拐卖、暴力伤害等违法犯罪行为",
        "never committed sexual abuse, maltreatment, abandonment, trafficking or violence",
    ),
    "guardian.condition.no_habits": ("没有吸毒、酗酒、赌博等恶习", "no drug, alcohol or gambling habits"),
    "guardian.condition.no_neglect": (
        "没有拒不履行或长期不尽监护、照护责任的情况",
        "never refused or long neglected the duty to care for a child",
    ),
    "guardian.condition.considered": (
        "已考虑照护人的品德、家庭、身心健康和与孩子的感情，并听过孩子的意见",
        "considered the carer's character, family, health and bond with the child, and heard the child",
    ),
    "guardian.ticked": ("✔ {condition}", "✔ {condition}"),
    "guardian.unticked": ("☐ {condition}", "☐ {condition}"),
    "guardian.submit": ("提交", "Submit"),
    "guardian.not_all": (
        "还有没打 ✔ 的条目。法律规定：有一条不符合，就不能委托这个人照护。请另选照护人，或联系班主任商量。",
        "Some conditions are not ticked. The law says such a person may not be the carer: choose another carer, "
        "or talk to the head teacher.",
    ),
    "guardian.saved": (
        "✅ 已书面告知学校：{child}由{name}照护（{date}）。每个学年请再确认一次。",
        "✅ The school has it in writing: {name} looks after {child} ({date}). Please confirm once every school year.",
    ),
    "guardian.hint": (
        "请按提示填写，或点按钮；/cancel 取消。",
        "Answer the question or press a button; /cancel to stop.",
    ),
    "guardian.bad_phone": (
        "电话号码不对，请写11位手机号，例如 13812345678。",
        "That phone is not right: 11 digits, e.g. 13812345678.",
    ),
    "guardian.too_long": ("太长了，请写短一些（{limit}字以内）。", "Too long: at most {limit} characters."),
    "guardian.to_other_parent": (
        "<b>{child}的委托照护人已确认：</b>{name}（{relation}），由{parent}于{date}确认。"
        "如有不对，请发 /guardian 修改。",
        "<b>{child}'s carer was confirmed:</b> {name} ({relation}), by {parent} on {date}. If it is wrong, send "
        "/guardian.",
    ),
    "guardian.to_teacher": (
        "<b>{child}的委托照护人有变化：</b>现在由{name}（{relation}，电话 {phone}）照护。{parent}于{date}书面告知。",
        "<b>{child}'s entrusted carer changed:</b> now {name} ({relation}, phone {phone}). Told in writing by "
        "{parent} on {date}.",
    ),
    "guardian.yearly": (
        "<b>新学年请确认：{child}现在由谁照护？</b>点下面的按钮，一分钟就好。",
        "<b>New school year: who looks after {child} now?</b> Press the button below; it takes a minute.",
    ),
    "guardian.yearly_button": ("确认委托照护人", "Confirm the carer"),
    "guardian.card_line": ("书面告知 {date} ✔", "told in writing {date} ✔"),
    "guardian.card_none": ("书面告知：还没有", "told in writing: not yet"),
    # --- /notice ---
    "notice.menu": ("通知：", "Notices:"),
    "notice.new": ("✏️ 写新通知", "✏️ New notice"),
    "notice.list": ("📋 已发的通知", "📋 Notices sent"),
    "notice.ask_audience": ("<b>发给谁？</b>", "<b>Who should get it?</b>"),
    "notice.audience.school": ("全校家长", "every family of the school"),
    "notice.audience.left_school": ("全校父母都外出的家庭", "the school's families with both parents away"),
    "notice.audience.grade": ("{grade}全体家长", "every family of {grade}"),
    "notice.audience.class": ("{label}全体家长", "every family of {label}"),
    "notice.audience.left_class": ("{label}父母都外出的家庭", "{label}: families with both parents away"),
    "notice.ask_template": ("<b>用现成的通知，还是自己写？</b>", "<b>Use a ready notice, or write your own?</b>"),
    "notice.template.own": ("自己写", "write my own"),
    "notice.template.drowning": ("防溺水暑期安全", "summer safety: drowning"),
    "notice.template.law": ("未成年人保护法", "the law that protects children"),
    "notice.template.family": ("家庭教育", "family education"),
    "notice.text.drowning": (
        "【防溺水安全提醒】暑假到了，请家长务必做到：孩子不私自下水游泳，不到无大人看护的水域玩耍，不在河边、塘边、水库边"
        "逗留；发现有人落水，要大声呼救、找大人，不要手拉手下水救人。请每天知道孩子在哪里、和谁在一起。",
        "[Drowning safety] The summer holiday has begun. Please make sure your child never swims alone, never plays "
        "by water without an adult, and does not linger by rivers, ponds or reservoirs; if someone falls in, shout "
        "and fetch an adult, never wade in hand in hand. Know every day where your child is and with whom.",
    ),
    "notice.text.law": (
        "【法律知识】《未成年人保护法》规定：父母外出务工不能照顾孩子时，应委托有照护能力的成年人照护，并书面告知学校；"
        "至少每周和孩子、照护人联系一次，了解孩子的生活、学习和心情。请发 /guardian 告诉学校孩子由谁照护。",
        "[The law] The Law on the Protection of Minors says: parents working away must entrust the child to an adult "
        "able to care, tell the school in writing, and keep in touch with the child and the carer at least once a "
        "week. Send /guardian to tell the school who looks after your child.",
    ),
    "notice.text.family": (
        "【家庭教育】孩子最需要的是陪伴和倾听。每周固定时间和孩子通话，多问问他今天开心吗、和谁玩、有什么难处；"
        "多表扬、少指责；和照护的老人一起关心孩子的作业和睡眠。有困难可以随时联系班主任。",
        "[Family education] What a child needs most is to be listened to. Call at a fixed time every week, ask whether "
        "they were happy today, who they played with, what is hard; praise more, blame less; look after homework "
        "and sleep together with the carer. The head teacher is there whenever you need help.",
    ),
    "notice.ask_text": (
        "<b>请发通知的内容。</b>可以直接发文字；也可以发一张图片、一个文件或一段语音（配的文字作为说明）。发好后点「下一步」。",
        "<b>Send the notice.</b> Text, or a photo, a document or a voice message (its caption is the text). Then "
        "press Next.",
    ),
    "notice.draft": (
        "<b>通知内容：</b>\n{text}{media}\n\n可以再发文字来修改，或发图片、文件、语音；好了点「下一步」。",
        "<b>The notice:</b>\n{text}{media}\n\nSend text again to change it, or a photo, document or "
        "voice; then press Next.",
    ),
    "notice.media.photo": ("\n📷 附图片", "\n📷 with a photo"),
    "notice.media.document": ("\n📎 附文件", "\n📎 with a document"),
    "notice.media.voice": ("\n🎤 附语音", "\n🎤 with a voice message"),
    "notice.next": ("下一步", "Next"),
    "notice.empty": (
        "通知还没有内容，请先发文字、图片、文件或语音。",
        "The notice is empty: send text, a photo, a document or voice first.",
    ),
    "notice.too_long": ("内容太长了，请在{limit}字以内。", "Too long: at most {limit} characters."),
    "notice.ask_kind": ("<b>家长收到后要做什么？</b>", "<b>What should families do with it?</b>"),
    "notice.kind.read": ("只需阅读", "just read it"),
    "notice.kind.confirm": ("点「✅ 收到」确认", "confirm with ✅ Received"),
    "notice.kind.answer": ("从几个选项里选一个", "choose one of a few answers"),
    "notice.ask_choices": (
        "<b>请写下选项，每行一个</b>（2到4个，每个不超过12个字），例如：\n参加\n不参加",
        "<b>Type the choices, one a line</b> (2 to 4, each at most 12 characters), e.g.:\nwill come\nwill not come",
    ),
    "notice.bad_choices": (
        "需要2到4个选项，每行一个，每个不超过12个字。",
        "2 to 4 choices, one a line, each at most 12 characters.",
    ),
    "notice.preview": (
        "<b>请核对：</b>发给{audience}，共 {families} 户家长；{kind}。\n\n{text}",
        "<b>Check:</b> to {audience}, {families} families; {kind}.\n\n{text}",
    ),
    "notice.send": ("发送", "Send"),
    "notice.nobody": (
        "这个范围里还没有绑定的家长，通知没有发出。",
        "No bound families in that audience: nothing was sent.",
    ),
    "notice.sent": (
        "✅ 通知已排队发送给 {families} 户家长（夜间免打扰时段会顺延到早上）。{reminder}",
        "✅ The notice is queued for {families} families (held until morning in quiet hours). {reminder}",
    ),
    "notice.reminder_note": (
        "{hours}小时后还没回复的家长会自动再收到一次提醒。",
        "Those who have not answered in {hours} h get one reminder.",
    ),
    "notice.hint": (
        "请按提示发内容或点按钮；/cancel 取消。",
        "Send what the step asks or press a button; /cancel to stop.",
    ),
    "notice.none_sent": ("您还没有发过通知。", "You have not sent any notice yet."),
    "notice.list_head": (
        "<b>您发的通知</b>（点一条看谁还没回复）：",
        "<b>Your notices</b> (press one to see who has not answered):",
    ),
    "notice.list_item": ("{date} {title} · {answered}/{families}", "{date} {title} · {answered}/{families}"),
    "notice.status": (
        "<b>通知：</b>{title}\n{kind}，共 {families} 户，已回复 {answered} 户。\n{classes}",
        "<b>Notice:</b> {title}\n{kind}, {families} families, {answered} answered.\n{classes}",
    ),
    "notice.status_class": (
        "{label}：{answered}/{families}，未回复：{waiting}",
        "{label}: {answered}/{families}, not yet: {waiting}",
    ),
    "notice.status_class_done": ("{label}：{answered}/{families} ✅", "{label}: {answered}/{families} ✅"),
    "notice.status_choice": ("「{choice}」{count} 户", "“{choice}”: {count}"),
    "notice.status_read": ("只需阅读的通知，不需要回复。", "A notice just to read: no answer is asked."),
    "notice.gone": ("这条通知已经不在了。", "That notice is no longer there."),
    "notice.lead.read": ("<b>学校通知，请阅读：</b>", "<b>A notice from the school, please read:</b>"),
    "notice.lead.confirm": (
        "<b>请看完后点下面「✅ 收到」：</b>",
        "<b>Please read it, then press ✅ Received below:</b>",
    ),
    "notice.lead.answer": ("<b>请点下面的按钮选一个回答：</b>", "<b>Please press one of the answers below:</b>"),
    "notice.body": ("{lead}\n{text}", "{lead}\n{text}"),
    "notice.choice_label": ("{choice}", "{choice}"),
    "notice.confirm_button": ("✅ 收到", "✅ Received"),
    "notice.thanks": ("✅ 已收到您的确认，谢谢！", "✅ Thank you, your confirmation is in."),
    "notice.answered": ("✅ 已收到您的回答：{choice}。谢谢！", "✅ Thank you, your answer is in: {choice}."),
    "notice.again": ("您已经回复过了，谢谢。", "You have answered already, thank you."),
    "notice.not_yours": ("这条通知不是发给您的。", "This notice was not sent to you."),
    "notice.reminder": (
        "<b>提醒：学校的通知您还没有回复，请点下面的按钮。</b>\n{text}",
        "<b>Reminder: you have not answered the school's notice yet; please press a button below.</b>\n{text}",
    ),
    # --- the weekly update ---
    "weekly.ack_button": ("✅ 已读", "✅ Read"),
    "weekly.acked": ("✅ 谢谢，已记下您看过本周的周报。", "✅ Thank you: noted that you read this week's update."),
    "weekly.ack_old": ("谢谢！", "Thank you!"),
    "weekly.unread_to_teacher": (
        "<b>{parent}（{child}的家长）已经连续4周没有点开周报。</b>方便时请打个电话问问情况。",
        "<b>{parent} ({child}'s family) has not opened the weekly update for 4 weeks running.</b> A call may help.",
    ),
}
