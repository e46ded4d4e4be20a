"""Green channel (绿色通道): family-call reminders, mentor digests, the weekly update to parents, parent messages,
message settings, alerts to staff."""

MESSAGES: dict[str, tuple[str, str]] = {
    # Command menu and flows.
    "cmd.callplan": ("设置亲情电话时间", "Set a family-call plan"),
    "cmd.contact": ("给班主任留言 / 查看亲情联系情况", "Message the head teacher / see family contact"),
    "cmd.settings": ("消息设置：语言、周报、停止消息", "Message settings: language, weekly update, stop all"),
    "cmd.parentnote": ("写几句话给家长（放进周报）", "A note for parents in the weekly update"),
    "flow.name.green_note": ("给家长写几句话", "writing a note for parents"),
    "green.note.pick": (
        "📝 要给哪个孩子的家长写几句话？请点选，或输入姓名查找：",
        "📝 Which child's parents is the note for? Tap one, or type a name to search:",
    ),
    "green.note.pick_more": (
        "📝 要给哪个孩子的家长写几句话？这里列出 {total} 个中的 {shown} 个，可输入姓名查找：",
        "📝 Which child's parents is the note for? Showing {shown} of {total}; type a name to search:",
    ),
    "green.note.pick_first": ("请先点选孩子，或输入姓名查找。", "Please pick the child first, or type a name."),
    "green.note.ask": (
        "请写下想让 <b>{child}</b> 的家长知道的话（最多 {limit} 字），会放进这周的周报：",
        "Write what <b>{child}</b>'s parents should know (up to {limit} characters); it goes into this week's update:",
    ),
    "green.note.saved": (
        "✅ 已保存，会出现在 <b>{child}</b> 家长本周的周报里。",
        "✅ Saved; it will appear in this week's update to <b>{child}</b>'s parents.",
    ),
    "flow.name.green_plan": ("设置亲情电话", "setting a family-call plan"),
    "flow.name.green_write": ("给班主任留言", "writing to the head teacher"),
    "flow.name.green_answer": ("答复家长", "answering a parent"),
    # Shared pieces.
    "green.sep": ("、", ", "),
    "green.more": ("……还有 {count} 个", " … and {count} more"),
    "green.moment": ("{month_name}{day}日 {weekday} {time}", "{weekday} {day} {month_name} {time}"),
    "green.weekday.0": ("周一", "Mon"),
    "green.weekday.1": ("周二", "Tue"),
    "green.weekday.2": ("周三", "Wed"),
    "green.weekday.3": ("周四", "Thu"),
    "green.weekday.4": ("周五", "Fri"),
    "green.weekday.5": ("周六", "Sat"),
    "green.weekday.6": ("周日", "Sun"),
    "green.month.1": ("1月", "Jan"),
    "green.month.2": ("2月", "Feb"),
    "green.month.3": ("3月", "Mar"),
    "green.month.4": ("4月", "Apr"),
    "green.month.5": ("5月", "May"),
    "green.month.6": ("6月", "Jun"),
    "green.month.7": ("7月", "Jul"),
    "green.month.8": ("8月", "Aug"),
    "green.month.9": ("9月", "Sep"),
    "green.month.10": ("10月", "Oct"),
    "green.month.11": ("11月", "Nov"),
    "green.month.12": ("12月", "Dec"),
    # Family-call plans (/callplan).
    "green.plan.weekly": ("每{weekday} {time}", "every {weekday} at {time}"),
    "green.plan.interval": ("每 {days} 天一次，{time}", "every {days} days at {time}"),
    "green.plan.no_plan": ("还没有约定亲情电话", "no family-call plan yet"),
    "green.plan.pick": (
        "📞 要为哪个孩子约定亲情电话？请点选，或输入姓名查找：",
        "📞 Which child is the family-call plan for? Tap one, or type a name to search:",
    ),
    "green.plan.pick_more": (
        "📞 要为哪个孩子约定亲情电话？这里列出 {total} 个中的 {shown} 个，可输入姓名查找：",
        "📞 Which child is the plan for? Showing {shown} of {total}; type a name to search:",
    ),
    "green.plan.no_children": (
        "您负责的班级里还没有登记孩子，无法设置亲情电话。",
        "There are no children registered in your classes yet, so there is no plan to set.",
    ),
    "green.plan.none_found": (
        "没有找到这个名字的孩子，请换个写法再输入，或发送 /cancel 取消。",
        "No child by that name. Try another spelling, or send /cancel to stop.",
    ),
    "green.plan.ask_rhythm": (
        "<b>{child}</b> 现在：{current}\n\n和家长商量好后，请选每周哪一天通话，或选“每隔几天”：",
        "<b>{child}</b> now: {current}\n\nAfter agreeing with the parent, choose the day of the week for the call, "
        "or “every few days”:",
    ),
    "green.plan.every_n": ("每隔几天", "Every few days"),
    "green.plan.off": ("停止亲情电话提醒", "Stop the reminders"),
    "green.plan.ask_interval": (
        "每隔几天通一次电话？请输入 1 到 60 之间的数字，例如 3：",
        "How many days between calls? Type a number from 1 to 60, for example 3:",
    ),
    "green.plan.bad_interval": (
        "请输入 1 到 {maximum} 之间的整数，例如 3。",
        "Please type a whole number from 1 to {maximum}, for example 3.",
    ),
    "green.plan.ask_time": (
        "几点通话？请按 24 小时制输入时间，例如 19:00（北京时间）：",
        "At what time? Type it in 24-hour form, for example 19:00 (school time):",
    ),
    "green.plan.bad_time": (
        "这个时间不对。请输入像 19:00 或 7:30 这样的时间（小时 0–23，分钟 00–59）。",
        "That is not a time. Please type a time like 19:00 or 7:30 (hours 0–23, minutes 00–59).",
    ),
    "green.plan.quiet_time": (
        "{start} 到 {end} 是休息时间，这段时间不发提醒。请选一个 {end} 到 {start} 之间的时间，例如 19:00。",
        "From {start} to {end} is rest time and no reminders are sent. Please choose a time between {end} and "
        "{start}, for example 19:00.",
    ),
    "green.plan.saved": (
        "✅ 已保存 <b>{child}</b> 的亲情电话：{plan}。\n下一次：{next}。到时会提醒已绑定的家长。",
        "✅ Saved the family-call plan for <b>{child}</b>: {plan}.\nNext call: {next}. The bound parents will "
        "be reminded.",
    ),
    "green.plan.stopped": (
        "已停止 <b>{child}</b> 的亲情电话提醒。",
        "The family-call reminders for <b>{child}</b> are stopped.",
    ),
    "green.plan.hint": (
        "请按上一条消息的提示回答（点按钮，或输入文字），或发送 /cancel 取消。",
        "Please answer the last question (tap a button or type), or send /cancel to stop.",
    ),
    # Family-call reminders.
    "green.call.reminder": (
        "📞 <b>亲情电话提醒</b>\n现在（{when}）是和 <b>{child}</b> 约好通电话的时间（{plan}）。\n"
        "孩子很想听到您的声音。打完后请点下面的按钮告诉老师：",
        "📞 <b>Family call reminder</b>\nIt is time ({when}) for the call you agreed with <b>{child}</b> ({plan}).\n"
        "Your child looks forward to hearing you. After the call, please tap a button below:",
    ),
    "green.call.called": ("✅ 已经通过电话", "✅ We talked"),
    "green.call.no_answer": ("📵 没有打通", "📵 Couldn't get through"),
    "green.call.snooze": ("⏰ 一小时后再提醒我", "⏰ Remind me in an hour"),
    "green.call.done_called": (
        "✅ 谢谢！已记下您和 <b>{child}</b> 通了电话。",
        "✅ Thank you! Your call with <b>{child}</b> is noted.",
    ),
    "green.call.done_no_answer": (
        "已记下这次没有打通。方便的时候请再试一次，也可以用 /contact 给班主任留言。",
        "Noted that the call did not get through. Please try again when you can, or message the head teacher "
        "with /contact.",
    ),
    "green.call.done_snoozed": ("⏰ 好的，一小时后再提醒您。", "⏰ All right, I will remind you again in an hour."),
    "green.call.duplicate": (
        "这次通话（{child}）您已经回答过了，不用再点。",
        "You have already answered for this call ({child}); no need to tap again.",
    ),
    "green.call.too_many": (
        "这次通话（{child}）已经推迟过几次了，不再提醒。打完后请点“已经通过电话”。",
        "This call ({child}) has been put off several times; no more reminders. Tap “We talked” after the call.",
    ),
    "green.call.stale": (
        "这条提醒是 {when} 那一次的（{child}），已经过期，没有记录。请回答最新的提醒。",
        "This reminder was for the call on {when} ({child}) and is out of date; nothing was recorded. Please "
        "answer the latest reminder.",
    ),
    "green.call.no_plan": (
        "<b>{child}</b> 的亲情电话已经停止，这条提醒不再需要回答。",
        "The family-call plan for <b>{child}</b> has been stopped; this reminder needs no answer.",
    ),
    "green.call.unbound": (
        "您现在没有绑定这个孩子，无法记录。如有疑问请联系班主任。",
        "You are not linked to this child any more, so nothing was recorded. Please contact the head teacher.",
    ),
    # No contact.
    "green.no_contact.never": ("还没有确认过通话", "no call confirmed yet"),
    "green.no_contact.alert": (
        "⚠️ <b>{child}</b> 已有 {days} 天没有确认的亲情电话。\n上一次联系：{last}。\n请和家长联系，了解情况。",
        "⚠️ <b>{child}</b> has had no confirmed family call for {days} days.\nLast contact: {last}.\n"
        "Please get in touch with the parents.",
    ),
    # Mentor digest.
    "green.mentor.digest": (
        "🤝 <b>今天的帮扶提醒</b>\n{lines}\n\n记录家访或谈心请用 /visit。",
        "🤝 <b>Today's mentoring reminders</b>\n{lines}\n\nLog a visit or talk with /visit.",
    ),
    "green.mentor.line_due": ("• {child}：今天该联系了", "• {child}: contact is due today"),
    "green.mentor.line_overdue": ("• {child}：已超期 {days} 天", "• {child}: overdue by {days} days"),
    # Weekly update to parents.
    "green.weekly.week_of": ("{month}月{day}日这一周", "the week of {day}/{month}"),
    "green.weekly.head": ("🌱 <b>{week}孩子在学校的情况</b>", "🌱 <b>How your child did at school, {week}</b>"),
    "green.weekly.child": ("<b>{child}</b>", "<b>{child}</b>"),
    "green.weekly.no_checkins": (
        "这周老师没有单独记录，说明一切照常。",
        "The teachers made no special note this week: everything as usual.",
    ),
    "green.weekly.checkins": (
        "这周老师关心了 {count} 次：学习{study}，生活{life}，心情{mood}，身体{health}。",
        "The teachers checked on your child {count} time(s) this week: study {study}, daily life {life}, "
        "mood {mood}, health {health}.",
    ),
    "green.rating.good": ("很好", "good"),
    "green.rating.fair": ("还可以", "all right"),
    "green.rating.care": ("需要多关心", "needs extra care"),
    "green.weekly.visits": (
        "老师和孩子或家里的联系：{items}。",
        "Teachers' contact with the child or family: {items}.",
    ),
    "green.visit.home_visit": ("家访 {count} 次", "{count} home visit(s)"),
    "green.visit.phone_call": ("电话 {count} 次", "{count} phone call(s)"),
    "green.visit.school_talk": ("谈心 {count} 次", "{count} talk(s) at school"),
    "green.weekly.note": ("班主任的话：{note}", "From the head teacher: {note}"),
    "green.weekly.next_call": ("下次亲情电话：{when}", "Next family call: {when}"),
    "green.weekly.foot": (
        "有话想对班主任说，请点“给班主任留言”。",
        "To say something to the head teacher, tap “Message the head teacher”.",
    ),
    "green.weekly.write": ("✉️ 给班主任留言", "✉️ Message the head teacher"),
    "green.weekly.settings": ("⚙️ 消息设置", "⚙️ Message settings"),
    # Admin digest.
    "green.digest.admin": (
        "📊 <b>本周汇总</b>\n近况记录 {checkins} 次，家访/电话/谈心 {visits} 次，家长确认亲情电话 {calls} 次。\n\n"
        "<b>⚠️ 高风险儿童：</b>{high_risk}\n<b>长时间没有亲情联系：</b>{no_contact}\n<b>帮扶超期：</b>{overdue}",
        "📊 <b>This week</b>\n{checkins} check-in(s), {visits} visit(s)/call(s)/talk(s), {calls} family call(s) "
        "confirmed by parents.\n\n<b>⚠️ High-risk children:</b> {high_risk}\n"
        "<b>No family contact for a long time:</b> {no_contact}\n"
        "<b>Mentor contact overdue:</b> {overdue}",
    ),
    "green.digest.none": ("无", "none"),
    # Unreachable parents.
    "green.unreachable.alert": (
        "⚠️ 消息发不到 <b>{child}</b> 的{relation} {parent}：对方可能屏蔽了本机器人。请用电话等其他方式联系。",
        "⚠️ Messages no longer reach {parent} ({relation} of <b>{child}</b>): they may have blocked the bot. "
        "Please get in touch another way, for example by phone.",
    ),
    # Parents write to the head teacher (/contact).
    "green.write.ask": (
        "请写下想对班主任说的话（一条消息，最多 1000 字），发送即可。发送 /cancel 取消。",
        "Please write what you would like to tell the head teacher (one message, up to 1000 characters). "
        "Send /cancel to stop.",
    ),
    "green.write.hint": (
        "请用文字写下留言，或发送 /cancel 取消。",
        "Please type your message as text, or send /cancel to stop.",
    ),
    "green.write.too_long": (
        "留言不能为空，也不能超过 {limit} 字，请改短一些再发。",
        "The message must not be empty or longer than {limit} characters; please shorten it.",
    ),
    "green.write.sent": (
        "✅ 已转给班主任。老师答复后会在这里告诉您。",
        "✅ Passed on to the head teacher. Their answer will arrive here.",
    ),
    "green.write.unbound": (
        "您现在没有绑定孩子，留言无法转给班主任。请直接联系学校。",
        "You are not linked to a child any more, so the message cannot go to a head teacher. Please contact "
        "the school directly.",
    ),
    "green.write.not_parent": (
        "这个功能是给已绑定孩子的家长用的。如需绑定，请向班主任要邀请链接。",
        "This is for parents linked to a child. Ask the head teacher for an invitation link.",
    ),
    "green.write.to_teacher": (
        "✉️ <b>家长留言</b>\n{parent}（{children}的家长）：\n{message}",
        "✉️ <b>Message from a parent</b>\n{parent} (parent of {children}):\n{message}",
    ),
    "green.write.answer_button": ("↩️ 答复", "↩️ Answer"),
    # Head teacher answers.
    "green.answer.ask": (
        "请写下给家长的答复，发送即可。发送 /cancel 取消。",
        "Please write your answer to the parent. Send /cancel to stop.",
    ),
    "green.answer.hint": (
        "请用文字写下答复，或发送 /cancel 取消。",
        "Please type your answer, or send /cancel to stop.",
    ),
    "green.answer.sent": ("✅ 答复已发给家长。", "✅ Your answer is on its way to the parent."),
    "green.answer.gone": ("找不到这条留言了。", "That message can no longer be found."),
    "green.answer.denied": (
        "这位家长的孩子不在您的班上，您不能答复。",
        "This parent's child is not in your class, so you cannot answer.",
    ),
    "green.answer.unbound": (
        "这位家长已经解除了和孩子的绑定，答复没有发送。",
        "This parent is no longer linked to a child; the answer was not sent.",
    ),
    "green.answer.to_parent": (
        "↩️ <b>班主任 {teacher} 的答复</b>\n您的留言：{question}\n\n{message}",
        "↩️ <b>Answer from the head teacher, {teacher}</b>\nYou wrote: {question}\n\n{message}",
    ),
    # /contact for staff.
    "green.contact.head": (
        "📞 <b>亲情联系情况</b>（{silent} 个孩子超过 {days} 天没有确认通话，标 ⚠️）",
        "📞 <b>Family contact</b> ({silent} child(ren) with no confirmed call for over {days} days, marked ⚠️)",
    ),
    "green.contact.line": ("• {child}：{plan}；上次通话：{last}", "• {child}: {plan}; last call: {last}"),
    "green.contact.line_flagged": (
        "⚠️ {child}：{plan}；上次通话：{last}",
        "⚠️ {child}: {plan}; last call: {last}",
    ),
    "green.contact.none": ("您目前没有负责的孩子。", "You have no children in your care at the moment."),
    # /settings.
    "green.settings.state": (
        "⚙️ <b>消息设置</b>\n每周情况：{weekly}\n所有消息：{all}\n\n语言可在下面切换。",
        "⚙️ <b>Message settings</b>\nWeekly update: {weekly}\nAll messages: {all}\n\nChoose a language below.",
    ),
    "green.settings.weekly_on": ("正在接收", "on"),
    "green.settings.weekly_off": ("已暂停", "paused"),
    "green.settings.all_on": ("正在接收", "on"),
    "green.settings.all_off": ("已停止（只回复您发来的消息）", "stopped (only answers to what you send)"),
    "green.settings.pause": ("⏸ 暂停每周情况", "⏸ Pause the weekly update"),
    "green.settings.resume": ("▶️ 恢复每周情况", "▶️ Resume the weekly update"),
    "green.settings.stop": ("🔕 停止所有消息", "🔕 Stop all messages"),
    "green.settings.start": ("🔔 恢复接收消息", "🔔 Receive messages again"),
    "green.settings.paused": ("已暂停每周情况。", "The weekly update is paused."),
    "green.settings.resumed": ("已恢复每周情况。", "The weekly update is back on."),
    "green.settings.stopped": (
        "已停止所有提醒和每周情况。您发来的消息仍会有回复。",
        "All reminders and weekly updates are stopped. You will still get answers to what you send.",
    ),
    "green.settings.started": ("已恢复接收消息。", "You will receive messages again."),
    "green.settings.lang_done": ("语言已切换。", "Language changed."),
}
