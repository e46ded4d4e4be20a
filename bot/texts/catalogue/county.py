"""The county on one deployment: schools, the county office's figures and look-ups, transfers."""

MESSAGES: dict[str, tuple[str, str]] = {
    "role.county": ("县级管理（教育局/民政）", "county office (education bureau / civil affairs)"),
    "cmd.schools": ("学校：添加学校、邀请学校管理员", "schools: add a school, invite its first admin"),
    "cmd.lookup": ("查档：说明原因后查看一名学生的档案", "look up one child's archive, with a stated reason"),
    "cmd.transfer": ("学籍转移：转出或接收学生", "transfers: move a child to another school, or accept one"),
    "invite.choose_school": ("请选择要邀请到哪所学校：", "Choose the school to invite into:"),
}
