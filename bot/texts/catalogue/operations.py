"""Running the bot as a service: `python -m bot check`, the checks at every start, upgrades of the database."""

MESSAGES: dict[str, tuple[str, str]] = {
    "ops.check.pass": ("✅ {line}", "✅ {line}"),
    "ops.check.fail": ("❌ {line}", "❌ {line}"),
    "ops.check.warn": ("⚠️ {line}", "⚠️ {line}"),
    "ops.check.all_passed": ("全部检查通过。", "All checks passed."),
    "ops.check.failed": (
        "{count} 项检查未通过，请按上面的提示修改后再运行 python -m bot check。",
        "{count} check(s) failed: fix them as the lines above say, then run python -m bot check again.",
    ),
    "ops.check.start_refused": (
        "机器人没有启动：上面的检查未通过。",
        "The bot did not start: the check above failed.",
    ),
    "ops.config.ok": ("配置有效：{path}", "The configuration is valid: {path}"),
    "ops.config.bad": ("配置有误：{error}", "The configuration is wrong: {error}"),
    "ops.token.ok": (
        "令牌有效：机器人 @{username}（经由 {via}）",
        "The token works: the bot is @{username} (through {via})",
    ),
    "ops.token.rejected": (
        "令牌被 Bot API 拒绝：请检查 telegram.token 或 BOT_TOKEN（经由 {via}）",
        "The Bot API rejected the token: check telegram.token or BOT_TOKEN (through {via})",
    ),
    "ops.token.unreachable": (
        "连不上 Bot API（经由 {via}，{error}）：请检查网络、telegram.proxy 或 telegram.base_url",
        "Cannot reach the Bot API (through {via}, {error}): check the network, telegram.proxy or telegram.base_url",
    ),
    "ops.token.unreachable_at_start": (
        "连不上 Bot API（经由 {via}，{error}）：机器人会一直重试，网络恢复后自动开始工作",
        "Cannot reach the Bot API (through {via}, {error}): the bot keeps trying and starts when the network is back",
    ),
    "ops.token.via_telegram": ("Telegram 直连", "Telegram directly"),
    "ops.token.via_proxy": ("代理 {proxy}", "the proxy {proxy}"),
    "ops.token.via_server": ("Bot API 服务器 {url}", "the Bot API server {url}"),
    "ops.db.ok": (
        "数据库正常：{path}（完整性检查通过，没有待执行的迁移）",
        "The database is sound: {path} (integrity check passed, no pending migrations)",
    ),
    "ops.db.pending": (
        "数据库正常：{path}（完整性检查通过）；下次启动会先在旁边备份，再执行 {count} 个迁移：{names}",
        "The database is sound: {path} (integrity check passed); the next start copies it beside itself, "
        "then applies {count} migration(s): {names}",
    ),
    "ops.db.new": (
        "数据库 {path} 还不存在：第一次启动时创建（执行 {count} 个迁移）",
        "The database {path} does not exist yet: the first start creates it ({count} migrations)",
    ),
    "ops.db.corrupt": (
        "数据库 {path} 完整性检查未通过（{problem}）：请停止机器人，用 python -m bot restore 恢复备份",
        "The database {path} failed its integrity check ({problem}): stop the bot and restore a backup "
        "with python -m bot restore",
    ),
    "ops.db.unreadable": ("无法打开数据库 {path}：{error}", "Cannot open the database {path}: {error}"),
    "ops.db.newer": (
        "数据库 {path} 来自更新的版本（有本版本没有的迁移：{names}）：请安装那个更新的版本，或恢复一个旧备份",
        "The database {path} was written by a newer version (migrations this version does not have: {names}): "
        "install that newer version, or restore an older backup",
    ),
    "ops.db.migration_failed": (
        "迁移 {name} 失败，已回滚，数据库保持迁移前的样子（{error}）。升级前的副本：{backup}",
        "The migration {name} failed and was rolled back; the database is as it was before it ({error}). "
        "The copy made before the upgrade: {backup}",
    ),
    "ops.db.no_backup": ("无（新数据库）", "none (a new database)"),
    "ops.secret.ok": ("已设置安全密钥（security.secret）", "The security secret is set (security.secret)"),
    "ops.secret.missing": (
        "没有设置安全密钥：请在环境文件里设置 SHOUWANG_SECRET（或 security.secret），"
        "一段很长的随机字符串，例如 openssl rand -hex 32 的输出",
        "The security secret is not set: set SHOUWANG_SECRET in the environment file (or security.secret) to a "
        "long random string, e.g. the output of openssl rand -hex 32",
    ),
    "ops.passphrase.ok": (
        "已设置备份口令（backup.passphrase）",
        "The backup passphrase is set (backup.passphrase)",
    ),
    "ops.passphrase.missing": (
        "没有设置备份口令：请在环境文件里设置 SHOUWANG_BACKUP_PASSPHRASE（或 backup.passphrase），"
        "否则 /backup 会被拒绝",
        "The backup passphrase is not set: set SHOUWANG_BACKUP_PASSPHRASE in the environment file "
        "(or backup.passphrase), or /backup is refused",
    ),
    "ops.timezone.ok": ("时区 {zone} 有效，当地时间 {now}", "The time zone {zone} resolves; local time {now}"),
    "ops.timezone.bad": (
        "时区 {zone} 无法解析：请检查 school.timezone，或安装 tzdata",
        "The time zone {zone} does not resolve: check school.timezone, or install tzdata",
    ),
    "ops.font.ok": ("图表字体已找到：{path}", "The chart font is there: {path}"),
    "ops.font.missing": (
        "找不到图表字体（{path}）：请重新安装依赖（bash scripts/venv.sh）",
        "The chart font is missing ({path}): reinstall the dependencies (bash scripts/venv.sh)",
    ),
    "ops.backups.ok": (
        "备份文件夹 {folder} 可写，剩余空间 {free} MB",
        "The backup folder {folder} is writable, {free} MB free",
    ),
    "ops.backups.unwritable": (
        "备份文件夹 {folder} 不可写（{error}）：请检查它的所有者和权限",
        "The backup folder {folder} is not writable ({error}): check its owner and permissions",
    ),
    "ops.backups.full": (
        "备份文件夹 {folder} 只剩 {free} MB（至少要 {need} MB）：请清理磁盘",
        "The backup folder {folder} has only {free} MB free (at least {need} MB needed): free some disk space",
    ),
    # /health and its alerts (admins).
    "cmd.health": ("机器人运行状况", "How the bot is doing"),
    "audit.access.health": ("查看机器人运行状况", "see how the bot is doing"),
    "ops.health.header": ("<b>机器人运行状况</b>", "<b>How the bot is doing</b>"),
    "ops.health.updates_today": ("今天处理的消息：{n} 条", "Updates handled today: {n}"),
    "ops.health.backlog": (
        "待发消息：{n} 条，等得最久的一条已等 {waited}",
        "Waiting to be sent: {n}, the oldest due one for {waited}",
    ),
    "ops.health.backlog_none_due": ("待发消息：{n} 条，没有到时间的", "Waiting to be sent: {n}, none due yet"),
    "ops.health.last_send": ("最近一次成功发送：{ago}", "Last successful send: {ago}"),
    "ops.health.last_send_never": (
        "最近一次成功发送：这次启动以来还没有",
        "Last successful send: none since the bot started",
    ),
    "ops.health.outages": ("最近 7 天连不上 Telegram：{n} 次", "Polling outages in the last 7 days: {n}"),
    "ops.health.database": ("数据库大小：{mb} MB", "Database size: {mb} MB"),
    "ops.health.backup": ("最近的备份：{at}（{ago}）", "Last backup: {at} ({ago})"),
    "ops.health.backup_none": ("最近的备份：还没有任何备份", "Last backup: there is none yet"),
    "ops.health.unreachable": ("联系不上的家长：{n} 位", "Unreachable guardians: {n}"),
    "ops.health.span.under_a_minute": ("不到 1 分钟", "under a minute"),
    "ops.health.span.minutes": ("{n} 分钟", "{n} min"),
    "ops.health.span.hours": ("{n} 小时", "{n} h"),
    "ops.health.span.days": ("{n} 天", "{n} d"),
    "ops.health.ago": ("{span}前", "{span} ago"),
    "ops.health.ago.just_now": ("刚刚", "just now"),
    "ops.health.alert.backlog": (
        "⚠️ 待发消息在过去一小时里从 {before} 条增加到 {now} 条，可能发不出去了。"
        "请发送 /health 查看，并检查服务器的网络和日志。",
        "⚠️ The messages waiting to be sent grew from {before} to {now} in the last hour: they may not be "
        "getting out. Send /health, and check the server's network and log.",
    ),
    "ops.health.alert.backup_stale": (
        "⚠️ 最近的数据库备份是 {days} 天前做的。请检查每晚的备份和备份文件夹 {folder}（空间、权限）。",
        "⚠️ The newest database backup is {days} days old. Check the nightly backup and the backup folder "
        "{folder} (space, permissions).",
    ),
    "ops.health.alert.backup_none": (
        "⚠️ 机器人已运行 {days} 天，还没有任何数据库备份。请检查每晚的备份和备份文件夹 {folder}（空间、权限）。",
        "⚠️ The bot has run for {days} days without a single database backup. Check the nightly backup and the "
        "backup folder {folder} (space, permissions).",
    ),
}
