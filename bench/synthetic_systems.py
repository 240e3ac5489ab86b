# ruff: noqa: E501  (event tables read best one event per line)
"""Synthetic log systems: header shapes and events, values to fill them (see synthetic_logs).

An event is a template whose `{kind}` placeholders are filled with realistic values (ids,
numbers, paths, hosts, durations and sizes with units, quoted values, key=value, names from a
pool); words written into a template are its constants, and events may differ only by such
words (GET against POST, state names), which a parser must keep apart.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Event:
    """A message template, the level it is logged at, and a header part tied to it."""

    template: str
    level: str = "INFO"
    source: str = ""
    weight: float = 0.0


@dataclass(frozen=True)
class System:
    """A header shape over a list of events; parts says which time parts the header has."""

    name: str
    events: tuple[Event, ...]
    header: Callable[[random.Random, dt.datetime, Event, str], str]
    parts: str | None = "full"
    has_levels: bool = True


# --- values -----------------------------------------------------------------------------------

_FIRST = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy"]
_USERS = [*_FIRST, "root", "admin", "postgres", "www-data", "backup", "deploy", "jenkins"]
_DOMAINS = ["example.com", "corp.example.net", "cdn.example.org", "svc.cluster.local"]
_HOSTS = [f"{w}.{d}" for w in ("api", "db1", "mail", "www", "auth", "cache-2") for d in _DOMAINS]
_APPS = [
    "chrome.exe", "firefox.exe", "WeChat.exe", "Dropbox.exe", "Skype.exe", "outlook.exe",
    "svchost.exe", "git-remote-https.exe", "Teams.exe", "code.exe", "java.exe", "slack.exe",
]  # fmt: skip
_CLASSES = [
    "org.apache.hadoop.mapreduce.v2.app.MRAppMaster",
    "org.apache.hadoop.mapreduce.v2.app.rm.RMContainerAllocator",
    "org.apache.hadoop.mapreduce.v2.app.job.impl.TaskAttemptImpl",
    "org.apache.hadoop.ipc.Client",
    "org.apache.hadoop.yarn.event.AsyncDispatcher",
]
_WORDS = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india"]
_EXC = [
    "java.io.IOException", "java.net.ConnectException", "java.net.SocketTimeoutException",
    "java.lang.NullPointerException", "java.io.EOFException",
]  # fmt: skip


def _hex(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789abcdef") for _ in range(n))


def _ip(rng: random.Random) -> str:
    return f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"


def _int(rng: random.Random) -> str:
    return str(int(10 ** rng.uniform(0, 6)))


def _path(rng: random.Random) -> str:
    parts = rng.sample(["var", "lib", "data", "opt", "srv", "tmp", "cache", "app", "logs"], 3)
    return "/" + "/".join(parts) + f"/{rng.choice(_WORDS)}-{rng.randint(1, 999)}.{rng.choice(['dat', 'log', 'json'])}"


def _size(rng: random.Random) -> str:
    value = rng.uniform(0.1, 999)
    return f"{value:.1f} {rng.choice(['KB', 'MB', 'GB'])}"


def _dur(rng: random.Random) -> str:
    return rng.choice(
        [f"{rng.randint(1, 999)}ms", f"{rng.uniform(0.01, 60):.2f}s", f"{rng.randint(1, 90)} sec"]
    )


def _uuid(rng: random.Random) -> str:
    return f"{_hex(rng, 8)}-{_hex(rng, 4)}-{_hex(rng, 4)}-{_hex(rng, 4)}-{_hex(rng, 12)}"


APP_ID = "1445144423722"
VALUES: dict[str, Callable[[random.Random], str]] = {
    "int": _int,
    "small": lambda r: str(r.randint(0, 20)),
    "float": lambda r: f"{r.uniform(0, 1):.7f}",
    "pct": lambda r: f"{r.uniform(0, 100):.1f}%",
    "ip": _ip,
    "ipport": lambda r: f"{_ip(r)}:{r.randint(1024, 65535)}",
    "port": lambda r: str(r.randint(1024, 65535)),
    "host": lambda r: r.choice(_HOSTS),
    "hostport": lambda r: f"{r.choice(_HOSTS)}:{r.choice([80, 443, 5070, 8080, 993])}",
    "node": lambda r: f"dn{r.randint(1, 400)}",
    "path": _path,
    "winpath": lambda r: (
        "C:\\Windows\\winsxs\\amd64_microsoft-windows-"
        + f"{r.choice(_WORDS)}_31bf3856ad364e35_6.1.7601.{r.randint(17000, 23999)}_none_"
        + _hex(r, 16)
        + "\\"
        + r.choice(["cbscore.dll", "wcp.dll", "update.mum"])
    ),
    "hex8": lambda r: _hex(r, 8),
    "hex": lambda r: "0x" + _hex(r, r.choice([8, 12, 15])),
    "md5": lambda r: _hex(r, 32),
    "uuid": _uuid,
    "user": lambda r: r.choice(_USERS),
    "app": lambda r: r.choice(_APPS),
    "word": lambda r: r.choice(_WORDS),
    "size": _size,
    "bytes": lambda r: str(r.randint(0, 200000)),
    "dur": _dur,
    "ms": lambda r: str(r.randint(1, 60000)),
    "exc": lambda r: r.choice(_EXC),
    "mac": lambda r: ":".join(_hex(r, 2) for _ in range(6)),
    "pid": lambda r: str(r.randint(100, 32000)),
    "kb": lambda r: f"{r.randint(0, 9999)}",
    "attempt": lambda r: f"attempt_{APP_ID}_{r.randint(1, 30):04d}_{r.choice('mr')}_"
    f"{r.randint(0, 20):06d}_{r.randint(0, 2)}",
    "task": lambda r: f"task_{APP_ID}_{r.randint(1, 30):04d}_{r.choice('mr')}_{r.randint(0, 20):06d}",
    "container": lambda r: f"container_{APP_ID}_{r.randint(1, 30):04d}_01_{r.randint(1, 40):06d}",
    "jvm": lambda r: f"jvm_{APP_ID}_{r.randint(1, 30):04d}_{r.choice('mr')}_{r.randint(2, 40):06d}",
    "session": lambda r: "0x" + r.choice(["14ed93111f2", "24ed93119420", "34ed9ac1c1e"])
    + _hex(r, 4),
    "kbn": lambda r: f"KB{r.randint(2000000, 3999999)}",
    "pkg": lambda r: f"Package_for_KB{r.randint(2000000, 3999999)}~31bf3856ad364e35~amd64~~"
    f"6.1.{r.randint(1, 9)}.{r.randint(0, 9)}",
    "hresult": lambda r: "0x" + r.choice(["800f0805", "80070002", "800f080d", "80070490"]),
    "qword": lambda r: "'" + r.choice(_WORDS) + "." + r.choice(["conf", "db", "yaml"]) + "'",
    "version": lambda r: f"{r.randint(1, 9)}.{r.randint(0, 20)}.{r.randint(0, 99)}",
    "pkgname": lambda r: r.choice(
        ["com.android.systemui", "com.tencent.mm", "com.google.android.gms", "com.example.app"]
    ),
    "hwid": lambda r: str(r.randint(1000, 9999)),
    "hwcomp": lambda r: r.choice(
        [f"{r.choice(_WORDS)}{r.randint(0, 20)}", f"SCSI-WWID:{_hex(r, 8)}:6005-08b4-0001-00c6-{r.randint(1000, 9999)}-0000"]
    ),
    "iface": lambda r: r.choice(["alt0", "eth0", "eth1", "ib0"]),
    "detail": lambda r: r.choice(["detail", _uuid(r)]),
    "status": lambda r: r.choice(["200", "200", "200", "404", "500"]),
    "resource": lambda r: r.choice(["orders", "products", "users"]),
    "sent": lambda r: r.choice([f"{r.randint(0, 999)} bytes", f"{r.randint(1000, 10**7)} bytes ({_size(r)})"]),
    "lifetime": lambda r: r.choice(["<1 sec", f"00:{r.randint(1, 59):02d}", f"{r.randint(1, 3)}:{r.randint(0, 59):02d}:{r.randint(0, 59):02d}"]),
    "service": lambda r: r.choice(
        ["Spooler", "Dhcp", "WinRM", "BITS", "wuauserv", "TrustedInstaller", "EventLog", "Schedule", "W32Time", "LanmanServer", "Netlogon", "RpcSs", "Themes", "AudioSrv", "WSearch"]
    ),
    "paths": lambda r: " ".join(_path(r) for _ in range(r.randint(1, 3))),
    "wakelock": lambda r: r.choice(["View Lock", "*alarm*", "RILJ_ACK_WL", "AudioMix", "NetworkStats", "*job*/com.example/.Sync"]),
    "keyspace": lambda r: r.choice(["system", "system_schema", "orders", "users_by_email", "audit"]),
    "godur": lambda r: r.choice(
        [f"{r.uniform(0.1, 999):.3f}ms", f"{r.uniform(1, 59):.6f}s", f"{r.randint(1, 9)}m{r.randint(0, 59)}s"]
    ),
    "method": lambda r: r.choice(["GET", "GET", "POST", "PUT", "DELETE"]),
    "inner": lambda r: f"{r.randint(10, 28)}/Mar/2019:{r.randint(10, 23)}:{r.randint(10, 59)}:{r.randint(10, 59)}.{r.randint(100, 999)}",
    "stack": lambda r: " ".join("@0x" + _hex(r, r.choice([8, 10, 11])) for _ in range(r.randint(3, 7))),
    "javaclass": lambda r: "org.apache.hadoop.mapreduce."
    + r.choice(["jobhistory.EventType", "v2.app.job.event.JobEventType", "v2.app.job.event.TaskEventType", "v2.app.rm.ContainerAllocator$EventType", "v2.app.speculate.Speculator$EventType", "v2.app.commit.CommitterEventType", "v2.app.launcher.ContainerLauncher$EventType", "jobhistory.JobHistoryEventHandler", "v2.app.MRAppMaster$JobEventDispatcher"]),
    "temp": lambda r: f"{r.randint(30, 95)}C",
}
_SLOT = re.compile(r"\{\{|\}\}|\{(\w+)\}")


def fill(template: str, rng: random.Random) -> str:
    """The template with each {kind} replaced by a fresh value of that kind."""
    return _SLOT.sub(lambda m: VALUES[m.group(1)](rng) if m.group(1) else m.group()[0], template)


# --- systems ----------------------------------------------------------------------------------


def _ms(time: dt.datetime, sep: str = ",") -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S") + f"{sep}{time.microsecond // 1000:03d}"


HADOOP = System(
    "Hadoop",
    (
        Event("Created MRAppMaster for application appattempt_{int}_0020_000001", source="main"),
        Event("{attempt} TaskAttempt Transitioned from NEW to UNASSIGNED", source="AsyncDispatcher event handler"),
        Event("{attempt} TaskAttempt Transitioned from UNASSIGNED to ASSIGNED", source="AsyncDispatcher event handler"),
        Event("{attempt} TaskAttempt Transitioned from ASSIGNED to RUNNING", source="AsyncDispatcher event handler"),
        Event("{attempt} TaskAttempt Transitioned from RUNNING to SUCCEEDED", source="AsyncDispatcher event handler"),
        Event("{task} Task Transitioned from SCHEDULED to RUNNING", source="AsyncDispatcher event handler"),
        Event("{task} Task Transitioned from RUNNING to SUCCEEDED", source="AsyncDispatcher event handler"),
        Event("Progress of TaskAttempt {attempt} is : {float}", source="IPC Server handler {small} on 62270"),
        Event("Before Scheduling: PendingReds:{small} ScheduledMaps:{small} ScheduledReds:0 AssignedMaps:{small} AssignedReds:0 CompletedMaps:{small} CompletedReds:0 ContAlloc:{small} ContRel:0 HostLocal:{small} RackLocal:{small}", source="RMCommunicator Allocator"),
        Event("Recalculating schedule, headroom=<memory:{int}, vCores:{small}>", source="RMCommunicator Allocator"),
        Event("Reduce slow start threshold not met. completedMapsForReduceSlowstart {small}", source="RMCommunicator Allocator"),
        Event("Assigned container {container} to {attempt}", source="RMCommunicator Allocator"),
        Event("Received completed container {container}", source="RMCommunicator Allocator"),
        Event("JVM with ID : {jvm} asked for a task", source="IPC Server handler {small} on 62270"),
        Event("JVM with ID: {jvm} given task: {attempt}", source="IPC Server handler {small} on 62270"),
        Event("Address change detected. Old: {node}/{ip}:8030 New: {node}:8030", "WARN", "LeaseRenewer:{user}@{node}:9000"),
        Event("Retrying connect to server: {node}:8030. Already tried {small} time(s); retry policy is RetryUpToMaximumCountWithFixedSleep(maxRetries=10, sleepTime=1000 MILLISECONDS)", source="RMCommunicator Allocator"),
        Event("ERROR IN CONTACTING RM.", "ERROR", "RMCommunicator Allocator"),
        Event("Processing the event EventType: CONTAINER_REMOTE_LAUNCH for container {container} taskAttempt {attempt}", source="ContainerLauncher #{small}"),
        Event("Processing the event EventType: CONTAINER_REMOTE_CLEANUP for container {container} taskAttempt {attempt}", source="ContainerLauncher #{small}"),
        Event("Diagnostics report from {attempt}: Container killed by the ApplicationMaster.", source="AsyncDispatcher event handler"),
        Event("Num completed Tasks: {small}", source="AsyncDispatcher event handler"),
        Event("Registering class {javaclass} for class {javaclass}", source="main"),
        Event("Default file system [hdfs://{node}:9000]", source="main"),
        Event("Failed to renew lease for [DFSClient_NONMAPREDUCE_{int}_1] for {small} seconds.  Will retry shortly ...", "WARN", "LeaseRenewer:{user}@{node}:9000"),
        Event("Error communicating with RM: Could not contact RM after {ms} milliseconds.", "ERROR", "RMCommunicator Allocator"),
    ),
    lambda r, t, e, m: f"{_ms(t)} {e.level} [{fill(e.source, r)}] {r.choice(_CLASSES)}: {m}",
)

ZOOKEEPER = System(
    "Zookeeper",
    (
        Event("Notification time out: {ms}", source="QuorumPeer[myid={small}]/0:0:0:0:0:0:0:0:2181:FastLeaderElection@774"),
        Event("Accepted socket connection from /{ipport}", source="NIOServerCxn.Factory:0.0.0.0/0.0.0.0:2181:NIOServerCnxnFactory@197"),
        Event("Closed socket connection for client /{ipport} which had sessionid {session}", source="CommitProcessor:{small}:NIOServerCnxn@1001"),
        Event("Closed socket connection for client /{ipport} (no session established for client)", source="NIOServerCxn.Factory:0.0.0.0/0.0.0.0:2181:NIOServerCnxn@1001"),
        Event("Client attempting to establish new session at /{ipport}", source="NIOServerCxn.Factory:0.0.0.0/0.0.0.0:2181:ZooKeeperServer@839"),
        Event("Established session {session} with negotiated timeout {ms} for client /{ipport}", source="CommitProcessor:{small}:ZooKeeperServer@595"),
        Event("Expiring session {session}, timeout of {ms}ms exceeded", source="SessionTracker:ZooKeeperServer@325"),
        Event("Processed session termination for sessionid: {session}", source="ProcessThread(sid:{small} cport:-1)::PrepRequestProcessor@476"),
        Event("caught end of stream exception", "WARN", "NIOServerCxn.Factory:0.0.0.0/0.0.0.0:2181:NIOServerCnxn@349"),
        Event("Connection broken for id {int}, my id = {small}, error =", "WARN", "RecvWorker:{int}:QuorumCnxManager$RecvWorker@762"),
        Event("Interrupted while waiting for message on queue", "WARN", "SendWorker:{int}:QuorumCnxManager$SendWorker@679"),
        Event("Send worker leaving thread", "WARN", "SendWorker:{int}:QuorumCnxManager$SendWorker@688"),
        Event("Cannot open channel to {small} at election address /{ipport}", "WARN", "WorkerSender[myid={small}]:QuorumCnxManager@368"),
        Event("Received connection request /{ipport}", source="/10.10.34.11:3888:QuorumCnxManager$Listener@493"),
        Event("Exception causing close of session {session} due to {exc}: ZooKeeperServer not running", "WARN", "NIOServerCxn.Factory:0.0.0.0/0.0.0.0:2181:NIOServerCnxn@354"),
        Event("FOLLOWING", source="QuorumPeer[myid={small}]/0:0:0:0:0:0:0:0:2181:QuorumPeer@738"),
        Event("LEADING", source="QuorumPeer[myid={small}]/0:0:0:0:0:0:0:0:2181:QuorumPeer@750"),
        Event("LOOKING", source="QuorumPeer[myid={small}]/0:0:0:0:0:0:0:0:2181:QuorumPeer@670"),
        Event("Getting a snapshot from leader", source="QuorumPeer[myid={small}]/0:0:0:0:0:0:0:0:2181:Learner@325"),
        Event("Snapshotting: {hex} to {path}", source="SyncThread:{small}:FileTxnSnapLog@240"),
        Event("Unexpected exception causing shutdown while sock still open", "ERROR", "LearnerHandler-/{ipport}:LearnerHandler@562"),
    ),
    lambda r, t, e, m: f"{_ms(t)} - {e.level:<5} [{fill(e.source, r)}] - {m}",
)


def _openstack_header(r: random.Random, t: dt.datetime, e: Event, m: str) -> str:
    rotated = t.replace(hour=13, minute=r.randint(50, 59), second=r.randint(0, 59))
    name = e.source.split()[0]
    file_name = f"{name.split('.')[0]}-{name.split('.')[1]}.log.1.{rotated:%Y-%m-%d_%H:%M:%S}"
    request = f"req-{_uuid(r)} " + (
        f"{_hex(r, 32)} {_hex(r, 32)} - - -" if "api" in name else "- - - - -"
    )
    return (
        f"{file_name} {_ms(t, '.')} {r.choice([25746, 2931, 2790])} {e.level} "
        f"{e.source.split()[1]} [{request}] {m}"
    )


_LEVEL_NAME = {"INFO": "INFO", "WARN": "WARNING", "ERROR": "ERROR", "DEBUG": "DEBUG"}
OPENSTACK = System(
    "OpenStack",
    (
        Event('{ip} "GET /v2/{md5}/servers/{detail} HTTP/1.1" status: {status} len: {int} time: {float}', source="nova.api nova.osapi_compute.wsgi.server"),
        Event('{ip} "POST /v2/{md5}/os-server-external-events HTTP/1.1" status: 200 len: {int} time: {float}', source="nova.api nova.osapi_compute.wsgi.server"),
        Event('{ip} "DELETE /v2/{md5}/servers/{uuid} HTTP/1.1" status: 204 len: {int} time: {float}', source="nova.api nova.osapi_compute.wsgi.server"),
        Event("[instance: {uuid}] VM Started (Lifecycle Event)", source="nova.compute nova.compute.manager"),
        Event("[instance: {uuid}] VM Paused (Lifecycle Event)", source="nova.compute nova.compute.manager"),
        Event("[instance: {uuid}] VM Resumed (Lifecycle Event)", source="nova.compute nova.compute.manager"),
        Event("[instance: {uuid}] VM Stopped (Lifecycle Event)", source="nova.compute nova.compute.manager"),
        Event("[instance: {uuid}] Took {float} seconds to spawn the instance on the hypervisor.", source="nova.compute nova.compute.manager"),
        Event("[instance: {uuid}] Took {float} seconds to build instance.", source="nova.compute nova.compute.manager"),
        Event("[instance: {uuid}] Terminating instance", source="nova.compute nova.compute.manager"),
        Event("[instance: {uuid}] Claim successful", source="nova.compute nova.compute.claims"),
        Event("[instance: {uuid}] Total memory: {int} MB, used: {float} MB", source="nova.compute nova.compute.claims"),
        Event("image {uuid} at ({path}): checking", source="nova.compute nova.virt.libvirt.imagecache"),
        Event("image {uuid} at ({path}): in use: on this node {small} local, {small} on other nodes sharing this instance storage", source="nova.compute nova.virt.libvirt.imagecache"),
        Event("Active base files: {paths}", source="nova.compute nova.virt.libvirt.imagecache"),
        Event("Unknown base file: {path}", source="nova.compute nova.virt.libvirt.imagecache"),
        Event("Final resource view: name={host} phys_ram={int}MB used_ram={int}MB phys_disk={small}GB used_disk={small}GB total_vcpus={small} used_vcpus={small} pci_stats=[]", source="nova.compute nova.compute.resource_tracker"),
        Event("While synchronizing instance power states, found {small} instances in the database and {small} instances on the hypervisor.", "WARN", "nova.compute nova.compute.manager"),
        Event("[instance: {uuid}] During sync_power_state the instance has a pending task (spawning). Skip.", source="nova.compute nova.compute.manager"),
        Event("HTTP exception thrown: No instances found for any event", source="nova.api nova.api.openstack.extensions"),
    ),
    lambda r, t, e, m: _openstack_header(r, t, e, m).replace(
        f" {e.level} ", f" {_LEVEL_NAME[e.level]} ", 1
    ),
)


def _tbird_header(r: random.Random, t: dt.datetime, e: Event, m: str) -> str:
    node = f"dn{r.randint(1, 400)}" if "admin" not in e.source else "tbird-admin1"
    tag = "-" if e.level == "INFO" else r.choice(["VAPI", "ECC", "PBS_CON"])
    who = f"{node}/{node}" if "admin" not in e.source else f"local@{node}"
    # Syslog pads a one-digit day with a space; some collectors squeeze it out.
    clock = f"{t:%b} {t.day:{r.choice(['', '>2'])}} {t:%H:%M:%S}"
    process = fill(e.source.replace("admin ", ""), r)
    return f"{tag} {int(t.timestamp())} {t:%Y.%m.%d} {node} {clock} {who} {process}: {m}"


THUNDERBIRD = System(
    "Thunderbird",
    (
        Event("session opened for user {user} by (uid=0)", source="crond(pam_unix)[{pid}]", weight=3),
        Event("session closed for user {user}", source="crond(pam_unix)[{pid}]", weight=3),
        Event("(root) CMD (run-parts /etc/cron.hourly)", source="crond[{pid}]"),
        Event("synchronized to {ip}, stratum {small}", source="ntpd[{pid}]"),
        Event("kernel time sync disabled {small}", source="ntpd[{pid}]"),
        Event("DHCPREQUEST for {ip} ({ip}) from {mac} via eth1", source="dhcpd"),
        Event("DHCPACK on {ip} to {mac} via eth1", source="dhcpd"),
        Event("DHCPDISCOVER from {mac} via eth1", source="dhcpd"),
        Event("Accepted publickey for {user} from {ip} port {port} ssh2", source="sshd[{pid}]"),
        Event("Failed password for invalid user {user} from {ip} port {port} ssh2", "ERROR", "sshd[{pid}]"),
        Event("warning: unable to look up public/pickup: No such file or directory", "ERROR", "admin postfix/postdrop[{pid}]"),
        Event("Server failed to connect to {node}, retrying in {small} seconds", "ERROR", "pbs_mom"),
        Event("[KERNEL_IB][ib_mad_dispatch][{path}:{small}]EVAPI process_mad_1 {hex}", source="kernel"),
        Event("EXT3-fs error (device sda{small}): ext3_find_entry: reading directory #{int} offset {small}", "ERROR", "kernel"),
        Event("nfs: server {node} not responding, still trying", "ERROR", "kernel"),
        Event("nfs: server {node} OK", source="kernel"),
        Event("Starting crond:  succeeded", source="crond"),
        Event("data_thread() got not answer from any [Thunderbird_{word}] datasource", source="admin /apps/x86_64/system/ganglia-3.0.1/sbin/gmetad[{pid}]"),
    ),
    _tbird_header,
    parts="full",
    has_levels=False,
)

WINDOWS = System(
    "Windows",
    (
        Event("Loaded Servicing Stack v6.1.7601.{int} with Core: {winpath}", source="CBS"),
        Event("Starting TrustedInstaller initialization.", source="CBS"),
        Event("Ending TrustedInstaller initialization.", source="CBS"),
        Event("Starting the TrustedInstaller main loop.", source="CBS"),
        Event("TrustedInstaller service starts successfully.", source="CBS"),
        Event("Session: {int}_{int} initialized by client WindowsUpdateAgent.", source="CBS"),
        Event("Session: {int}_{int} finalized. Reboot required: no [HRESULT = 0x00000000 - S_OK]", source="CBS"),
        Event("Read out cached package applicability for package: {pkg}, ApplicableState: {small}, CurrentState:{small}", source="CBS"),
        Event("SQM: Initializing online with Windows opt-in: False", source="CBS"),
        Event("SQM: Cleaning up report files older than 10 days.", source="CBS"),
        Event("SQM: Requesting upload of all unsent reports.", source="CBS"),
        Event("Warning: Unrecognized packageExtended attribute.", "WARN", "CBS"),
        Event("Failed to internally open package. [HRESULT = {hresult} - CBS_E_INVALID_PACKAGE]", "ERROR", "CBS"),
        Event("Failed to get session package state [HRESULT = {hresult} - ERROR_FILE_NOT_FOUND]", source="CBS"),
        Event("{hex8}@2016/9/{small}:{small}:{small}:{small}.{small} WcpInitialize (wcp.dll version 0.0.0.6) called (stack {stack})", source="CSI"),
        Event("{hex8} CSI Store {int} (0x{hex8}) initialized", source="CSI"),
        Event("NonStart: Checking to ensure startup processing was not required.", source="CBS"),
        Event("Expecting attribute name [HRESULT = 0x800f080d - CBS_E_MANIFEST_INVALID_ITEM]", "ERROR", "CBS"),
        Event("Scavenge: Starts to scavenge {int} packages", source="CBS"),
        # Service names are values (many of them), where running and stopped are the events.
        Event("Service {service} entered the running state.", source="SCM"),
        Event("Service {service} entered the stopped state.", source="SCM"),
    ),
    lambda r, t, e, m: (
        f"{t:%Y-%m-%d %H:%M:%S}, "
        + f"{ {'INFO': 'Info', 'WARN': 'Warning', 'ERROR': 'Error'}[e.level]:<22}"
        + f"{e.source:<7}{m}"
    ),
)

_ANDROID_LEVELS = {"TRACE": "V", "DEBUG": "D", "INFO": "I", "WARN": "W", "ERROR": "E"}
ANDROID = System(
    "Android",
    (
        Event("printFreezingDisplayLogsopening app wtoken = AppWindowToken{{{hex8} token=Token{{{hex8} ActivityRecord{{{hex8} u0 {pkgname}/.MainActivity t{int}}}}}}}, allDrawn= false, startingDisplayed =  false, startingMoved =  false, isRelaunching =  false", "DEBUG", "WindowManager"),
        Event('acquire lock={int}, flags=0x1, tag="{wakelock}", name={pkgname}, ws=null, uid={int}, pid={pid}', "DEBUG", "PowerManagerService"),
        Event("release:lock={int}, flg=0x0, tag=\"RILJ_ACK_WL\", name=com.android.phone\", ws=null, uid={int}, pid={pid}", "DEBUG", "PowerManagerService"),
        Event("ready=true,policy=3,wakefulness=1,wksummary=0x{small},uasummary=0x1,bootcompleted=true,boostinprogress=false,waitmodeenable=false,mode=false,manual=38,auto=-1,adj=0.0userId=0", "TRACE", "PowerManagerService"),
        Event("Start proc {pid}:{pkgname}/u0a{small} for service {pkgname}/.PushService", "INFO", "ActivityManager"),
        Event("Killing {pid}:{pkgname}/u0a{small} (adj {small}): empty #{small}", "INFO", "ActivityManager"),
        Event("Skipping, withExcluded: false, tr.intent:Intent {{ flg=0x{hex8} cmp={pkgname}/.Main (has extras) }}", "DEBUG", "ActivityManager"),
        Event("getRunningAppProcesses: caller {int} does not hold REAL_GET_TASKS; limiting output", "WARN", "ActivityManager"),
        Event("isScreenOn = true", "DEBUG", "DisplayPowerController"),
        Event("Animating brightness: target={small}, rate={small}", "DEBUG", "DisplayPowerController"),
        Event("onBatteryChanged level={small} plugged=0 status=3 health=2 temperature={small}", "INFO", "BatteryService"),
        Event("Failed to open {path}: No such file or directory", "ERROR", "Zygote"),
        Event("Unable to start service Intent {{ act=com.example.PUSH pkg={pkgname} }} U=0: not found", "WARN", "ActivityManager"),
        Event("NetworkPolicy: notifyScreenOn: screenOn = true", "INFO", "NetworkPolicy"),
        Event("FATAL EXCEPTION: main", "ERROR", "AndroidRuntime"),
        Event("Took {int} ms to handle message", "DEBUG", "Looper"),
    ),
    lambda r, t, e, m: (
        f"{t:%m-%d %H:%M:%S}.{t.microsecond // 1000:03d} {r.randint(1000, 9999):>5} "
        f"{r.randint(1000, 9999):>5} {_ANDROID_LEVELS[e.level]} {e.source}: {m}"
    ),
    parts="no-year",
)

HPC = System(
    "HPC",
    (
        Event("Component State Change: Component \\042{hwcomp}\\042 is in the unavailable state (HWID={hwid})", source="node-{int} unix.hw state_change.unavailable"),
        Event("clusterAddMember  (command {int})", source="node-D{small} action start"),
        Event("boot  (command {int})", source="node-D{small} action start"),
        Event("boot  (command {int}) Error: Command Aborted", "ERROR", "node-D{small} action error"),
        Event("Link in reset", source="gige{small} gige.gige{small} link"),
        Event("Link error on broadcast tree Interconnect-{small}T00:00:{small}:{small}", "ERROR", "Interconnect-0T00 switch_module.switch_module_bcast link"),
        Event("Temperature ({temp}) exceeds warning threshold", "WARN", "Interconnect-0T00 switch_module.switch_module_bcast temperature"),
        Event("running", source="node-{int} node status"),
        Event("configured out", source="node-{int} node status"),
        Event("PSU status ( on off )", source="node-{int} unix.hw psu"),
        Event("ServerFileSystem domain panic has occurred on storage{small}", "FATAL", "node-{int} fs.panic panic"),
        Event("NIFF: node node-{int} has detected an available network connection on network {ip} via interface {iface}", source="node-{int} unix.hw net.niff.up"),
        Event("Fan speeds ( {int} {int} {int} {int} {int} {int} )", source="node-{int} unix.hw fans"),
    ),
    lambda r, t, e, m: (
        f"{r.randint(1000, 500000)} {fill(e.source, r)} {int(t.timestamp())} 1 {m}"
    ),
    has_levels=False,
)

PROXIFIER = System(
    "Proxifier",
    (
        Event("{hostport} open through proxy proxy.cse.cuhk.edu.hk:5070 HTTPS", weight=4),
        # The parenthetical restating a size is optional: it does not make another event.
        Event("{hostport} close, {sent} sent, {sent} received, lifetime {lifetime}", weight=6),
        Event("{hostport} error : Could not connect through proxy proxy.cse.cuhk.edu.hk:5070 - Proxy server cannot establish a connection with the target, status code {small}", "ERROR", weight=0.5),
        Event("{hostport} error : A connection request was canceled before the completion.", "ERROR", weight=0.3),
        Event("{hostport} matching {word} rule : using proxy proxy.cse.cuhk.edu.hk:5070", weight=0.5),
        Event("Proxy server proxy.cse.cuhk.edu.hk:5070 is not responding", "ERROR", weight=0.1),
    ),
    lambda r, t, e, m: (
        f"[{t.month}.{t.day:02d} {t:%H:%M:%S}] {r.choice(_APPS)}{r.choice(['', '', ' *64'])} - {m}"
    ),
    parts="no-year",
    has_levels=False,
)

SPRING = System(
    "SpringBoot",
    (
        Event("Completed initialization in {small} ms", source="o.s.web.servlet.DispatcherServlet"),
        Event("Tomcat started on port(s): 8080 (http) with context path ''", source="o.s.b.w.embedded.tomcat.TomcatWebServer"),
        Event("HikariPool-1 - Starting...", source="com.zaxxer.hikari.HikariDataSource"),
        Event("HikariPool-1 - Connection is not available, request timed out after {ms}ms.", "ERROR", "com.zaxxer.hikari.pool.HikariPool"),
        Event("Order {int} created for customer {user} total={float} EUR", source="c.e.shop.order.OrderService"),
        Event("Order {int} shipped to {host} in {dur}", source="c.e.shop.order.OrderService"),
        Event("Order {int} cancelled by {user}", "WARN", "c.e.shop.order.OrderService"),
        Event("Payment {uuid} authorized, amount={float}, card=****{hwid}", source="c.e.shop.pay.PaymentClient"),
        Event("Payment {uuid} declined: code={small} reason=INSUFFICIENT_FUNDS", "WARN", "c.e.shop.pay.PaymentClient"),
        Event("Payment {uuid} declined: code={small} reason=CARD_EXPIRED", "WARN", "c.e.shop.pay.PaymentClient"),
        Event("Cache miss for key {qword}, loading from {host}", "DEBUG", "c.e.shop.cache.CatalogCache"),
        Event("Cache evicted {int} entries ({size}) in {dur}", "DEBUG", "c.e.shop.cache.CatalogCache"),
        Event("GET /api/v1/{resource}/{int} -> {status} ({dur})", source="c.e.shop.web.AccessFilter"),
        Event("POST /api/v1/orders -> 201 ({dur})", source="c.e.shop.web.AccessFilter"),
        Event("Retrying request to {hostport} (attempt {small} of 5) after {exc}", "WARN", "c.e.shop.http.RetryingClient"),
    ),
    lambda r, t, e, m: (
        f"{_ms(t, '.')} {e.level:>5} {r.choice([4242, 4243])} --- "
        f"[{r.choice(['main', 'nio-8080-exec-' + str(r.randint(1, 10)), 'scheduling-1', 'task-' + str(r.randint(1, 8))]):>15}] "
        f"{e.source:<40} : {m}"
    ),
)

_REDIS_MARK = {"DEBUG": ".", "TRACE": "-", "INFO": "*", "WARN": "#"}
REDIS = System(
    "Redis",
    (
        Event("Background saving started by pid {pid}"),
        Event("Background saving terminated with success"),
        Event("DB saved on disk"),
        Event("RDB: {small} MB of memory used by copy-on-write"),
        Event("{small} changes in {small} seconds. Saving..."),
        Event("Accepted {ipport}", "DEBUG"),
        Event("Client closed connection", "DEBUG"),
        Event("DB {small}: {int} keys ({small} volatile) in {int} slots HT.", "DEBUG"),
        Event("{small} clients connected ({small} replicas), {int} bytes in use", "TRACE"),
        Event("WARNING overcommit_memory is set to 0! Background save may fail under low memory condition.", "WARN"),
        Event("Connecting to MASTER {ipport}", "INFO"),
        Event("MASTER <-> REPLICA sync started", "INFO"),
        Event("Error condition on socket for SYNC: Connection refused", "WARN"),
    ),
    lambda r, t, e, m: (
        f"{r.choice([1, 1, 4711])}:{r.choice('MSC')} {t.day:02d} {t:%b %Y %H:%M:%S}."
        f"{t.microsecond // 1000:03d} {_REDIS_MARK[e.level]} {m}"
    ),
    has_levels=False,
)

SQLSERVER = System(
    "SQLServer",
    (
        Event("Login failed for user '{user}'. Reason: Password did not match that for the login provided. [CLIENT: {ip}]", "ERROR"),
        Event("Login succeeded for user '{user}'. Connection made using SQL Server authentication. [CLIENT: {ip}]"),
        Event("Error: 18456, Severity: 14, State: 8.", "ERROR"),
        Event("Starting up database '{word}'."),
        Event("CHECKDB for database '{word}' finished without errors on {version} (local time). This is an informational message only; no user action is required."),
        Event("BACKUP DATABASE successfully processed {int} pages in {float} seconds ({float} MB/sec)."),
        Event("Database backed up. Database: {word}, creation date(time): 2016/09/{small}({small}:{small}:{small}), pages dumped: {int}, first LSN: {int}:{int}:{small}, last LSN: {int}:{int}:{small}, number of dump devices: 1, device information: (FILE=1, TYPE=DISK: {{'{path}'}})."),
        Event("SQL Server has encountered {small} occurrence(s) of I/O requests taking longer than 15 seconds to complete on file [{path}] in database [{word}] ({small}).", "WARN"),
        Event("Recovery of database '{word}' ({small}) is {small}% complete (approximately {int} seconds remain). Phase 2 of 3."),
    ),
    lambda r, t, e, m: f"{t:%Y-%m-%d %H:%M:%S}.{t.microsecond // 10000:02d} spid{r.randint(5, 80)}{r.choice(['s', ''])}     {m}",
    has_levels=False,
)

PYTHON = System(
    "PythonApp",
    (
        Event("Task {uuid} received: tasks.resize_image(id={int}, size={small})", source="celery.worker.strategy"),
        Event("Task {uuid} succeeded in {dur}: None", source="celery.app.trace"),
        Event("Task {uuid} retry: Retry in {small}s: ConnectionError('{host}')", "WARN", "celery.app.trace"),
        Event("Task {uuid} raised unexpected: KeyError('{word}')", "ERROR", "celery.app.trace"),
        Event("Connected to redis://{hostport}/0", source="celery.worker.consumer.connection"),
        Event("mingle: searching for neighbors", source="celery.worker.consumer.mingle"),
        Event("mingle: all alone", source="celery.worker.consumer.mingle"),
        Event('"GET /healthz HTTP/1.1" 200 {small}', source="gunicorn.access"),
        Event('"POST /upload HTTP/1.1" 413 {int}', "WARN", "gunicorn.access"),
        Event("Worker exiting (pid: {pid})", source="gunicorn.error"),
        Event("Booting worker with pid: {pid}", source="gunicorn.error"),
        Event("Slow query ({dur}): SELECT * FROM images WHERE owner_id = {int}", "WARN", "app.db"),
        Event("cache hit ratio {pct} over {int} lookups", "DEBUG", "app.cache"),
    ),
    lambda r, t, e, m: f"{_ms(t)} - {e.source} - {_LEVEL_NAME[e.level]} - {m}",
)

LOGBACK = System(
    "Logback",
    (
        Event("Started Application in {float} seconds (JVM running for {float})", source="c.e.Application"),
        Event("[Consumer clientId=consumer-{small}, groupId={word}] Subscribed to topic(s): orders", source="o.a.k.clients.consumer.KafkaConsumer"),
        Event("[Consumer clientId=consumer-{small}, groupId={word}] Resetting offset for partition orders-{small} to offset {int}.", source="o.a.k.c.c.internals.SubscriptionState"),
        Event("[Consumer clientId=consumer-{small}, groupId={word}] Member consumer-{small}-{uuid} sending LeaveGroup request to coordinator {host}:9092 (id: {int} rack: null)", source="o.a.k.c.c.internals.AbstractCoordinator"),
        Event("Processed batch of {int} records in {dur}", "DEBUG", "c.e.pipeline.BatchWorker"),
        Event("Skipped malformed record at offset {int}: unexpected character '{small}'", "WARN", "c.e.pipeline.Parser"),
        Event("Lag for partition orders-{small} is {int} records", "WARN", "c.e.pipeline.LagMonitor"),
        Event("Commit failed for offsets {{orders-{small}=OffsetAndMetadata{{offset={int}, leaderEpoch=null, metadata=''}}}}", "ERROR", "o.a.k.c.c.internals.ConsumerCoordinator"),
        Event("Heartbeat thread closed", "DEBUG", "o.a.k.c.c.internals.AbstractCoordinator"),
    ),
    lambda r, t, e, m: (
        f"{t:%H:%M:%S}.{t.microsecond // 1000:03d} [{r.choice(['main', 'pool-1-thread-' + str(r.randint(1, 9)), 'kafka-coordinator-heartbeat-thread | orders'])}] "
        f"{e.level:<5} {e.source} - {m}"
    ),
    parts="time-only",
)

CASSANDRA = System(
    "Cassandra",
    (
        Event("Node /{ip} state jump to NORMAL", source="StorageService.java:{int}"),
        Event("Node /{ip} state jump to LEAVING", source="StorageService.java:{int}"),
        Event("Node /{ip} is now part of the cluster", source="Gossiper.java:{int}"),
        Event("InetAddress /{ip} is now DOWN", source="Gossiper.java:{int}"),
        Event("InetAddress /{ip} is now UP", source="Gossiper.java:{int}"),
        Event("Enqueuing flush of {keyspace}: {size} ({pct}) on-heap, {size} ({pct}) off-heap", source="ColumnFamilyStore.java:{int}"),
        Event("Completed flushing {path} ({size}) for commitlog position CommitLogPosition(segmentId={int}, position={int})", source="Memtable.java:{int}"),
        Event("Compacted (task id: {uuid}, compaction history id: {uuid}) {small} sstables to [{path},] to level=0.  {size} to {size} (~{pct} of original) in {ms}ms.", source="CompactionTask.java:{int}"),
        Event("GC for ParNew: {ms} ms for {small} collections, {int} used; max is {int}", "WARN", "GCInspector.java:{int}"),
        Event("Unexpected exception during request; channel = [id: 0x{hex8}, L:/{ipport} - R:/{ipport}]", "ERROR", "Message.java:{int}"),
        Event("Timeout while read-repairing after receiving all {small} data and digest responses", "DEBUG", "ReadCallback.java:{int}"),
    ),
    lambda r, t, e, m: (
        f"{e.level:<5} [{r.choice(['main', 'GossipStage:1', 'CompactionExecutor:' + str(r.randint(1, 9)), 'MemtableFlushWriter:2', 'Native-Transport-Requests-' + str(r.randint(1, 30))])}] "
        f"{_ms(t)} {fill(e.source, r)} - {m}"
    ),
)

BRACKETED = System(
    "Bracketed",
    (
        Event("pool exhausted: {small}/{small} connections in use, waited {dur}", "WARN", "db.pool"),
        Event("connection to {hostport} established in {dur}", "INFO", "db.pool"),
        Event("query took {dur}: SELECT id FROM {word} WHERE owner = ?", "DEBUG", "db.query"),
        Event("user {user} logged in from {ip}", "INFO", "auth"),
        Event("user {user} failed to log in from {ip}: bad password", "WARN", "auth"),
        Event("token {md5} expired", "INFO", "auth"),
        Event("job {uuid} state changed to QUEUED", "INFO", "scheduler"),
        Event("job {uuid} state changed to RUNNING", "INFO", "scheduler"),
        Event("job {uuid} state changed to DONE", "INFO", "scheduler"),
        Event("job {uuid} state changed to FAILED", "ERROR", "scheduler"),
        Event("upload of {path} ({size}) finished", "INFO", "storage"),
        Event("disk usage on {path} at {pct}", "WARN", "storage"),
        Event("unhandled error in handler {word}: {exc}", "ERROR", "web"),
    ),
    lambda r, t, e, m: (
        f"[{_ms(t, '.')}] [pid {r.randint(100, 9999)}] [{e.level}] ({e.source}) {m}"
    ),
)

ISO_OFFSET = dt.timedelta(hours=2)
SYSLOG_ISO = System(
    "SyslogISO",
    (
        Event("Started Session {int} of user {user}.", source="systemd[1]"),
        Event("Removed slice User Slice of UID {int}.", source="systemd[1]"),
        Event("Starting Daily apt upgrade and clean activities...", source="systemd[1]"),
        Event("Accepted publickey for {user} from {ip} port {port} ssh2: RSA SHA256:{md5}", source="sshd[{pid}]"),
        Event("Disconnected from user {user} {ip} port {port}", source="sshd[{pid}]"),
        Event("pam_unix(cron:session): session opened for user {user} by (uid=0)", source="CRON[{pid}]"),
        Event("({user}) CMD (/usr/local/bin/backup.sh --target {path})", source="CRON[{pid}]"),
        Event("[UFW BLOCK] IN=eth0 OUT= MAC={mac} SRC={ip} DST={ip} LEN={small} TTL=64 PROTO=TCP SPT={port} DPT={port}", source="kernel"),
        Event("Out of memory: Killed process {pid} ({word}) total-vm:{int}kB, anon-rss:{int}kB", source="kernel"),
        Event("error: kex_exchange_identification: Connection closed by remote host", source="sshd[{pid}]"),
    ),
    lambda r, t, e, m: (
        f"{(t + ISO_OFFSET):%Y-%m-%dT%H:%M:%S}.{t.microsecond:06d}+02:00 "
        f"{r.choice(['web-01', 'web-02', 'db-01'])} {fill(e.source, r)}: {m}"
    ),
    has_levels=False,
)

GOLOG = System(
    "GoLogfmt",
    (
        # In structured lines the event is the msg; the other keys are its fields.
        Event('msg="request served" method={method} path={path} status={status} duration={godur}'),
        Event('msg="cache refreshed" entries={int} took={godur}', "DEBUG"),
        Event('msg="upstream slow" upstream={hostport} latency={godur}', "WARN"),
        Event('msg="upstream failed" upstream={hostport} err="dial tcp {ipport}: connect: connection refused"', "ERROR"),
        Event('msg="leader elected" node={node} term={small}'),
        Event('msg="config reloaded" file={path}'),
    ),
    lambda r, t, e, m: (
        f'time="{t:%Y-%m-%dT%H:%M:%S}.{t.microsecond // 1000:03d}Z" level={e.level.lower()} {m}'
    ),
)

ZAP = System(
    "ZapConsole",
    (
        # zap's console encoder: time, level, logger and caller, each followed by a tab; a
        # logger logs many events, and an event comes from several loggers.
        Event("Starting workers", source="controller"),
        Event("Reconciling object {uuid}", "DEBUG", "controller"),
        Event("Served request in {godur}", source="http"),
        Event("Lease renewal failed, retrying in {godur}", "WARN", "leader"),
        Event("Failed to sync {word} from {hostport}", "ERROR", "controller"),
        Event("Opened database at {path}", source="store"),
        Event("Compacted {int} keys", "DEBUG", "store"),
    ),
    lambda r, t, e, m: (
        f"{t:%Y-%m-%dT%H:%M:%S}.{t.microsecond // 1000:03d}Z\t{e.level}\t"
        f"{r.choice(['manager', 'manager.' + e.source, e.source])}\t"
        f"{e.source}/{r.choice(['run', 'sync', 'lease'])}.go:{r.randint(20, 400)}\t{m}"
    ),
)

DOTNET_US = System(
    "DotNetUS",
    (
        # An unpadded US date and a 12-hour clock, as .NET's default culture writes them.
        Event("Application started. Press Ctrl+C to shut down.", source="Microsoft.Hosting.Lifetime"),
        Event("Request starting HTTP/1.1 GET /api/orders/{int}", source="Microsoft.AspNetCore.Hosting"),
        Event("Executed endpoint '{word}Controller.Get'", source="Microsoft.AspNetCore.Routing"),
        Event("Slow query took {ms} ms", "WARN", "App.Data.Repository"),
        Event("Unhandled exception for user {user}", "ERROR", "App.Api.ErrorHandler"),
        Event("Cache entry {uuid} evicted", "DEBUG", "App.Cache"),
    ),
    lambda r, t, e, m: (
        f"{t.month}/{t.day}/{t.year} {t.hour % 12 or 12}:{t:%M:%S} "
        f"{'PM' if t.hour >= 12 else 'AM'} [{e.level}] {e.source}: {m}"
    ),
)

_VOCAB = ["cache", "connection", "session", "worker", "queue", "request", "buffer", "index", "snapshot", "replica", "lease", "token", "channel", "segment", "manifest", "checkpoint", "shard", "volume", "mount", "route", "policy", "quota", "schema", "table", "opened", "closed", "flushed", "rebuilt", "expired", "evicted", "renewed", "dropped", "accepted", "rejected", "stalled", "resumed", "paused", "merged", "split", "promoted", "demoted", "scheduled", "skipped", "for", "from", "to", "on", "with", "after", "before", "while", "during", "into", "the", "a", "new", "old", "stale", "primary", "local", "remote", "pending", "active"]
_SLOTS = ("int", "ip", "path", "dur", "size", "hex", "uuid", "hostport", "user", "pct")


def long_tail_events(count: int, seed: int = 7) -> tuple[Event, ...]:
    """Made-up events, as many as a busy system has: 3-7 words and 1-3 values each, distinct
    once their values are masked, so many are rare and some differ from others by one word."""
    rng = random.Random(seed)
    seen: set[str] = set()
    events = []
    while len(events) < count:
        words = rng.sample(_VOCAB, rng.randint(3, 7))
        for _ in range(rng.randint(1, 3)):
            words.insert(rng.randint(1, len(words)), "{" + rng.choice(_SLOTS) + "}")
        template = " ".join(words)
        shape = _SLOT.sub("<*>", template)
        if shape not in seen:
            seen.add(shape)
            level = rng.choices(["INFO", "DEBUG", "WARN", "ERROR"], [6, 3, 2, 1])[0]
            events.append(Event(template, level, rng.choice(["svc.core", "svc.store", "svc.net"])))
    return tuple(events)


LONG_TAIL = System(
    "LongTail",
    long_tail_events(120),
    lambda r, t, e, m: f"{_ms(t, '.')} [{e.level}] {e.source}: {m}",
)

SYSTEMS = (
    HADOOP, ZOOKEEPER, OPENSTACK, THUNDERBIRD, WINDOWS, ANDROID, HPC, PROXIFIER,
    SPRING, REDIS, SQLSERVER, PYTHON, LOGBACK, CASSANDRA, BRACKETED, SYSLOG_ISO, GOLOG,
    ZAP, DOTNET_US, LONG_TAIL,
)  # fmt: skip
