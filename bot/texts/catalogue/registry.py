"""The child registry: archive fields, /register, /child, the contact card (联系卡), editing."""

MESSAGES: dict[str, tuple[str, str]] = {
    # Field labels, in archive order.
    "field.name": ("姓名", "Name"),
    "field.sex": ("性别", "Sex"),
    "field.birth_date": ("出生日期", "Date of birth"),
    "field.class_id": ("班级", "Class"),
    "field.parents_away": ("外出务工情况", "Parents away"),
    "field.away_since": ("外出时间", "Away since"),
    "field.personality": ("性格", "Personality"),
    "field.interests": ("兴趣", "Interests"),
    "field.strengths": ("特长", "Strengths"),
    "field.health": ("身体状况", "Health"),
    "field.father_name": ("父亲姓名", "Father's name"),
    "field.father_work_place": ("父亲务工地", "Father's place of work"),
    "field.father_phone": ("父亲电话", "Father's phone"),
    "field.mother_name": ("母亲姓名", "Mother's name"),
    "field.mother_work_place": ("母亲务工地", "Mother's place of work"),
    "field.mother_phone": ("母亲电话", "Mother's phone"),
    "field.guardian_name": ("第二监护人姓名", "Second guardian's name"),
    "field.guardian_relation": ("第二监护人与孩子关系", "Second guardian's relationship to the child"),
    "field.guardian_address": ("第二监护人住址", "Second guardian's address"),
    "field.guardian_phone": ("第二监护人电话", "Second guardian's phone"),
    "field.boarding": ("寄宿", "Boarding"),
    "field.notes": ("学校备注", "School's notes"),
    # Choices.
    "choice.sex.male": ("男", "Boy"),
    "choice.sex.female": ("女", "Girl"),
    "choice.parents_away.father": ("父亲外出", "Father away"),
    "choice.parents_away.mother": ("母亲外出", "Mother away"),
    "choice.parents_away.both": ("父母都外出", "Both away"),
    "choice.boarding.no": ("走读", "Day pupil"),
    "choice.boarding.requested": ("申请寄宿", "Boarding requested"),
    "choice.boarding.yes": ("已寄宿", "Boarding"),
    # Prompts, one per field kind; {label} is the field label, {progress} where the question stands.
    "register.start": (
        "📝 开始登记一名留守儿童（一人一档）。先填 {steps} 项必填信息（带 *），就可以保存；"
        "其余信息可以接着「继续补充」，也可以以后在 /child 里补。随时发送 /cancel 取消。",
        "📝 Registering a left-behind child (one archive per child). First the {steps} required items (marked *): "
        'then the archive can be saved; the rest can follow at once ("Add more") or later from /child. '
        "Send /cancel at any time.",
    ),
    "register.ask_text": ("{progress} 请输入{label}{star}：", "{progress} Enter {label}{star}:"),
    "register.ask_choice": ("{progress} 请选择{label}{star}：", "{progress} Choose {label}{star}:"),
    "register.ask_date": (
        "{progress} 请输入{label}{star}，格式如 2015-03-08：",
        "{progress} Enter {label}{star}, e.g. 2015-03-08:",
    ),
    "register.ask_phone": (
        "{progress} 请输入{label}{star}（11 位手机号或带区号的座机）：",
        "{progress} Enter {label}{star} (11-digit mobile or landline with area code):",
    ),
    "register.star": (" *", " *"),
    "register.no_class": (
        "您还没有负责的班级，无法登记孩子。请联系管理员为您分配班级。",
        "You have no class yet, so you cannot register a child. Ask an administrator to assign one.",
    ),
    "register.required": ("这一项必须填写。", "This item is required."),
    "register.review": (
        "请核对联系卡，确认无误后保存：\n\n{card}",
        "Please check the contact card, then save:\n\n{card}",
    ),
    "register.choose_field_to_edit": ("要修改哪一项？", "Which item do you want to change?"),
    "register.saved": (
        "✅ 已保存 {name} 的档案（编号 {id}）。\n可以发送 /invite 邀请家长绑定，或 /register 继续登记。",
        "✅ Saved {name}'s archive (no. {id}).\nSend /invite to invite a parent, or /register for the next child.",
    ),
    "register.duplicate": (
        "⚠️ {class_label}已经有一名同名同生日的孩子「{name}」（编号 {ids}）。确定要再建一份档案吗？",
        "⚠️ {class_label} already has a child named {name} with the same birth date (no. {ids}). "
        "Create a second archive anyway?",
    ),
    "register.duplicate_yes": ("仍然新建", "Create anyway"),
    "register.duplicate_no": ("不建了，取消", "No, cancel"),
    "register.missing": ("还有必填项没有填写：{fields}", "Required items still missing: {fields}"),
    "flow.name.register": ("登记孩子", "registering a child"),
    "flow.name.edit": ("修改联系卡", "editing a card"),
    "flow.name.invite": ("邀请", "an invitation"),
    # Search and the card.
    "child.ask_query": (
        "请发送 /child 加姓名（或其中一部分），例如：/child 小明",
        "Send /child followed by a name or part of it, e.g. /child Ming",
    ),
    "child.results": ("找到 {total} 个孩子，请选择：", "Found {total} children; choose one:"),
    "child.none": (
        "没有找到您可以查看的、名字包含「{query}」的孩子。",
        'No child you may see has a name containing "{query}".',
    ),
    "child.button": ("{name}（{class_label}）", "{name} ({class_label})"),
    "card.title": ("📇 <b>联系卡 · {name}</b>", "📇 <b>Contact card · {name}</b>"),
    "card.line": ("<b>{label}</b>：{value}", "<b>{label}</b>: {value}"),
    "card.age": ("{birth}（{age} 岁）", "{birth} ({age} years)"),
    "card.empty": ("—", "—"),
    "card.section_child": ("👧 孩子", "👧 Child"),
    "card.section_parents": ("👨‍👩‍👧 父母", "👨‍👩‍👧 Parents"),
    "card.section_guardian": ("🏠 第二监护人", "🏠 Second guardian"),
    "card.section_school": ("🏫 学校", "🏫 School"),
    "card.bound_guardians": ("<b>已绑定的家长</b>：{list}", "<b>Bound parents</b>: {list}"),
    "card.guardian_item": ("{name}（{relation}）", "{name} ({relation})"),
    "card.edit_button": ("✏️ 修改", "✏️ Edit"),
    "card.edit_choose": (
        "要修改 {name} 的哪一项？带「＋」的还没有填写。",
        "Which item of {name}'s card do you want to change? Those marked + are not filled in yet.",
    ),
    "card.edit_ask": (
        "请输入新的{label}（当前：{current}）。发送 /cancel 放弃修改。",
        "Enter the new {label} (now: {current}). Send /cancel to leave it unchanged.",
    ),
    "card.edit_ask_choice": ("请选择新的{label}：", "Choose the new {label}:"),
    "card.edit_clear": ("清空此项", "Clear this item"),
    "card.edit_saved": ("✅ 已更新 {name} 的{label}。", "✅ Updated {name}'s {label}."),
    "card.edit_required": ("这一项是必填的，不能清空。", "This item is required and cannot be cleared."),
    "card.gone": ("这份档案已不存在。", "This archive no longer exists."),
    "mychildren.header": ("<b>{label}</b> · 共 {count} 人", "<b>{label}</b> · {count} children"),
    "mychildren.none": ("您目前没有负责的孩子。", "There are no children in your care yet."),
    "mychildren.line": ("• {name}，{age} 岁，{away}", "• {name}, {age}, {away}"),
    "mychildren.mentees": ("<b>我结对帮扶的孩子</b>", "<b>Children I mentor</b>"),
    "mychildren.guarded": ("<b>我的孩子</b>", "<b>My children</b>"),
    # Registration in two parts: the essentials, then the rest section by section; what the family sees.
    "register.progress": ("({step}/{steps})", "({step}/{steps})"),
    "register.progress_more": ("{section} ({step}/{steps})", "{section} ({step}/{steps})"),
    "register.ask_contact": (
        "{progress} 留一个能联系到家人的电话{star}：是谁的电话？",
        "{progress} One phone number that reaches the family{star}: whose is it?",
    ),
    "register.contact": ("联系电话", "Contact phone"),
    "choice.contact.father": ("父亲的电话", "The father's"),
    "choice.contact.mother": ("母亲的电话", "The mother's"),
    "choice.contact.guardian": ("第二监护人的电话", "The second guardian's"),
    "register.skip_section": ("跳过本部分 ⏭⏭", "Skip this section ⏭⏭"),
    "register.more": ("➕ 继续补充", "➕ Add more"),
    "register.going_on": ("➕ 继续补充其余信息：", "➕ Adding the rest of the archive:"),
    "register.staff_only_hint": (
        "🔒 这一项仅学校可见，家长绑定后也看不到。",
        "🔒 Only the school sees this item; a bound parent does not.",
    ),
    "register.family_sees": (
        "👪 家长绑定后能看到这张卡上的各项，🔒 标记的除外（仅学校可见）。",
        "👪 A bound parent sees the items of this card, except those marked 🔒 (the school's only).",
    ),
    "register.saved_missing": (
        "还有 {count} 项待补充：发送 /child {name} 后点「✏️ 修改」随时补上。",
        '{count} items are still to be filled in: send /child {name} and tap "✏️ Edit" at any time.',
    ),
    "card.missing": ("📝 <b>待补充</b>：{fields}", "📝 <b>Still missing</b>: {fields}"),
    "card.staff_only_mark": (" 🔒", " 🔒"),
    "card.staff_only_legend": ("🔒 仅学校可见，家长看不到", "🔒 The school's only: parents do not see it"),
    "card.edit_missing_mark": ("＋{label}", "+{label}"),
    # /invite for a parent: the class's children on buttons first (bot/handlers/invite.py).
    "invite.pick_first": (
        "请选择孩子，为其邀请家长（还没有家长加入的排在前面）；不在下面的，请输入孩子姓名（或其中一部分）：",
        "Choose the child whose parent to invite (those with no parent yet come first); for another child, "
        "type the child's name (or part of it):",
    ),
    "invite.pick_first_type": (
        "请输入孩子姓名（或其中一部分）来选择要邀请家长的孩子：",
        "Type the child's name (or part of it) to choose whose parent to invite:",
    ),
    # The import template's example row and former headers, and how to create a missing class (excel.py).
    "import.example.mark": ("（示例）", "(example)"),
    "import.example.name": ("（示例）张小明", "(example) Zhang Xiaoming"),
    "import.example.father_name": ("张大山", "Zhang Dashan"),
    "import.example.father_work_place": ("广东东莞", "Dongguan, Guangdong"),
    "import.example.guardian_name": ("张奶奶", "Grandma Zhang"),
    "import.example.guardian_relation": ("祖母", "Grandmother"),
    "import.example.notes": (
        "这一行是示例：姓名以「（示例）」开头的行导入时会被忽略，可以删掉，也可以留着。",
        'This row is an example: a row whose name starts with "(example)" is ignored on import; delete it or leave it.',
    ),
    "import.example.class_id": ("三年级2班", "Grade3Class2"),
    "import.former.guardian_relation": ("与孩子关系", "Relationship to the child"),
    "import.reason.class_to_create": (
        "没有这个班级。班级由管理员创建：发送 /invite → 教职工 → 班主任，输入班级名称（如「三年级 2班」）；"
        "建好后再发送这个文件",
        "unknown class. An administrator creates it: /invite → staff → head teacher, then type the class (e.g. "
        '"Grade3 Class2"); then send this file again',
    ),
    # --- the civil-affairs registration's fields (农村留守儿童基本情况登记表) ---
    "card.section_civil": ("🏛 民政登记信息", "🏛 Civil-affairs registration"),
    "field.ethnicity": ("民族", "Ethnicity"),
    "field.id_number": ("身份证号", "ID number"),
    "field.household_registration": ("户籍所在地", "Household registration"),
    "field.illness_disability": ("患病或残疾", "Illness or disability"),
    "field.guardianship_type": ("监护类型", "Guardianship type"),
    "field.guardianship_assessment": ("监护情况评估", "Guardianship assessment"),
    "field.assistance": ("救助帮扶情况", "Help received"),
    "choice.illness_disability.healthy": ("健康", "Healthy"),
    "choice.illness_disability.disabled": ("残疾", "Disabled"),
    "choice.illness_disability.ill": ("患病", "Seriously ill"),
    "choice.guardianship_type.unattended": ("无人监护", "No one looks after the child"),
    "choice.guardianship_type.parent_unable": ("父或母无监护能力", "The parent at home cannot care"),
    "choice.guardianship_type.entrusted_weak": ("受委托监护人监护能力不足", "The entrusted guardian cannot fully care"),
    "choice.guardianship_type.fair": ("监护情况一般", "Guardianship fair"),
    "choice.guardianship_type.good": ("监护情况较好", "Guardianship good"),
    "choice.guardianship_assessment.good": ("较好", "Good"),
    "choice.guardianship_assessment.fair": ("一般", "Fair"),
    "choice.guardianship_assessment.poor": ("差", "Poor"),
    "register.ask_id_number": (
        "{progress} 请输入{label}{star}（18 位公民身份号码，只保存加密后的号码，卡片上只显示前 4 位和后 4 位）：",
        "{progress} Enter {label}{star} (the 18-character citizen ID number; it is stored encrypted and the card "
        "shows only its first and last 4 characters):",
    ),
    "invalid.id_number": (
        "这不是有效的身份证号：应为 18 位（最后一位可以是 X），出生日期和校验位都要正确。请核对后重新输入。",
        "That is not a valid ID number: it has 18 characters (the last may be X), with a real date of birth and "
        "the right check character. Please check it and type it again.",
    ),
}
