# ruff: noqa: E501  (event tables read best one event per line)
"""Synthetic logs in shapes of the kind lnav reads by format, none of them in the shared files.

Each shows a header trait the others lack: a level letter before a bracketed time, a date
without a year written `Apr-01`, a short zone offset (`+02`), epoch microseconds and syslog
priorities in JSON, a time in the middle of the line, a second timestamp inside the message,
seven-digit fractions. Times are the instant (UTC) where the header gives a zone.
"""

from __future__ import annotations

import datetime as dt
import json
import random

from synthetic_systems import Event, System, _ip, fill

_LETTER = {"TRACE": "D", "DEBUG": "D", "INFO": "I", "WARN": "W", "ERROR": "E"}


def _cups(r: random.Random, t: dt.datetime, e: Event, m: str) -> str:
    return f"{_LETTER[e.level]} [{t:%d/%b/%Y:%H:%M:%S} +0000] {m}"


CUPS = System(
    "Cups",
    (
        Event("[Job {int}] Queued on \"{word}\" by \"{user}\".", "INFO"),
        Event("[Job {int}] Completed successfully.", "INFO"),
        Event("[Client {small}] Returning IPP successful-ok for Get-Jobs ({path}) from localhost", "DEBUG"),
        Event("[Job {int}] Unable to send data to printer.", "ERROR"),
        Event("Printer \"{word}\" is not shared, sending to remote queue failed", "WARN"),
        Event("Saving printers.conf...", "INFO"),
    ),
    _cups,
)

NEXTFLOW = System(
    "Nextflow",
    (
        Event("$> nextflow run {path} -profile {word}", "DEBUG", "nextflow.cli.Launcher"),
        Event("[{hex8}] Submitted process > {word} ({small})", "INFO", "nextflow.Session"),
        Event("[{hex8}] Cached process > {word} ({small})", "INFO", "nextflow.processor.TaskProcessor"),
        Event("Task completed > TaskHandler[id: {small}; name: {word} ({small}); status: COMPLETED; exit: 0]", "DEBUG", "nextflow.processor.TaskPollingMonitor"),
        Event("Process `{word}` terminated with an error exit status ({small})", "ERROR", "nextflow.processor.TaskProcessor"),
        Event("Unable to stage foreign file: {path} -- reason: {exc}", "WARN", "nextflow.file.FilePorter"),
    ),
    lambda r, t, e, m: (
        f"{t:%b-%d %H:%M:%S}.{t.microsecond // 1000:03d} [{r.choice(['main', 'Task-monitor', 'Actor Thread ' + str(r.randint(1, 9))])}] "
        f"{e.level:<5} {e.source} - {m}"
    ),
    parts="no-year",
)

ENV_LOGGER = System(
    "EnvLogger",
    (
        Event("listening on {ipport}", "INFO", "server::http"),
        Event("accepted connection from {ipport}", "DEBUG", "server::http"),
        Event("request {uuid} completed in {dur}", "INFO", "server::http::trace"),
        Event("slow query ({dur}): {word}", "WARN", "store::pg"),
        Event("failed to flush batch of {int} rows: connection reset by peer", "ERROR", "store::pg"),
        Event("polling {hostport}", "TRACE", "client::poll"),
    ),
    lambda r, t, e, m: f"[{t:%Y-%m-%dT%H:%M:%S}Z {e.level:<5} {e.source}] {m}",
)

OVIRT_OFFSET = dt.timedelta(hours=2)
ENGINE = System(
    "EngineLog",
    (
        Event("Lock Acquired to object 'EngineLock:{{exclusiveLocks='[{uuid}=VM]', sharedLocks=''}}'", "INFO", "org.ovirt.engine.core.bll.RunVmCommand"),
        Event("Running command: RunVmCommand internal: false. Entities affected :  ID: {uuid} Type: VMAction group RUN_VM with role type USER", "INFO", "org.ovirt.engine.core.bll.RunVmCommand"),
        Event("EVENT_ID: USER_STARTED_VM({small}), VM {word} was started by {user}@internal-authz (Host: {host}).", "INFO", "org.ovirt.engine.core.dal.dbbroker.auditloghandling.AuditLogDirector"),
        Event("Failed in 'GetStatsAsyncVDS' method, for vds: '{host}'; host: '{host}': {exc}", "ERROR", "org.ovirt.engine.core.vdsbroker.vdsbroker.GetStatsAsyncVDSCommand"),
        Event("Host '{host}' is not responding.", "WARN", "org.ovirt.engine.core.vdsbroker.VdsManager"),
    ),
    lambda r, t, e, m: (
        f"{(t + OVIRT_OFFSET):%Y-%m-%d %H:%M:%S},{t.microsecond // 1000:03d}+02 {e.level:<5} "
        f"[{e.source}] (default task-{r.randint(1, 60)}) [{_hex8(r)}] {m}"
    ),
)


def _hex8(r: random.Random) -> str:
    return fill("{hex8}", r)


_SEVERITY = {"ERROR": "3", "WARN": "4", "INFO": "6", "DEBUG": "7"}
JOURNALD = System(
    "JournaldJSON",
    (
        Event("Started Session {int} of user {user}.", "INFO", "systemd"),
        Event("Accepted publickey for {user} from {ip} port {port} ssh2", "INFO", "sshd"),
        Event("Failed password for {user} from {ip} port {port} ssh2", "WARN", "sshd"),
        Event("Out of memory: Killed process {pid} ({word})", "ERROR", "kernel"),
        Event("pam_unix(sudo:session): session opened for user root by {user}(uid={int})", "INFO", "sudo"),
        Event("Reloading.", "DEBUG", "systemd"),
    ),
    lambda r, t, e, m: (
        '{"__REALTIME_TIMESTAMP":"' + str(int(t.replace(tzinfo=dt.UTC).timestamp() * 1_000_000))
        + f'","PRIORITY":"{_SEVERITY[e.level]}","_HOSTNAME":"web-01","SYSLOG_IDENTIFIER":"{e.source}",'
        + '"MESSAGE":"' + m + '"}'
    ),
)

GITHUB = System(
    "GitHubActions",
    (
        Event("##[group]Run actions/checkout@v{small}"),
        Event("##[endgroup]"),
        Event("Syncing repository: {word}/{word}"),
        Event("Downloaded {size} in {dur}"),
        Event("Test {word}_{int} passed in {dur}"),
        Event("##[warning]Node.js 16 actions are deprecated."),
        Event("##[error]Process completed with exit code {small}."),
    ),
    lambda r, t, e, m: f"{t:%Y-%m-%dT%H:%M:%S}.{t.microsecond * 10 + r.randint(0, 9):07d}Z {m}",
    has_levels=False,
)

UWSGI = System(
    "Uwsgi",
    (
        Event("GET {path} => generated {int} bytes in {small} msecs (HTTP/1.1 {status}) {small} headers in {int} bytes ({small} switches on core {small})"),
        Event("POST {path} => generated {int} bytes in {small} msecs (HTTP/1.1 {status}) {small} headers in {int} bytes ({small} switches on core {small})"),
    ),
    lambda r, t, e, m: (
        f"[pid: {r.randint(100, 9999)}|app: 0|req: {r.randint(1, 500)}/{r.randint(500, 999)}] {fill('{ip}', r)} () "
        f"{{{r.randint(30, 50)} vars in {r.randint(400, 900)} bytes}} [{t:%a %b} {t.day:>2} {t:%H:%M:%S %Y}] {m}"
    ),
    has_levels=False,
)

STRACE = System(
    "Strace",
    (
        Event('openat(AT_FDCWD, "{path}", O_RDONLY|O_CLOEXEC) = {small} <0.0000{small}>'),
        Event('openat(AT_FDCWD, "{path}", O_RDONLY) = -1 ENOENT (No such file or directory) <0.0000{small}>'),
        Event("read({small}, \"\\177ELF\\2\\1\\1\\0\"..., 832) = 832 <0.0000{small}>"),
        Event("close({small}) = 0 <0.0000{small}>"),
        Event("mmap(NULL, {int}, PROT_READ, MAP_PRIVATE, {small}, 0) = 0x7f{hex8} <0.0000{small}>"),
    ),
    lambda r, t, e, m: f"{t:%H:%M:%S}.{t.microsecond:06d} {m}",
    parts="time-only",
    has_levels=False,
)

HAPROXY = System(
    "HAProxy",
    (
        Event('{ipport} [{inner}] www~ app/web{small} 0/0/{small}/{small}/{small} 200 {int} - - ---- {small}/{small}/0/0/0 0/0 "GET {path} HTTP/1.1"'),
        Event('{ipport} [{inner}] www~ app/web{small} 0/0/{small}/{small}/{small} 503 {int} - - sC-- {small}/{small}/0/0/0 0/0 "POST {path} HTTP/1.1"'),
        Event("Server app/web{small} is DOWN, reason: Layer4 timeout, check duration: {small}ms. {small} active and 0 backup servers left."),
        Event("Proxy www started."),
    ),
    lambda r, t, e, m: f"{t:%b} {t.day:>2} {t:%H:%M:%S} lb-01 haproxy[{r.randint(100, 9999)}]: {m}",
    parts="no-year",
    has_levels=False,
)

VMW = System(
    "VmwareHostd",
    (
        Event("Task Created : haTask-ha-root-pool-vim.ResourcePool.updateConfig-{int}", "INFO", "Vimsvc.TaskManager"),
        Event("Task Completed : haTask-ha-root-pool-vim.ResourcePool.updateConfig-{int} Status success", "INFO", "Vimsvc.TaskManager"),
        Event("Event {int} : User {user}@{ip} logged in as {word}", "INFO", "Vimsvc.ha-eventmgr"),
        Event("Unable to get stats for VM {small}: {exc}", "WARN", "Hostsvc.VmMonitor"),
        Event("Failed to read from socket: Connection reset by peer", "ERROR", "SoapAdapter"),
        Event("Received WaitForUpdatesEx: Prop coll {hex}", "TRACE", "PropertyProvider"),
    ),
    lambda r, t, e, m: (
        f"{t:%Y-%m-%dT%H:%M:%S}.{t.microsecond // 1000:03d}Z "
        f"{ {'TRACE': 'verbose', 'INFO': 'info', 'WARN': 'warning', 'ERROR': 'error'}[e.level]} "
        f"hostd[{r.randint(1000, 99999)}] [Originator@6876 sub={e.source} opID={_hex8(r)}] {m}"
    ),
)

_APP_EVENTS = (
    Event("Starting worker pool with {small} threads", "INFO", "main"),
    Event("Loaded {int} entries from {path}", "DEBUG", "Worker-Main-{small}"),
    Event("Can't keep up! Is the server overloaded? Running {ms}ms behind", "WARN", "Server thread"),
    Event("Failed to save chunk at {small}, {small}: {exc}", "ERROR", "Server-Worker-{small}"),
    Event("{user} joined the game", "INFO", "Server thread"),
    Event("Saved the game in {ms} ms", "INFO", "Server thread"),
)

GAME_SERVER = System(
    "GameServer",
    # log4j's ddMMMyyyy date, then the thread and the level sharing one bracket.
    _APP_EVENTS,
    lambda r, t, e, m: (
        f"[{t:%d%b%Y %H:%M:%S}.{t.microsecond // 1000:03d}] [{fill(e.source, r)}/{e.level}] "
        f"[{r.choice(['minecraft/DedicatedServer', 'minecraft/MinecraftServer', 'FML'])}]: {m}"
    ),
)

QUOTED_TSV = System(
    "QuotedTSV",
    # An access manager's export: every field quoted, tab-separated, the message third.
    _APP_EVENTS,
    lambda r, t, e, m: (
        f'"{t:%Y-%m-%d %H:%M:%S}"\t"{e.level}"\t"{m}"\t"cn={r.choice(["amadmin", "dsameuser"])},'
        f'ou=DSAME Users,dc=example,dc=com"\t"{_hex8(r)}"'
    ),
)

CRI_GLOG = System(
    "ContainerGlog",
    # A container runtime's log file (time, stream, full-line flag) around glog lines.
    tuple(Event(e.template, e.level if e.level != "DEBUG" else "INFO", e.source) for e in _APP_EVENTS),
    lambda r, t, e, m: (
        f"{t:%Y-%m-%dT%H:%M:%S}.{t.microsecond:06d}{r.randint(100, 999)}Z "
        f"{r.choice(['stdout', 'stderr'])} F {e.level[0]}{t:%m%d %H:%M:%S}.{t.microsecond:06d}"
        f"{r.randint(1, 40):>8} {r.choice(['controller.go', 'reflector.go'])}:{r.randint(20, 400)}] {m}"
    ),
)

ZAP_TSV = System(
    "ZapTSV",
    # zap's console encoder: tab-separated time, level, logger and caller.
    _APP_EVENTS,
    lambda r, t, e, m: (
        f"{t:%Y-%m-%dT%H:%M:%S}.{t.microsecond // 1000:03d}Z\t{e.level}\t"
        f"{r.choice(['api', 'api.store', 'worker'])}\t{r.choice(['store/db.go', 'cmd/main.go'])}:"
        f"{r.randint(20, 400)}\t{m}"
    ),
)

CLOUD_ACCESS = System(
    "CloudStoreAccess",
    # A cloud store's access log: owner, bucket, bracketed time, then the request and status.
    (
        Event('REST.GET.OBJECT {word}.csv "GET /bucket1/{word}.csv HTTP/1.1" 200 - {int} {int} {small} {small} "-" "aws-cli/2.15"', "INFO"),
        Event('REST.PUT.OBJECT {word}.json "PUT /bucket1/{word}.json HTTP/1.1" 200 - - {int} {small} {small} "-" "Boto3/1.34"', "INFO"),
        Event('REST.GET.OBJECT {word}.bin "GET /bucket1/{word}.bin HTTP/1.1" 404 NoSuchKey {int} - {small} - "-" "curl/8.4"', "WARN"),
        Event('REST.GET.BUCKET - "GET /bucket1?list-type=2 HTTP/1.1" 403 AccessDenied {int} - {small} - "-" "aws-cli/2.15"', "WARN"),
        Event('REST.PUT.OBJECT {word}.log "PUT /bucket1/{word}.log HTTP/1.1" 503 SlowDown {int} - {small} - "-" "Boto3/1.34"', "ERROR"),
    ),
    lambda r, t, e, m: (
        f"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be bucket1 "
        f"[{t:%d/%b/%Y:%H:%M:%S} +0000] {_ip(r)} - {_hex8(r).upper()}{_hex8(r).upper()} {m}"
    ),
)

WEBSPHERE = System(
    "WebSphere",
    # A US date with a two-digit year and milliseconds after a colon, a hex thread id (sometimes
    # all digits), a padded component, then the level as one capital.
    _APP_EVENTS,
    lambda r, t, e, m: (
        f"[{t.month}/{t.day}/{t:%y} {t:%H:%M:%S}:{t.microsecond // 1000:03d} UTC] "
        f"{r.randint(1, 300):08x} {e.source.split('-')[0].title():<13} {e.level[0]} {m}"
    ),
)

# Requests of an access log. Paths are masked (the templates): the method tells them apart.
_REQUESTS = (
    Event('"GET https://shop.example.com:443/items/{int} HTTP/1.1" "curl/8.4.0"', "INFO"),
    Event('"POST https://shop.example.com:443/cart HTTP/1.1" "Mozilla/5.0"', "INFO"),
    Event('"PUT https://shop.example.com:443/missing/{word} HTTP/1.1" "curl/8.4.0"', "WARN"),
    Event('"DELETE https://shop.example.com:443/orders/{int} HTTP/1.1" "Boto3/1.34"', "ERROR"),
)
_STATUS = {
    "INFO": lambda r: r.choice(["200", "200", "201", "302"]),
    "WARN": lambda r: r.choice(["404", "403"]),
    "ERROR": lambda r: r.choice(["502", "503"]),
}

LOGCAT_TIME = System(
    "LogcatTime",
    # `logcat -v time`: the level letter glued to the tag by a slash.
    tuple(Event(e.template, e.level, e.source.split("-")[0].title().replace(" ", "")) for e in _APP_EVENTS),
    lambda r, t, e, m: f"{t:%m-%d %H:%M:%S}.{t.microsecond // 1000:03d} {e.level[0]}/{e.source}({r.randint(100, 9999):>5}): {m}",
    parts="no-year",
)

NGINX_JSON = System(
    "NginxJSON",
    # A JSON log_format: the time under a key of no usual name, levels from the status.
    _REQUESTS,
    lambda r, t, e, m: (
        '{"time_local":"' + f"{t:%d/%b/%Y:%H:%M:%S} +0000" + '","remote_addr":"' + _ip(r)
        + '","request":"' + m.split('"')[1] + '","status":"' + _STATUS[e.level](r)
        + '","body_bytes_sent":"' + str(r.randint(0, 99999)) + '"}'
    ),
)

_PG_LEVEL = {"DEBUG": "DEBUG1", "INFO": "LOG", "WARN": "WARNING", "ERROR": "ERROR"}
PG_PREFIX = System(
    "PostgresPrefix",
    # PostgreSQL with a log_line_prefix of session id, line number, user@database and pid:
    # the level label follows a prefix of varying shape.
    _APP_EVENTS,
    lambda r, t, e, m: (
        f"{t:%Y-%m-%d %H:%M:%S}.{t.microsecond // 1000:03d} UTC {_hex8(r)}.{r.randint(256, 9999):x} "
        f"{r.randint(0, 99)} {r.choice(['app@orders', '[unknown]@[unknown]', 'report@stats'])} "
        f"{r.randint(100, 99999)} {_PG_LEVEL[e.level]}:  {m}"
    ),
)

_LEVEL_LETTER = {"DEBUG": "D", "INFO": "I", "WARN": "W", "ERROR": "E"}
JUPYTER = System(
    "Jupyter",
    # The level's letter first in the bracket, then the time and the application.
    _APP_EVENTS,
    lambda r, t, e, m: (
        f"[{_LEVEL_LETTER[e.level]} {t:%Y-%m-%d %H:%M:%S}.{t.microsecond // 1000:03d} "
        f"{r.choice(['ServerApp', 'LabApp', 'NotebookApp'])}] {m}"
    ),
)

TORNADO = System(
    "Tornado",
    # Tornado's default: the level's letter, a two-digit year, and the module and line.
    _APP_EVENTS,
    lambda r, t, e, m: (
        f"[{_LEVEL_LETTER[e.level]} {t:%y%m%d %H:%M:%S} "
        f"{r.choice(['web', 'ioloop', 'httpserver'])}:{r.randint(10, 3000)}] {m}"
    ),
)

LOG4J2_JSON = System(
    "Log4j2Json",
    # log4j2's JsonLayout: the instant as an object of epoch seconds and nanoseconds.
    _APP_EVENTS,
    lambda r, t, e, m: (
        '{"instant":{"epochSecond":' + str(int(t.replace(tzinfo=dt.UTC).timestamp()))
        + ',"nanoOfSecond":' + str(t.microsecond * 1000) + '},"thread":"'
        + fill(e.source, r) + '","level":"' + e.level + '","loggerName":"com.example.Server",'
        + '"message":' + json.dumps(m) + ',"endOfBatch":false}'
    ),
)

PIPE_EXPORT = System(
    "PipeExport",
    # Fields glued by pipes, seven-digit fractions.
    _APP_EVENTS,
    lambda r, t, e, m: (
        f"{t:%Y-%m-%dT%H:%M:%S}.{t.microsecond:06d}{r.randint(0, 9)}Z|{e.level}|"
        f"{r.choice(['api', 'worker', 'scheduler'])}|{m}"
    ),
)

CRI_JSON = System(
    "ContainerJSON",
    # A Kubernetes container log: the runtime's time, stream and full-line flag around an
    # application's JSON line.
    _APP_EVENTS,
    lambda r, t, e, m: (
        f"{t:%Y-%m-%dT%H:%M:%S}.{t.microsecond:06d}{r.randint(100, 999)}Z "
        f"{r.choice(['stdout', 'stderr'])} F "
        + json.dumps({"level": e.level.lower(), "msg": m, "caller": f"{fill(e.source, r)}.go:12"})
    ),
)

BIND = System(
    "BindQueries",
    # BIND's log channels: the category as a component, then the severity.
    _APP_EVENTS,
    lambda r, t, e, m: (
        f"{t:%d-%b-%Y %H:%M:%S}.{t.microsecond // 1000:03d} "
        f"{r.choice(['queries', 'general', 'resolver'])}: {e.level.lower()}: {m}"
    ),
)

# Shapes that were wrong at the start of session 8 (issue 9's list and a fresh batch), kept as
# a benchmark once right: times glued or spaced in less common ways, levels glued by
# punctuation, levels as numbers or inside a message code.
_WORD_LEVEL = {"DEBUG": "debug", "INFO": "info", "WARN": "warning", "ERROR": "error"}

JETTY = System(
    "Jetty",
    # Time, level, component and thread glued by colons.
    _APP_EVENTS,
    lambda r, t, e, m: (
        f"{t:%Y-%m-%d %H:%M:%S}.{t.microsecond // 1000:03d}:{ {'DEBUG': 'DBUG'}.get(e.level, e.level)}:"
        f"oejs.{r.choice(['Server', 'HttpChannel', 'session'])}:{r.choice(['main', 'qtp1234-56'])}: {m}"
    ),
)

ZIGBEE = System(
    "Zigbee2MQTT",
    # The level glued to the program's name by a colon, before the time.
    _APP_EVENTS,
    lambda r, t, e, m: f"Zigbee2MQTT:{_WORD_LEVEL[e.level]:<5} {t:%Y-%m-%d %H:%M:%S}: {m}",
)

SRCDS = System(
    "GameServerSrcds",
    # A game server's `L` mark and a spaced dash between date and time.
    _APP_EVENTS,
    lambda r, t, e, m: f"L {t:%m/%d/%Y - %H:%M:%S}: {m}",
    has_levels=False,
)

ZABBIX = System(
    "Zabbix",
    # The process id, padded, glued to a compact date and time by colons.
    _APP_EVENTS,
    lambda r, t, e, m: f"{r.randint(100, 99999):>6}:{t:%Y%m%d:%H%M%S}.{t.microsecond // 1000:03d} {m}",
    has_levels=False,
)

COCKROACH = System(
    "CockroachDB",
    # glog's header with the year, a goroutine id and the redaction mark.
    tuple(Event(e.template, e.level if e.level != "DEBUG" else "INFO", e.source) for e in _APP_EVENTS),
    lambda r, t, e, m: (
        f"{e.level[0]}{t:%y%m%d %H:%M:%S}.{t.microsecond:06d} {r.randint(1, 999)} "
        f"{r.choice(['server/server.go', 'kv/kvserver/replica.go'])}:{r.randint(10, 999)} \u22ee "
        f"[n{r.randint(1, 3)}] {r.randint(1, 99)}  {m}"
    ),
)

NEXTCLOUD = System(
    "NextcloudJSON",
    # Levels as numbers counting up from debug.
    _APP_EVENTS,
    lambda r, t, e, m: json.dumps(
        {
            "reqId": _hex8(r),
            "level": ["DEBUG", "INFO", "WARN", "ERROR"].index(e.level),
            "time": f"{t:%Y-%m-%dT%H:%M:%S}+00:00",
            "app": r.choice(["core", "files"]),
            "message": m,
        }
    ),
)

CISCO = System(
    "CiscoASA",
    # The syslog severity inside the message code.
    _APP_EVENTS,
    lambda r, t, e, m: (
        f"{t:%b %d %Y %H:%M:%S}: %ASA-{ {'DEBUG': 7, 'INFO': 6, 'WARN': 4, 'ERROR': 3}[e.level]}-"
        f"{r.choice(['302013', '106023', '313001'])}: {m}"
    ),
)

HCLOG = System(
    "Hclog",
    # HashiCorp's tools: the level bracketed and padded, then a component.
    _APP_EVENTS,
    lambda r, t, e, m: (
        f"{t:%Y-%m-%dT%H:%M:%S}.{t.microsecond // 1000:03d}Z [{e.level}]{' ' * (6 - len(e.level))}"
        f"{r.choice(['core', 'agent.server', 'expiration'])}: {m}"
    ),
)

CELERY = System(
    "Celery",
    # The level and the process share the time's bracket after a colon.
    _APP_EVENTS,
    lambda r, t, e, m: (
        f"[{t:%Y-%m-%d %H:%M:%S},{t.microsecond // 1000:03d}: "
        f"{ {'WARN': 'WARNING'}.get(e.level, e.level)}/{r.choice(['MainProcess', 'ForkPoolWorker-3'])}] {m}"
    ),
)

MSI = System(
    "WindowsInstaller",
    # A bracketed clock with milliseconds after a colon, then a colon.
    _APP_EVENTS,
    lambda r, t, e, m: (
        f"MSI ({r.choice('sc')}) ({r.randint(0, 255):02X}:{r.randint(0, 255):02X}) "
        f"[{t:%H:%M:%S}:{t.microsecond // 1000:03d}]: {m}"
    ),
    parts="time-only",
    has_levels=False,
)

GPFS = System(
    "GPFS",
    # An underscore between date and time, the level as one capital in brackets.
    tuple(Event(e.template, e.level if e.level != "DEBUG" else "INFO", e.source) for e in _APP_EVENTS),
    lambda r, t, e, m: f"{t:%Y-%m-%d_%H:%M:%S}.{t.microsecond // 1000:03d}+0000: [{e.level[0]}] {m}",
)

TINYPROXY = System(
    "Tinyproxy",
    # The level first, padded, with the program's own CONNECT among the usual ones.
    tuple(
        Event(e.template, e.level, "CONNECT" if e.level == "INFO" and i % 2 else e.level)
        for i, e in enumerate(_APP_EVENTS)
    ),
    lambda r, t, e, m: (
        f"{ {'WARN': 'WARNING'}.get(e.source, e.source):<9} {t:%b %d %H:%M:%S}.{t.microsecond // 1000:03d} "
        f"[{r.randint(100, 9999)}]: {m}"
    ),
    parts="no-year",
)

SYSTEMS = (
    CUPS, NEXTFLOW, ENV_LOGGER, ENGINE, JOURNALD, GITHUB, UWSGI, STRACE, HAPROXY, VMW,
    GAME_SERVER, QUOTED_TSV, CRI_GLOG, ZAP_TSV, CLOUD_ACCESS, WEBSPHERE, LOGCAT_TIME, NGINX_JSON,
    PG_PREFIX, JUPYTER, TORNADO, LOG4J2_JSON, PIPE_EXPORT, CRI_JSON, BIND,
    JETTY, ZIGBEE, SRCDS, ZABBIX, COCKROACH, NEXTCLOUD, CISCO, HCLOG, CELERY, MSI, GPFS, TINYPROXY,
)  # fmt: skip
