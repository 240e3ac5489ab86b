# ruff: noqa: E501  (event tables read best one event per line)
"""Log shapes written fresh in session 8 and measured once before any change was made for them.

Three batches, from memory of each system's format (none from a file): 22 servers and
daemons, 20 home-lab and build tools, 18 structural variants (a compose prefix, klog behind a
runtime's time, JSON of several kinds, labels without a time). At first measurement 18, 17
and 16 of them had time, level and records right. The rules they led to are in
agent/analysis/logs; FRESH holds the shapes that are right now, STILL_WRONG those that are not
(bench/synthetic_logs.py prints both; tests/test_logs_synthetic.py holds floors on FRESH).
"""

from __future__ import annotations

import datetime as dt
import json

from synthetic_systems import Event, System, _hex, _ip

E = Event


def ms(t: dt.datetime, sep: str = ",") -> str:
    """The clock with milliseconds after sep."""
    return f"{t:%H:%M:%S}{sep}{t.microsecond // 1000:03d}"


def iso(t: dt.datetime, digits: int = 3) -> str:
    """ISO 8601 in UTC with so many fraction digits."""
    return f"{t:%Y-%m-%dT%H:%M:%S}.{t.microsecond:06d}"[: 20 + digits] + "Z"


def epoch(t: dt.datetime) -> float:
    """Epoch seconds of a naive UTC time."""
    return t.replace(tzinfo=dt.UTC).timestamp()


# --- servers and daemons ------------------------------------------------------------------

TOMCAT_L = {"INFO": "INFO", "WARN": "WARNING", "ERROR": "SEVERE", "DEBUG": "FINE"}
TOMCAT = System("Tomcat", (
    E("Server startup in [{int}] milliseconds", "INFO", "org.apache.catalina.startup.Catalina.start"),
    E("Starting ProtocolHandler [\"http-nio-{port}\"]", "INFO", "org.apache.coyote.AbstractProtocol.start"),
    E("Deploying web application archive [{path}]", "INFO", "org.apache.catalina.startup.HostConfig.deployWAR"),
    E("The web application [{word}] appears to have started a thread named [{word}-{small}] but has failed to stop it.", "WARN", "org.apache.catalina.loader.WebappClassLoaderBase.clearReferencesThreads"),
    E("Servlet.service() for servlet [{word}] in context with path [/{word}] threw exception", "ERROR", "org.apache.catalina.core.StandardWrapperValve.invoke"),
    E("Checking for session {hex8}", "DEBUG", "org.apache.catalina.session.ManagerBase.processExpires"),
), lambda r, t, e, m: f"{t:%d-%b-%Y} {ms(t, '.')} {TOMCAT_L[e.level]} [{r.choice(['main', 'http-nio-8080-exec-' + str(r.randint(1, 9))])}] {e.source} {m}")

KAFKA = System("KafkaServer", (
    E("[KafkaServer id={small}] started", "INFO", "kafka.server.KafkaServer"),
    E("[Log partition={word}-{small}, dir={path}] Rolled new log segment at offset {int} in {ms} ms.", "INFO", "kafka.log.Log"),
    E("[GroupCoordinator {small}]: Member consumer-{small} in group {word} has failed, removing it from the group", "INFO", "kafka.coordinator.group.GroupCoordinator"),
    E("[ReplicaFetcher replicaId={small}, leaderId={small}, fetcherId=0] Error in response for fetch request", "WARN", "kafka.server.ReplicaFetcherThread"),
    E("[Controller id={small}] Error while electing leader for partition {word}-{small}", "ERROR", "kafka.controller.KafkaController"),
    E("[SocketServer listenerType=ZK_BROKER, nodeId={small}] Accepted connection from /{ip}:{port}", "DEBUG", "kafka.network.SocketServer"),
), lambda r, t, e, m: f"[{t:%Y-%m-%d} {ms(t)}] {e.level} {m} ({e.source})")

LOGSTASH = System("Logstash", (
    E("Successfully started Logstash API endpoint {{:port=>{port}}}", "INFO", "logstash.agent"),
    E("Pipeline started {{\"pipeline.id\"=>\"{word}\"}}", "INFO", "logstash.javapipeline"),
    E("Could not index event to Elasticsearch. {{:status=>400, :action=>[\"index\", {{:_id=>nil}}]}}", "WARN", "logstash.outputs.elasticsearch"),
    E("Attempted to send a bulk request but Elasticsearch appears to be unreachable or down {{:error_message=>\"Connection refused\"}}", "ERROR", "logstash.outputs.elasticsearch"),
    E("Pushing flush onto pipeline {{:pipeline_id=>\"{word}\"}}", "DEBUG", "logstash.pipeline"),
), lambda r, t, e, m: f"[{t:%Y-%m-%dT%H:%M:%S},{t.microsecond // 1000:03d}][{e.level:<5}][{e.source:<25}] {m}")

FLUENTD = System("Fluentd", (
    E("#0 starting fluentd worker pid={pid} ppid={pid} worker=0", "INFO"),
    E("#0 following tail of {path}", "INFO"),
    E("#0 failed to flush the buffer. retry_times={small} next_retry_time={int} chunk=\"{md5}\" error_class=Errno::ECONNREFUSED", "WARN"),
    E("#0 unexpected error error_class=Fluent::ConfigError error=\"{word} is not supported\"", "ERROR"),
    E("#0 fluent/log.rb:{int}:debug: buffer chunk {md5} enqueued", "DEBUG"),
), lambda r, t, e, m: f"{t:%Y-%m-%d %H:%M:%S} +0000 [{e.level.lower()}]: {m}")

TWISTED = System("Twisted", (
    E("Log opened.", "INFO"),
    E("Site starting on {port}", "INFO"),
    E("\"{ip}\" - - [05/Mar/2024:14:22:01 +0000] \"GET /{word} HTTP/1.1\" 200 {bytes} \"-\" \"curl/8.5\"", "INFO"),
    E("Unhandled error in Deferred:", "INFO"),
    E("Stopping factory <twisted.web.server.Site object at 0x{hex8}>", "INFO"),
), lambda r, t, e, m: f"{t:%Y-%m-%d %H:%M:%S}+0000 [{r.choice(['-', 'HTTPChannel,' + str(r.randint(0, 40)) + ',' + _ip(r)])}] {m}", has_levels=False)

MC = System("Minecraft", (
    E("Done ({float}s)! For help, type \"help\"", "INFO", "Server thread"),
    E("{user} joined the game", "INFO", "Server thread"),
    E("{user} lost connection: Disconnected", "INFO", "Server thread"),
    E("Can't keep up! Is the server overloaded? Running {ms}ms or {small} ticks behind", "WARN", "Server thread"),
    E("Encountered an unexpected exception", "ERROR", "Server thread"),
    E("Saving chunks for level 'ServerLevel[{word}]'/minecraft:overworld", "INFO", "Server thread"),
), lambda r, t, e, m: f"[{t:%H:%M:%S}] [{e.source}/{e.level}]: {m}", parts="time-only")

OPENVPN = System("OpenVPN", (
    E("{user}/{ipport} MULTI_sva: pool returned IPv4={ip}, IPv6=(Not enabled)", "INFO"),
    E("{ipport} TLS: Initial packet from [AF_INET]{ipport}, sid={hex8} {hex8}", "INFO"),
    E("{ipport} VERIFY OK: depth=0, CN={user}", "INFO"),
    E("{user}/{ipport} SIGUSR1[soft,ping-restart] received, client-instance restarting", "INFO"),
    E("{ipport} TLS Error: TLS handshake failed", "INFO"),
), lambda r, t, e, m: f"{t:%a %b} {t.day:>2} {t:%H:%M:%S %Y} us={t.microsecond} {m}", has_levels=False)

AST_L = {"INFO": "NOTICE", "WARN": "WARNING", "ERROR": "ERROR", "DEBUG": "DEBUG"}
ASTERISK = System("Asterisk", (
    E("Registration from '\"{int}\" <sip:{int}@{ip}>' failed for '{ipport}' - Wrong password", "INFO", "chan_sip.c"),
    E("Got SIP response 486 \"Busy Here\" back from {ipport}", "INFO", "chan_sip.c"),
    E("Unable to create channel of type 'SIP' (cause 20 - Subscriber absent)", "WARN", "app_dial.c"),
    E("Unable to connect to database: {word}", "ERROR", "res_odbc.c"),
    E("Scheduling destruction of SIP dialog '{hex8}@{ip}' in {int} ms (Method: OPTIONS)", "DEBUG", "chan_sip.c"),
), lambda r, t, e, m: f"[{t:%b} {t.day:>2} {t:%H:%M:%S}] {AST_L[e.level]}[{r.randint(1000, 9999)}] {e.source}: {m}", parts="no-year")

UNB_L = {"INFO": "info", "WARN": "warning", "ERROR": "error", "DEBUG": "debug"}
UNBOUND = System("Unbound", (
    E("start of service (unbound 1.17.{small}).", "INFO"),
    E("service stopped (unbound 1.17.{small}).", "INFO"),
    E("generate keytag query _ta-4f66. NULL IN", "INFO"),
    E("error: SERVFAIL <{host}. A IN>: all servers for this domain failed", "WARN"),
    E("can't bind socket: Address already in use for {ip} port 53", "ERROR"),
    E("validator operate: query {host}. A IN", "DEBUG"),
), lambda r, t, e, m: f"[{int(t.replace(tzinfo=dt.UTC).timestamp())}] unbound[{r.randint(100, 999)}:0] {UNB_L[e.level]}: {m}")

TOR_L = {"INFO": "notice", "WARN": "warn", "ERROR": "err", "DEBUG": "info"}
TOR = System("Tor", (
    E("Bootstrapped {small}% (conn): Connecting to a relay", "INFO"),
    E("Tor has successfully opened a circuit. Looks like client functionality is working.", "INFO"),
    E("Heartbeat: Tor's uptime is {small}:00 hours, with {small} circuits open. I've sent {size} and received {size}.", "INFO"),
    E("Problem bootstrapping. Stuck at {small}% (conn): Connecting to a relay. (Connection refused; CONNECTREFUSED; count {small}; recommendation warn; host {hex8} at {ipport})", "WARN"),
    E("Could not bind to {ipport}: Address already in use. Is Tor already running?", "ERROR"),
), lambda r, t, e, m: f"{t:%b %d} {ms(t, '.')} [{TOR_L[e.level]}] {m}", parts="no-year")

BITCOIN = System("BitcoinCore", (
    E("UpdateTip: new best=0000000000000000000{hex8}{hex8}{hex8} height={int} version=0x20000000 log2_work={float} tx={int} date='2024-03-05T14:00:00Z' progress=1.000000 cache={size}({int}txo)", "INFO"),
    E("Saw new header hash=0000000000000000000{hex8}{hex8} height={int}", "INFO"),
    E("New outbound peer connected: version: 70016, blocks={int}, peer={small}", "INFO"),
    E("Socket closed for peer={small}", "INFO"),
    E("ERROR: AcceptBlock: prev block not found", "INFO"),
), lambda r, t, e, m: f"{t:%Y-%m-%dT%H:%M:%S}Z {m}", has_levels=False)

GETH_L = {"INFO": "INFO", "WARN": "WARN", "ERROR": "EROR", "DEBUG": "DBUG", "TRACE": "TRCE"}
GETH = System("Geth", (
    E("Imported new chain segment               number={int} hash=0x{hex8}..{hex8} blocks=1 txs={small} mgas={float} elapsed={dur}", "INFO"),
    E("Looking for peers                        peercount={small} tried={small} static=0", "INFO"),
    E("Snapshot extension registration failed   peer={hex8} err=\"peer connected on snap without compatible eth support\"", "WARN"),
    E("Beacon client online, but no consensus updates received in a while. Please fix your beacon client to follow the chain!", "WARN"),
    E("Failed to journal state snapshot         err=\"snapshot [0x{hex8}] missing\"", "ERROR"),
    E("Served eth_call                          conn={ipport} reqid={int} duration={dur}", "DEBUG"),
), lambda r, t, e, m: f"{GETH_L[e.level]} [{t:%m-%d|%H:%M:%S}.{t.microsecond // 1000:03d}] {m}", parts="no-year")

DMESG = System("Dmesg", (
    E("usb {small}-{small}: new high-speed USB device number {small} using xhci_hcd", "INFO"),
    E("EXT4-fs (sda{small}): mounted filesystem with ordered data mode. Opts: (null)", "INFO"),
    E("e1000e 0000:00:1f.6 eth0: NIC Link is Up 1000 Mbps Full Duplex, Flow Control: None", "INFO"),
    E("audit: type=1400 audit({int}.{small}:{int}): apparmor=\"DENIED\" operation=\"open\" profile=\"{word}\" name=\"{path}\" pid={pid} comm=\"{word}\"", "INFO"),
    E("Out of memory: Killed process {pid} ({word}) total-vm:{int}kB, anon-rss:{int}kB", "INFO"),
), lambda r, t, e, m: f"[{(t - dt.datetime(2016, 1, 1)).total_seconds() % 99999:12.6f}] {m}", parts=None, has_levels=False)

XORG_L = {"INFO": "(II)", "WARN": "(WW)", "ERROR": "(EE)"}
XORG = System("Xorg", (
    E("modeset({small}): Output eDP-{small} connected", "INFO"),
    E("LoadModule: \"{word}\"", "INFO"),
    E("Loading {path}", "INFO"),
    E("evdev: {word}: Device \"{path}\"", "INFO"),
    E("Warning, couldn't open module {word}", "WARN"),
    E("Failed to load module \"{word}\" (module does not exist, 0)", "ERROR"),
), lambda r, t, e, m: f"[{(t - dt.datetime(2016, 1, 1)).total_seconds() % 9999:10.3f}] {XORG_L[e.level]} {m}", parts=None)

CBS_L = {"INFO": "Info", "WARN": "Warning", "ERROR": "Error"}
CBS = System("WindowsCBS", (
    E("Starting TrustedInstaller initialization.", "INFO", "CBS"),
    E("Loaded Servicing Stack v6.1.7601.{int} with Core: {winpath}", "INFO", "CBS"),
    E("Session: {int}_{int} initialized by client WindowsUpdateAgent.", "INFO", "CBS"),
    E("Failed to get next element [HRESULT = 0x800f080d - CBS_E_MANIFEST_INVALID_ITEM]", "ERROR", "CBS"),
    E("Unrecognized packageExtended attribute.", "WARN", "CSI"),
), lambda r, t, e, m: f"{t:%Y-%m-%d %H:%M:%S}, {CBS_L[e.level]:<22}{e.source:<7}{m}")

PM2 = System("Pm2", (
    E("GET /api/{word} 200 {ms} ms - {bytes}", "INFO"),
    E("Listening on port {port}", "INFO"),
    E("Connected to MongoDB at {hostport}", "INFO"),
    E("POST /api/{word} 500 {ms} ms - {bytes}", "INFO"),
), lambda r, t, e, m: f"{r.randint(0, 3)}|{r.choice(['api', 'worker']):<6} | {t:%Y-%m-%dT%H:%M:%S}: {m}", has_levels=False)

SALT_L = {"INFO": "INFO", "WARN": "WARNING", "ERROR": "ERROR", "DEBUG": "DEBUG"}
SALT = System("SaltMinion", (
    E("Returning information for job: 2024030514{int}", "INFO", "salt.minion"),
    E("Executing command '{word}' in directory '/root'", "INFO", "salt.loaded.int.module.cmdmod"),
    E("Minion return retry timer set to {small} seconds (randomized)", "DEBUG", "salt.minion"),
    E("The minion function caused an exception", "WARN", "salt.minion"),
    E("Error while bringing up minion for multi-master. Is master at {ip} responding?", "ERROR", "salt.minion"),
), lambda r, t, e, m: f"{t:%Y-%m-%d} {ms(t)} [{e.source:<17}:{r.randint(100, 2999):<4}][{SALT_L[e.level]:<8}][{r.randint(1000, 99999)}] {m}")

ICINGA_L = {"INFO": "information", "WARN": "warning", "FATAL": "critical", "DEBUG": "debug"}
ICINGA = System("Icinga2", (
    E("Committing config item(s).", "INFO", "ConfigItem"),
    E("Connecting to API endpoint '{host}' ({ipport}).", "INFO", "ApiListener"),
    E("Reconnecting to endpoint '{host}' via host '{ip}' and port '5665'", "INFO", "ApiListener"),
    E("Check command for object 'Host' '{host}' (PID {pid}, arguments: '{path}') terminated with exit code 128", "WARN", "PluginCheckTask"),
    E("Cannot connect to host '{ip}' on port '5665': Connection refused", "FATAL", "TcpSocket"),
    E("Sending config update for endpoint '{host}' in zone '{word}'.", "DEBUG", "ApiListener"),
), lambda r, t, e, m: f"[{t:%Y-%m-%d %H:%M:%S} +0000] {ICINGA_L[e.level]}/{e.source}: {m}")

MYSQL_L = {"INFO": "System", "WARN": "Warning", "ERROR": "ERROR", "DEBUG": "Note"}
MYSQL = System("MySQL8", (
    E("/usr/sbin/mysqld (mysqld 8.0.{small}) starting as process {pid}", "INFO", "MY-010116"),
    E("InnoDB initialization has started.", "INFO", "MY-013576"),
    E("Aborted connection {int} to db: '{word}' user: '{user}' host: '{ip}' (Got an error reading communication packets).", "DEBUG", "MY-010914"),
    E("CA certificate ca.pem is self signed.", "WARN", "MY-010068"),
    E("Can't start server: Bind on TCP/IP port: Address already in use", "ERROR", "MY-010262"),
), lambda r, t, e, m: f"{t:%Y-%m-%dT%H:%M:%S}.{t.microsecond:06d}Z {r.choice([0, 0, r.randint(1, 99)])} [{MYSQL_L[e.level]}] [{e.source}] [{r.choice(['Server', 'InnoDB'])}] {m}")
# MySQL's Note is INFO in every tool; [System] marks startup and shutdown.
MYSQL = System(MYSQL.name, tuple(Event(e.template, "INFO" if e.level == "DEBUG" else e.level, e.source) for e in MYSQL.events),
               lambda r, t, e, m: f"{t:%Y-%m-%dT%H:%M:%S}.{t.microsecond:06d}Z {r.choice([0, 0, r.randint(1, 99)])} [{ {'INFO': 'System' if 'MY-01' in e.source and ('starting' in m or 'initialization' in m) else 'Note', 'WARN': 'Warning', 'ERROR': 'ERROR'}[e.level]}] [{e.source}] [{r.choice(['Server', 'InnoDB'])}] {m}")

MSSQL = System("SqlServer", (
    E("Login failed for user '{user}'. Reason: Password did not match that for the login provided. [CLIENT: {ip}]", "INFO", "Logon"),
    E("Starting up database '{word}'.", "INFO", "spid"),
    E("SQL Server is now ready for client connections. This is an informational message; no user action is required.", "INFO", "spid"),
    E("Error: 18456, Severity: 14, State: 8.", "INFO", "Logon"),
    E("CHECKDB for database '{word}' finished without errors on 2024-03-05 12:00:00.000 (local time).", "INFO", "spid"),
), lambda r, t, e, m: f"{t:%Y-%m-%d %H:%M:%S}.{t.microsecond // 10000:02d} {e.source + str(r.randint(10, 80)) + 's' if e.source == 'spid' else 'Logon':<12}{m}", has_levels=False)

WL_L = {"INFO": "Info", "WARN": "Warning", "ERROR": "Error", "DEBUG": "Debug"}
def _wl(r, t, e, m):
    h = t.hour % 12 or 12
    return (f"####<{t:%b} {t.day}, {t.year} {h}:{t:%M:%S},{t.microsecond // 1000:03d} {'AM' if t.hour < 12 else 'PM'} UTC> "
            f"<{WL_L[e.level]}> <{e.source}> <{r.choice(['host1', 'host2'])}> <AdminServer> <[ACTIVE] ExecuteThread: '{r.randint(0, 9)}' for queue: 'weblogic.kernel.Default (self-tuning)'> "
            f"<<WLS Kernel>> <> <{_hex(r, 8)}-{_hex(r, 4)}> <{int(t.replace(tzinfo=dt.UTC).timestamp() * 1000)}> <[severity-value: 64] [rid: 0] > <BEA-{r.randint(0, 999999):06d}> <{m}>")
WEBLOGIC = System("WebLogic", (
    E("Server state changed to RUNNING.", "INFO", "WebLogicServer"),
    E("Started the WebLogic Server Administration Server \"AdminServer\" for domain \"{word}\" running in production mode.", "INFO", "WebLogicServer"),
    E("Connection Pool \"{word}\" deployed, specified by the module {word}.", "INFO", "JDBC"),
    E("The connection pool {word} is overloaded, rejecting request.", "WARN", "JDBC"),
    E("Failed to deploy the application {word} due to error weblogic.application.ModuleException.", "ERROR", "Deployer"),
), _wl)

FIREWALL = System("WinFirewall", (
    E("DROP TCP {ip} {ip} {port} 443 60 S {int} 0 8192 - - - RECEIVE", "INFO"),
    E("ALLOW UDP {ip} {ip} {port} 53 0 - - - - - - - SEND", "INFO"),
    E("ALLOW TCP {ip} {ip} {port} 443 0 - - - - - - - SEND", "INFO"),
    E("DROP ICMP {ip} {ip} - - 84 - - - - 8 0 - RECEIVE", "INFO"),
), lambda r, t, e, m: f"{t:%Y-%m-%d %H:%M:%S} {m}", has_levels=False)

# --- home-lab and build tools ---------------------------------------------------------------

HASS = System("HomeAssistant", (
    E("Setting up {word}", "INFO", "homeassistant.setup"),
    E("Setup of domain {word} took {float} seconds", "INFO", "homeassistant.setup"),
    E("Error fetching {word} data: Timeout fetching data from {ipport}", "ERROR", "homeassistant.components.sensor"),
    E("Update of sensor.{word} is taking over 10 seconds", "WARN", "homeassistant.helpers.entity"),
    E("Bus:Handling <Event state_changed[L]: entity_id=sensor.{word}>", "DEBUG", "homeassistant.core"),
), lambda r, t, e, m: f"{t:%Y-%m-%d} {ms(t, '.')} {e.level if e.level != 'WARN' else 'WARNING'} ({r.choice(['MainThread', 'SyncWorker_' + str(r.randint(0, 9))])}) [{e.source}] {m}")

ODOO = System("Odoo", (
    E("{small} modules loaded in {float}s, 0 queries", "INFO", "odoo.modules.loading"),
    E("{ip} - - [05/Mar/2024 14:22:01] \"POST /web/dataset/call_kw HTTP/1.1\" 200 - {small} {float} {float}", "INFO", "werkzeug"),
    E("Registry loaded in {float}s", "INFO", "odoo.modules.registry"),
    E("Field {word}.{word} should be declared with a string attribute", "WARN", "odoo.fields"),
    E("Failed to load registry", "ERROR", "odoo.sql_db"),
), lambda r, t, e, m: f"{t:%Y-%m-%d} {ms(t)} {r.randint(1000, 9999)} {'WARNING' if e.level == 'WARN' else e.level} {r.choice(['prod', '?'])} {e.source}: {m}")

DJ_STATUS = {"INFO": ["200", "302", "304"], "WARN": ["404", "403"], "ERROR": ["500", "502"]}
DJANGO = System("DjangoRunserver", (
    E("\"GET /{word}/ HTTP/1.1\" ", "INFO"),
    E("\"POST /api/{word} HTTP/1.1\" ", "INFO"),
    E("\"GET /static/{word}.css HTTP/1.1\" ", "WARN"),
    E("\"GET /admin/{word} HTTP/1.1\" ", "ERROR"),
), lambda r, t, e, m: f"[{t:%d/%b/%Y %H:%M:%S}] {m}{r.choice(DJ_STATUS[e.level])} {r.randint(0, 99999)}")

RUBY_L = {"INFO": "I", "WARN": "W", "ERROR": "E", "DEBUG": "D", "FATAL": "F"}
RUBY = System("RubyLogger", (
    E("Started GET \"/{word}\" for {ip} at 2024-03-05 14:22:01 +0000", "INFO"),
    E("Completed 200 OK in {ms}ms (Views: {float}ms | ActiveRecord: {float}ms)", "INFO"),
    E("Processing by {word}Controller#index as HTML", "INFO"),
    E("DEPRECATION WARNING: {word} is deprecated", "WARN"),
    E("ActiveRecord::RecordNotFound (Couldn't find User with 'id'={int}):", "ERROR"),
    E("  CACHE User Load ({float}ms)  SELECT \"users\".* FROM \"users\" WHERE \"users\".\"id\" = $1 LIMIT $2", "DEBUG"),
), lambda r, t, e, m: f"{RUBY_L[e.level]}, [{t:%Y-%m-%dT%H:%M:%S}.{t.microsecond:06d} #{r.randint(1000, 9999)}] {e.level:>5} -- : {m}")

SUPERVISOR_L = {"INFO": "INFO", "WARN": "WARN", "FATAL": "CRIT", "DEBUG": "DEBG"}
SUPERVISOR = System("Supervisord", (
    E("spawned: '{word}' with pid {pid}", "INFO"),
    E("success: {word} entered RUNNING state, process has stayed up for > than 1 seconds (startsecs)", "INFO"),
    E("exited: {word} (exit status 1; not expected)", "WARN"),
    E("Supervisor is running as root.  Privileges were not dropped because no user is specified in the config file.", "FATAL"),
    E("'{word}' stdout output:\nhello", "DEBUG"),
), lambda r, t, e, m: f"{t:%Y-%m-%d} {ms(t)} {SUPERVISOR_L[e.level]} {m.splitlines()[0]}")

def _slurm(r, t, e, m):
    label = {"INFO": "", "WARN": "warning: ", "ERROR": "error: ", "DEBUG": "debug:  "}[e.level]
    return f"[{t:%Y-%m-%dT%H:%M:%S}.{t.microsecond // 1000:03d}] {label}{m}"
SLURM = System("Slurm", (
    E("_slurm_rpc_submit_batch_job: JobId={int} InitPrio={int} usec={int}", "INFO"),
    E("sched: Allocate JobId={int} NodeList=node[{small}-{small}] #CPUs={small} Partition={word}", "INFO"),
    E("_job_complete: JobId={int} WEXITSTATUS 0", "INFO"),
    E("Node node{small} now responding", "INFO"),
    E("Node node{small} not responding, setting DOWN", "ERROR"),
    E("slurmctld: Configured MailProg is invalid", "WARN"),
    E("backfill: beginning", "DEBUG"),
), _slurm)

def _windns(r, t, e, m):
    h = t.hour % 12 or 12
    return f"{t.month}/{t.day}/{t.year} {h}:{t:%M:%S} {'AM' if t.hour < 12 else 'PM'} {_hex(r, 4).upper()} PACKET  {_hex(r, 16).upper()} UDP {m}"
WINDNS = System("WinDnsDebug", (
    E("Rcv {ip}    {hex8}   Q [0001   D   NOERROR] A      (3)www(7)example(3)com(0)", "INFO"),
    E("Snd {ip}    {hex8} R Q [8081   DR  NOERROR] A      (3)www(7)example(3)com(0)", "INFO"),
    E("Rcv {ip}    {hex8}   Q [0001   D   NOERROR] AAAA   (4)mail(7)example(3)net(0)", "INFO"),
    E("Snd {ip}    {hex8} R Q [8385 A DR NXDOMAIN] A      (5){word}(5)local(0)", "INFO"),
), _windns, has_levels=False)

FLINK = System("Flink", (
    E("Received task {word} ({md5}_{small}_{small}), deploy into slot with allocation id {md5}.", "INFO", "org.apache.flink.runtime.taskexecutor.TaskExecutor"),
    E("{word} (1/1)#0 ({md5}) switched from RUNNING to FINISHED.", "INFO", "org.apache.flink.runtime.taskmanager.Task"),
    E("Checkpoint {int} of job {md5} expired before completing.", "WARN", "org.apache.flink.runtime.checkpoint.CheckpointCoordinator"),
    E("Fatal error occurred in TaskExecutor akka.tcp://flink@{ipport}/user/rpc/taskmanager_0.", "ERROR", "org.apache.flink.runtime.taskexecutor.TaskManagerRunner"),
), lambda r, t, e, m: f"{t:%Y-%m-%d} {ms(t)} {e.level:<5} {e.source} [] - {m}")

ARTIFACTORY = System("Artifactory", (
    E("Storing file {path} from repository {word}-local", "INFO", "RepoServiceImpl:123"),
    E("Successfully downloaded {path} in {ms} ms", "INFO", "HttpRepo:412"),
    E("Download of {path} failed: Connection reset", "WARN", "HttpRepo:440"),
    E("Failed to start the Artifactory context: Database is not accessible", "ERROR", "ArtifactoryContextConfigListener:141"),
    E("Acquired lock on {word}", "DEBUG", "LockingAdvice:66"),
), lambda r, t, e, m: f"{t:%Y-%m-%dT%H:%M:%S}.{t.microsecond // 1000:03d}Z [jfrt ] [{e.level:<5}] [{_hex(r, 16)}] [{e.source:<40}] [http-nio-8081-exec-{r.randint(1, 9)}] - {m}")

SONAR = System("SonarQube", (
    E("Starting {word}", "INFO", "o.s.p.ProcessEntryPoint"),
    E("Process[{word}] is up", "INFO", "o.s.a.SchedulerImpl"),
    E("Elasticsearch is waiting for the cluster to be yellow", "WARN", "o.s.a.es.EsConnectorImpl"),
    E("Web server startup failed", "ERROR", "o.s.s.p.Platform"),
    E("Register metrics for {word}", "DEBUG", "o.s.s.m.MetricsRegistry"),
), lambda r, t, e, m: f"{t:%Y.%m.%d %H:%M:%S} {e.level:<5} {r.choice(['web', 'ce', 'app'])}[][{e.source}] {m}")

MOSQUITTO = System("Mosquitto", (
    E("New connection from {ip}:{port} on port 1883.", "INFO"),
    E("New client connected from {ip}:{port} as {word}-{hex8} (p2, c1, k60, u'{user}').", "INFO"),
    E("Client {word}-{hex8} disconnected.", "INFO"),
    E("Client {word}-{hex8} has exceeded timeout, disconnecting.", "INFO"),
    E("Saving in-memory database to /var/lib/mosquitto/mosquitto.db.", "INFO"),
), lambda r, t, e, m: f"{int(t.replace(tzinfo=dt.UTC).timestamp())}: {m}", has_levels=False)

FTL_L = {"INFO": "INFO", "WARN": "WARNING", "ERROR": "ERROR", "DEBUG": "DEBUG"}
FTL = System("PiholeFTL", (
    E("Imported {int} queries from the on-disk database", "INFO"),
    E("Compiled {small} allow and {small} deny regex for {small} clients in {float} msec", "INFO"),
    E("Reloading DNS cache", "INFO"),
    E("Long-term load (15min avg) larger than number of processors: {float} > {small}", "WARN"),
    E("Cannot resolve upstream {ip}: REFUSED", "ERROR"),
), lambda r, t, e, m: f"{t:%Y-%m-%d} {ms(t, '.')} UTC [{r.randint(100, 9999)}{r.choice('MT')}] {FTL_L[e.level]}: {m}")

PLEX = System("Plex", (
    E("Request: [{ip}:{port} (WAN)] GET /library/metadata/{int} (12 live) TLS GZIP Signed-in Token ({user})", "DEBUG"),
    E("Completed: [{ip}:{port}] 200 GET /library/sections ({small} live) TLS GZIP {ms}ms {bytes} bytes", "DEBUG"),
    E("Scanner: Processing directory {path}", "INFO"),
    E("Held transcode session {hex8} has timed out", "WARN"),
    E("Failed to connect to MyPlex: {word}", "ERROR"),
), lambda r, t, e, m: f"{t:%b %d, %Y} {ms(t, '.')} [{r.randint(139000000000000, 139999999999999)}] {e.level} - {m}")

JF_L = {"INFO": "INF", "WARN": "WRN", "ERROR": "ERR", "DEBUG": "DBG"}
JELLYFIN = System("Jellyfin", (
    E("Executed all post-startup entry points in {float}", "INFO", "Emby.Server.Implementations.ApplicationHost"),
    E("WS {ip} request", "INFO", "MediaBrowser.Controller.Net.WebSocketConnection"),
    E("Slow HTTP Response from {path} to {ip} in {float} with Status Code 200", "WARN", "Jellyfin.Server.Middleware.ResponseTimeMiddleware"),
    E("Error processing request. URL GET {path}.", "ERROR", "Jellyfin.Server.Middleware.ExceptionMiddleware"),
    E("Processing {word}", "DEBUG", "MediaBrowser.Providers.Manager.ProviderManager"),
), lambda r, t, e, m: f"[{t:%Y-%m-%d} {ms(t, '.')} +00:00] [{JF_L[e.level]}] [{r.randint(1, 99)}] {e.source}: {m}")

SONARR = System("Sonarr", (
    E("Starting RSS Sync", "INFO", "RssSyncService"),
    E("RSS Sync Completed. Reports found: {small}, Reports grabbed: 0", "INFO", "RssSyncService"),
    E("Indexer {word} rss sync didn't cover the period between {int} and {int} UTC. Search may be required.", "WARN", "Fetcher"),
    E("Unable to communicate with {word}", "ERROR", "DownloadClientCheck"),
    E("Checking for updates", "DEBUG", "CheckUpdateService"),
), lambda r, t, e, m: f"{t:%Y-%m-%d %H:%M:%S}.{t.microsecond // 100000}|{e.level.title() if e.level != 'WARN' else 'Warn'}|{e.source}|{m}")

SYNC_L = {"INFO": "INFO", "WARN": "WARNING", "DEBUG": "DEBUG"}
SYNCTHING = System("Syncthing", (
    E("Established secure connection to {hex8} at {ipport}-{ipport}/tcp-client/TLS1.3-TLS_AES_128_GCM_SHA256", "INFO"),
    E("Device {hex8} client is \"syncthing v1.27.{small}\" named \"{word}\" at {ipport}", "INFO"),
    E("Completed initial scan of sendreceive folder \"{word}\" ({hex8})", "INFO"),
    E("Connection to {hex8} at {ipport} closed: reading length: read timeout", "INFO"),
    E("Listen (BEP/tcp): Accepting connection: accept tcp [::]:22000: too many open files", "WARN"),
), lambda r, t, e, m: f"[{_hex(r, 5).upper()}] {t:%Y/%m/%d %H:%M:%S} {SYNC_L[e.level]}: {m}")

QB_L = {"INFO": "N", "WARN": "W", "FATAL": "C"}
QBIT = System("qBittorrent", (
    E("'{word}' added to download list.", "INFO"),
    E("Download completed: '{word}'", "INFO"),
    E("Successfully listening on IP. IP: \"{ip}\". Port: \"TCP/{port}\"", "INFO"),
    E("Failed to download torrent. Torrent: \"{word}\". Reason: \"HTTP error 404\"", "WARN"),
    E("Failed to listen on IP. IP: \"{ip}\". Port: \"TCP/{port}\". Reason: \"Address already in use\"", "FATAL"),
), lambda r, t, e, m: f"({QB_L[e.level]}) {t:%Y-%m-%dT%H:%M:%S} - {m}")

CERTBOT = System("Certbot", (
    E("certbot version: 2.{small}.0", "DEBUG", "certbot._internal.main"),
    E("Requesting a certificate for {host}", "INFO", "certbot._internal.client"),
    E("Sending POST request to https://acme-v02.api.letsencrypt.org/acme/new-order", "DEBUG", "acme.client"),
    E("Certificate not yet due for renewal", "INFO", "certbot._internal.renewal"),
    E("Challenge failed for domain {host}", "WARN", "certbot._internal.auth_handler"),
    E("Some challenges have failed.", "ERROR", "certbot._internal.log"),
), lambda r, t, e, m: f"{t:%Y-%m-%d} {ms(t)}:{'WARNING' if e.level == 'WARN' else e.level}:{e.source}:{m}")

OCTO = System("OctoPrint", (
    E("Starting OctoPrint 1.9.{small}", "INFO", "octoprint.startup"),
    E("Changing monitoring state from \"Printing\" to \"Operational\"", "INFO", "octoprint.util.comm"),
    E("Temperature of extruder {small} is too high: {float}", "WARN", "octoprint.util.comm"),
    E("Unexpected error while reading from serial port", "ERROR", "octoprint.util.comm"),
    E("Send: N{int} M105*{small}", "DEBUG", "octoprint.util.comm"),
), lambda r, t, e, m: f"{t:%Y-%m-%d} {ms(t)} - {e.source} - {'WARNING' if e.level == 'WARN' else e.level} - {m}")

KODI_L = {"INFO": "info", "WARN": "warning", "ERROR": "error", "DEBUG": "debug"}
KODI = System("Kodi", (
    E("Starting Kodi (20.{small} (20.{small}.0) Git:20230315-{hex8}). Platform: Linux x86 64-bit", "INFO", "general"),
    E("VideoPlayer::OpenFile: {path}", "INFO", "general"),
    E("CCurlFile::Stat - Failed: Timeout was reached(28) for {path}", "WARN", "general"),
    E("EXCEPTION Thrown (PythonToCppException) : -->Python callback/script returned the following error<--", "ERROR", "general"),
    E("CAddonMgr::FindAddons: {word} v{small}.0 installed", "DEBUG", "general"),
), lambda r, t, e, m: f"{t:%Y-%m-%d} {ms(t, '.')} T:{r.randint(1000, 9999):<5} {KODI_L[e.level]:>7} <{e.source}>: {m}")

# --- structural variants ---------------------------------------------------------------------

APP = (
    E("Listening on {ipport}", "INFO"),
    E("request {uuid} handled in {dur}", "INFO"),
    E("cache miss for key user:{int}", "DEBUG"),
    E("slow query took {ms} ms: SELECT * FROM {word}", "WARN"),
    E("failed to connect to {hostport}: connection refused", "ERROR"),
)
LW = {"DEBUG": "debug", "INFO": "info", "WARN": "warn", "ERROR": "error"}

COMPOSE = System("ComposePrefix", APP, lambda r, t, e, m: f"{r.choice(['web-1   ', 'worker-1'])}  | {iso(t)} {e.level:<5} {m}")
# klog has no debug letter: its verbose lines are I.
KUBECTL = System("KubectlGlog", tuple(Event(e.template, "INFO" if e.level == "DEBUG" else e.level) for e in APP), lambda r, t, e, m: f"{t:%Y-%m-%dT%H:%M:%S}.{t.microsecond:06d}123Z {'I' if e.level == 'DEBUG' else e.level[0]}{t:%m%d %H:%M:%S}.{t.microsecond:06d}    {r.randint(1, 99)} server.go:{r.randint(10, 999)}] {m}")
HEROKU = System("HerokuApp", APP, lambda r, t, e, m: f"{t:%Y-%m-%dT%H:%M:%S}.{t.microsecond:06d}+00:00 app[web.{r.randint(1, 3)}]: {e.level} {m}")
JENKINS = System("JenkinsTimestamper", (
    E("+ make -j{small} all", "INFO"), E("Running in {path}", "INFO"), E("[Pipeline] sh", "INFO"),
    E("Cloning repository https://git.example.com/{word}.git", "INFO"), E("ERROR: script returned exit code {small}", "INFO"),
), lambda r, t, e, m: f"[{iso(t)}] {m}", has_levels=False)
LOGURU = System("Loguru", tuple(Event(e.template, e.level, f"app.{w}:{f}:{n}") for e, w, f, n in zip(APP, ["http", "server", "cache", "db", "net"], ["run", "handle", "get", "query", "dial"], [12, 40, 7, 88, 19], strict=True)),
                lambda r, t, e, m: f"{t:%Y-%m-%d} {ms(t, '.')} | {'WARNING' if e.level == 'WARN' else e.level:<8} | {e.source} - {m}")
STRUCTLOG = System("Structlog", (
    E("server_started                 port={port}", "INFO"), E("request_handled                path=/{word} duration_ms={ms}", "INFO"),
    E("cache_miss                     key=user:{int}", "DEBUG"), E("slow_query                     table={word} ms={ms}", "WARN"),
    E("upstream_failed                host={host} error='connection refused'", "ERROR"),
), lambda r, t, e, m: f"{t:%Y-%m-%d %H:%M:%S} [{('warning' if e.level == 'WARN' else e.level.lower()):<9}] {m}")
PYDEFAULT = System("PythonDefault", APP, lambda r, t, e, m: f"{'WARNING' if e.level == 'WARN' else e.level}:{r.choice(['root', 'app.server', 'urllib3.connectionpool'])}:{m}", parts=None)
UVICORN = System("Uvicorn", (
    E("{ip}:{port} - \"GET /{word} HTTP/1.1\" 200 OK", "INFO"), E("Started server process [{pid}]", "INFO"),
    E("Application startup complete.", "INFO"), E("Invalid HTTP request received.", "WARN"), E("Exception in ASGI application", "ERROR"),
), lambda r, t, e, m: f"{('WARNING' if e.level == 'WARN' else e.level) + ':':<9} {m}", parts=None)
ZAP = System("ZapJSON", APP, lambda r, t, e, m: json.dumps({"level": LW[e.level], "ts": round(epoch(t) + t.microsecond / 1e6 * 0, 3), "caller": f"server/{r.choice(['a', 'b'])}.go:{r.randint(1, 300)}", "msg": m}))
WINSTON = System("WinstonJSON", APP, lambda r, t, e, m: json.dumps({"level": LW[e.level], "message": m, "timestamp": iso(t)}))
LOGBACK = System("LogbackTime", tuple(Event(e.template, e.level, c) for e, c in zip(APP, ["c.e.Http", "c.e.Server", "c.e.Cache", "c.e.Db", "c.e.Net"], strict=True)),
                 lambda r, t, e, m: f"{ms(t, '.')} [{r.choice(['main', 'http-nio-8080-exec-3', 'pool-1-thread-2'])}] {e.level:<5} {e.source} - {m}", parts="time-only")
SER_L = {"DEBUG": "DBG", "INFO": "INF", "WARN": "WRN", "ERROR": "ERR"}
SERILOG = System("SerilogConsole", APP, lambda r, t, e, m: f"[{t:%H:%M:%S} {SER_L[e.level]}] {m}", parts="time-only")
RUST = System("RustTracing", tuple(Event(e.template, e.level, s) for e, s in zip(APP, ["api::http", "api::server", "api::cache", "api::db", "api::net"], strict=True)),
              lambda r, t, e, m: f"{t:%Y-%m-%dT%H:%M:%S}.{t.microsecond:06d}Z {e.level:>5} {e.source}: {m}")
GCP_L = {"DEBUG": "DEBUG", "INFO": "INFO", "WARN": "WARNING", "ERROR": "ERROR"}
GCP = System("GcpJSON", APP, lambda r, t, e, m: json.dumps({"insertId": _hex(r, 12), "resource": {"type": "cloud_run_revision", "labels": {"service_name": "api"}}, "textPayload": m, "timestamp": f"{t:%Y-%m-%dT%H:%M:%S}.{t.microsecond:06d}Z", "severity": GCP_L[e.level], "receiveTimestamp": f"{t + dt.timedelta(seconds=2):%Y-%m-%dT%H:%M:%S}.{t.microsecond:06d}Z"}))
AZ_L = {"DEBUG": "Debug", "INFO": "Information", "WARN": "Warning", "ERROR": "Error"}
AZURE = System("AzureFunctions", APP, lambda r, t, e, m: f"{t:%Y-%m-%dT%H:%M:%S}.{t.microsecond // 1000:03d} [{AZ_L[e.level]}] {m}")
TRAIL = System("CloudTrailJSON", (
    E("ConsoleLogin", "INFO"), E("AssumeRole", "INFO"), E("GetObject", "INFO"), E("PutObject", "INFO"), E("DescribeInstances", "INFO"),
), lambda r, t, e, m: json.dumps({"eventVersion": "1.08", "userIdentity": {"type": "IAMUser", "userName": r.choice(["alice", "bob"])}, "eventTime": f"{t:%Y-%m-%dT%H:%M:%S}Z", "eventSource": "s3.amazonaws.com", "eventName": m, "awsRegion": "us-east-1", "sourceIPAddress": _ip(r)}), has_levels=False)
FLUENTBIT = System("FluentBitStdout", APP, lambda r, t, e, m: f"[{r.randint(0, 9)}] tail.0: [{epoch(t):.0f}.{t.microsecond:06d}000, {{\"log\"=>\"{e.level} {m}\"}}]")
RFC5424 = System("Syslog5424", APP, lambda r, t, e, m: f"<{8 * 16 + {'DEBUG': 7, 'INFO': 6, 'WARN': 4, 'ERROR': 3}[e.level]}>1 {t:%Y-%m-%dT%H:%M:%S}.{t.microsecond // 1000:03d}Z {r.choice(['host1', 'host2'])} api {r.randint(100, 9999)} - - {m}")

STILL_WRONG = (
    QBIT,  # (N) and (C): one-letter levels in parentheses that are not the usual letters
    FLUENTBIT,  # the time and the record inside one bracket, the level in a Ruby hash
    DJANGO,  # GA: requests that differ only by path are one template
    TRAIL,  # GA: a JSON log without a message key is templated on all its keys
)
FRESH = tuple(
    s
    for s in (
        TOMCAT, KAFKA, LOGSTASH, FLUENTD, TWISTED, MC, OPENVPN, ASTERISK, UNBOUND, TOR, BITCOIN,
        GETH, DMESG, XORG, CBS, PM2, SALT, ICINGA, MYSQL, MSSQL, WEBLOGIC, FIREWALL,
        HASS, ODOO, DJANGO, RUBY, SUPERVISOR, SLURM, WINDNS, FLINK, ARTIFACTORY, SONAR,
        MOSQUITTO, FTL, PLEX, JELLYFIN, SONARR, SYNCTHING, QBIT, CERTBOT, OCTO, KODI,
        COMPOSE, KUBECTL, HEROKU, JENKINS, LOGURU, STRUCTLOG, PYDEFAULT, UVICORN, ZAP, WINSTON,
        LOGBACK, SERILOG, RUST, GCP, AZURE, TRAIL, FLUENTBIT, RFC5424,
    )
    if s not in STILL_WRONG
)  # fmt: skip
