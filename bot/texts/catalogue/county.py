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
}
