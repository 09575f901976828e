"""A real libtorrent 2.0 peer for the loopback test world and the benchmarks (run with
/usr/bin/python3: Debian's python3-libtorrent). One session on its own 127.x address seeds or
downloads the torrents it is given, announces them in a loopback DHT when given bootstrap nodes,
and talks JSON lines: it prints events on stdout and answers commands read on stdin.

  libtorrent-peer.py '<config JSON>'

config: {
  "mode": "seed" | "leech",
  "kind": "plaintext" | "enabled" | "required" | "utp-only" | "tcp-only",
  "host": "127.160.0.1", "port": 0,
  "torrents": [{"torrent": ".torrent path", "save": "folder holding (seed) or receiving (leech) the files"}],
  "uploadRateLimit": bytes/s (0: none), "bootstrap": ["host:port", ...] (no DHT when empty),
  "dhtAnnounceIntervalS": seconds between DHT announces of a torrent (default: one torrent a second),
  "blockedRanges": [["first IP", "last IP"], ...] (libtorrent's IP filter: never dialled nor accepted),
  "peers": ["host:port", ...] (connected to directly, for worlds without a DHT),
  "sequential": true|false (leech), "deadlineS": seconds (leech: give up and say so),
  "benchSeeder": true (seed: check the files at start instead of seed mode's hash of each piece
                 on its first request, and no per-block upload alerts: a throughput bench's source
                 costs the same CPU whichever client downloads first, and no Python per block)
}

Events (stdout, one JSON object a line, always with "event"):
  ready {host, port, kind, mode, infoHashes}   listening, torrents added (and checked when seeding)
  dht-bootstrapped {}                           the DHT walk from the bootstrap nodes finished
  first-piece {infoHash, s}                     leech: first piece verified, s since start
  finished {infoHash, firstPieceS, doneS, bytes, peakRssKb}   leech: every wanted byte verified
  timeout {infoHash, s}                         leech: deadlineS passed first
  error {message}                               listen, torrent or file errors
Commands (stdin, one JSON object a line; the answer carries "reply" and the command's "id"):
  {"cmd":"peers"}   every peer seen since start (by remote address): flags as libtorrent shows
                    them, payload bytes each way, incoming connections and disconnect reasons
  {"cmd":"status"}  per torrent: state, progress, payload totals, connections; DHT nodes
  {"cmd":"announce"} force a DHT announce of every torrent now
  {"cmd":"limit","upload":N}  change the upload rate limit (bytes/s, 0: none)
  {"cmd":"set","settings":{...}}  apply libtorrent settings_pack values (names as libtorrent spells them)
  {"cmd":"quit"}    close the session and exit 0
"""
import json
import os
import queue
import sys
import threading
import time

import libtorrent as lt

# libtorrent's peer_info flag bits (peer_info.hpp, 2.0); the Python binding does not export utp_socket.
UTP_SOCKET = 1 << 17
RC4_ENCRYPTED = int(lt.peer_info.rc4_encrypted)
PLAINTEXT_ENCRYPTED = int(lt.peer_info.plaintext_encrypted)
OUTGOING = int(lt.peer_info.outgoing_connection)

# out/in_enc_policy (0 forced, 1 enabled, 2 disabled) and allowed_enc_level (1 plaintext, 2 rc4, 3 both)
KINDS = {
    'plaintext': {'out_enc_policy': 2, 'in_enc_policy': 2},
    'enabled': {'out_enc_policy': 1, 'in_enc_policy': 1, 'allowed_enc_level': 3},
    # qBittorrent's "Require encryption": forced, RC4 only.
    'required': {'out_enc_policy': 0, 'in_enc_policy': 0, 'allowed_enc_level': 2},
    'utp-only': {'enable_incoming_tcp': False, 'enable_outgoing_tcp': False},
    'tcp-only': {'enable_incoming_utp': False, 'enable_outgoing_utp': False},
}

T0 = time.monotonic()
BLOCK = 16 * 1024


def emit(obj):
    sys.stdout.write(json.dumps(obj) + '\n')
    sys.stdout.flush()


def since_start():
    return round(time.monotonic() - T0, 3)


def peak_rss_kb():
    with open('/proc/self/status') as f:
        for line in f:
            if line.startswith('VmHWM:'):
                return int(line.split()[1])
    return 0


def endpoint(ep):
    """libtorrent gives endpoints as (ip, port) tuples."""
    return f'{ep[0]}:{ep[1]}'


def socket_kind(socket_type):
    """libtorrent's socket_type_t as 'utp' or 'tcp' (its name differs across binding versions)."""
    name = str(socket_type).lower()
    return 'utp' if 'utp' in name else 'tcp'


def settings_for(cfg):
    host = cfg['host']
    bootstrap = cfg.get('bootstrap') or []
    s = {
        'listen_interfaces': f"{host}:{cfg.get('port', 0)}",
        # Outgoing TCP from this peer's own address too, so the world can tell peers apart by IP.
        'outgoing_interfaces': host,
        'enable_lsd': False,
        'enable_upnp': False,
        'enable_natpmp': False,
        'enable_dht': bool(bootstrap),
        'dht_bootstrap_nodes': ','.join(bootstrap),
        # The loopback DHT puts hundreds of nodes in a few 127.x /24s (or one node per /24 on few
        # /8 addresses): libtorrent's one-node-per-/24 rules for its routing table and searches
        # would keep it from ever filling a bucket. Node IDs of loopback addresses cannot follow
        # BEP 42 (no external IP), so verified IDs must not be preferred or required.
        'dht_restrict_routing_ips': False,
        'dht_restrict_search_ips': False,
        'dht_prefer_verified_node_ids': False,
        'dht_enforce_node_id': False,
        'dht_ignore_dark_internet': False,
        # 8000 bytes/s by default: a few hundred loopback nodes answering at once would be throttled.
        'dht_upload_rate_limit': 1_000_000,
        # libtorrent announces one torrent per tick of interval / torrents seconds (at least 1 s,
        # at most 4 s for new torrents): stock 900 s makes a seeder of 6 torrents take 20 s to
        # announce them all. One torrent a second (each re-announced every N seconds) by default.
        'dht_announce_interval': int(cfg.get('dhtAnnounceIntervalS') or max(len(cfg['torrents']), 1)),
        'upload_rate_limit': int(cfg.get('uploadRateLimit') or 0),
        # Every peer here is on loopback, which libtorrent would treat as local (unlimited, always unchoked).
        'ignore_limits_on_local_network': False,
        # A test world's peers all share 127/8: one connection per IP is libtorrent's default and fine,
        # but several test clients on one host must still each get a slot.
        'unchoke_slots_limit': 20,
        'connections_limit': 500,
        # Stock libtorrent queues auto-managed torrents past 5 active seeds (a queued seed neither
        # announces nor uploads): a test seeder of many torrents keeps every one active.
        'active_seeds': 1000,
        'active_downloads': 1000,
        'active_limit': 1000,
        'alert_mask': int(lt.alert.category_t.error_notification | lt.alert.category_t.status_notification
                          | lt.alert.category_t.peer_notification | lt.alert.category_t.connect_notification
                          | lt.alert.category_t.dht_notification | lt.alert.category_t.storage_notification
                          | (0 if cfg.get('benchSeeder') else lt.alert.category_t.upload_notification)
                          | (lt.alert.category_t.piece_progress_notification if cfg['mode'] == 'leech' else 0)),
    }
    s.update(KINDS[cfg['kind']])
    if cfg['mode'] == 'leech':
        # Stock libtorrent waits 60 s before dialling a peer again. Its first dial to a seeder that
        # requires encryption is sometimes plaintext (closed at once), and a test leecher then sat
        # idle past its deadline (1 run in 10): retry after 1 s so the baseline measures transfer.
        s['min_reconnect_time'] = 1
    if os.environ.get('LT_PEER_DEBUG'):
        # Everything libtorrent says about its DHT and peers, on stderr (the wrapper's verbose option shows it).
        s['alert_mask'] |= int(lt.alert.category_t.dht_log_notification | lt.alert.category_t.dht_operation_notification
                               | lt.alert.category_t.peer_log_notification | lt.alert.category_t.session_log_notification)
    return s


def all_in_global_class(ses):
    """Loopback is in libtorrent's local peer class, which no rate limit applies to: put every
    address in the global class only, so uploadRateLimit caps what test clients on 127.x get."""
    f = lt.ip_filter()
    f.add_rule('0.0.0.0', '255.255.255.255', 1 << ses.global_peer_class_id)
    ses.set_peer_class_filter(f)


class Peers:
    """Every remote address seen, kept after it disconnects (libtorrent forgets a peer's counters)."""

    def __init__(self):
        self.by_key = {}

    def _entry(self, key, info_hash):
        e = self.by_key.get(key)
        if e is None:
            ip, port = key.rsplit(':', 1)
            e = {'ip': ip, 'port': int(port), 'infoHash': info_hash, 'connected': False, 'handshake': False,
                 'outgoing': False, 'utp': False, 'rc4': False, 'plaintextEncrypted': False, 'flagsSeen': 0,
                 'uploaded': 0, 'downloaded': 0, 'client': '', 'connectionType': None, 'incoming': [], 'disconnects': [],
                 'firstSeenS': since_start(), 'lastSeenS': since_start()}
            self.by_key[key] = e
        if info_hash and not e['infoHash']:
            e['infoHash'] = info_hash
        return e

    def poll(self, handles):
        connected = set()
        for info_hash, h in handles.items():
            for p in h.get_peer_info():
                key = endpoint(p.ip)
                connected.add(key)
                e = self._entry(key, info_hash)
                flags = int(p.flags)
                e['connected'] = True
                e['flagsSeen'] |= flags
                # libtorrent's 'handshake' and 'connecting' flags mean "not there yet".
                e['handshake'] = e['handshake'] or not flags & (int(lt.peer_info.handshake) | int(lt.peer_info.connecting))
                e['outgoing'] = bool(flags & OUTGOING)
                e['utp'] = e['utp'] or bool(flags & UTP_SOCKET)
                e['rc4'] = e['rc4'] or bool(flags & RC4_ENCRYPTED)
                e['plaintextEncrypted'] = e['plaintextEncrypted'] or bool(flags & PLAINTEXT_ENCRYPTED)
                # Downloads: the counter restarts with each connection, keep the largest seen. Uploads
                # are counted exactly from block_uploaded_alert instead (a poll misses short connections).
                e['downloaded'] = max(e['downloaded'], p.total_download)
                # 0: a BitTorrent peer (1 and 2 are web seeds); uTP or TCP is the utp_socket flag.
                e['connectionType'] = int(p.connection_type)
                e['client'] = p.client if isinstance(p.client, str) else p.client.decode('utf-8', 'replace')
                e['lastSeenS'] = since_start()
        for key, e in self.by_key.items():
            if key not in connected:
                e['connected'] = False

    def uploaded(self, ep, info_hash, nbytes):
        """Counts a block sent; True when this peer's flags are still unknown (poll now, while it is connected)."""
        e = self._entry(endpoint(ep), info_hash)
        e['uploaded'] += nbytes
        return e['flagsSeen'] == 0

    def incoming(self, ep, socket_type):
        self._entry(endpoint(ep), '')['incoming'].append({'s': since_start(), 'socket': socket_type})

    def disconnected(self, ep, info_hash, message):
        e = self._entry(endpoint(ep), info_hash)
        if len(e['disconnects']) < 50:
            e['disconnects'].append({'s': since_start(), 'reason': message})

    def list(self):
        return list(self.by_key.values())


def read_commands(q):
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            q.put(json.loads(line))
        except ValueError:
            emit({'event': 'error', 'message': f'not a JSON command: {line[:200]}'})
    q.put({'cmd': 'quit'})


def main():
    cfg = json.loads(sys.argv[1])
    if cfg.get('kind') not in KINDS or cfg.get('mode') not in ('seed', 'leech'):
        emit({'event': 'error', 'message': f"config needs mode seed|leech and kind {'|'.join(KINDS)}"})
        sys.exit(2)
    ses = lt.session(settings_for(cfg))
    all_in_global_class(ses)
    if cfg.get('blockedRanges'):
        # Addresses this peer neither dials nor accepts: a world's unusable peers are announced for
        # the torrents this peer seeds too, and its own dials to them would muddle their counters.
        f = lt.ip_filter()
        for first, last in cfg['blockedRanges']:
            f.add_rule(first, last, 1)
        ses.set_ip_filter(f)
    leech = cfg['mode'] == 'leech'
    debug = bool(os.environ.get('LT_PEER_DEBUG'))
    handles = {}
    sizes = {}
    for t in cfg['torrents']:
        atp = lt.add_torrent_params()
        atp.ti = lt.torrent_info(t['torrent'])
        atp.save_path = t['save']
        if leech and cfg.get('sequential', True):
            atp.flags |= lt.torrent_flags.sequential_download
        if not leech and not cfg.get('benchSeeder'):
            # libtorrent checks one torrent's files a second; a seeder of several would take that
            # many seconds to start. Seed mode trusts the files and verifies each piece when first
            # asked for it, which still catches a fixture that does not match its .torrent.
            atp.flags |= lt.torrent_flags.seed_mode
        h = ses.add_torrent(atp)
        handles[str(h.info_hash())] = h
        sizes[str(h.info_hash())] = atp.ti
    for p in cfg.get('peers') or []:
        host, port = p.rsplit(':', 1)
        for h in handles.values():
            h.connect_peer((host, int(port)))

    peers = Peers()
    commands = queue.Queue()
    threading.Thread(target=read_commands, args=(commands,), daemon=True).start()
    port = None
    dht_nodes = 0
    ready = False
    bootstrapped = not cfg.get('bootstrap')
    first_piece = {}
    finished = set()
    checked = set()
    deadline = cfg.get('deadlineS')
    last_poll = 0.0
    last_reconnect = time.monotonic()

    while True:
        ses.wait_for_alert(50)
        poll_now = False
        for a in ses.pop_alerts():
            if debug:
                sys.stderr.write(f'[{since_start():8.3f}] {type(a).__name__}: {a.message()}\n')
            if isinstance(a, lt.listen_succeeded_alert):
                port = a.port
            elif isinstance(a, lt.listen_failed_alert):
                emit({'event': 'error', 'message': f'listen on {cfg["host"]} failed: {a.message()}'})
                sys.exit(1)
            elif isinstance(a, lt.dht_bootstrap_alert):
                bootstrapped = True
                # Announce at once rather than at libtorrent's next 15-minute DHT round.
                for h in handles.values():
                    h.force_dht_announce()
                ses.post_dht_stats()
                emit({'event': 'dht-bootstrapped'})
            elif isinstance(a, lt.dht_stats_alert):
                dht_nodes = sum(b['num_nodes'] for b in a.routing_table)
            elif isinstance(a, lt.block_uploaded_alert):
                ih = str(a.handle.info_hash())
                ti = sizes.get(ih)
                if ti is not None:
                    piece_size = ti.piece_size(a.piece_index)
                    # An incoming connection is listed under its torrent only once its (MSE) handshake
                    # is done, and a fast download may close it within one poll interval: its first
                    # block is the moment to read its flags.
                    if peers.uploaded(a.endpoint, ih, min(BLOCK, piece_size - a.block_index * BLOCK)):
                        poll_now = True
            elif isinstance(a, lt.incoming_connection_alert):
                peers.incoming(a.endpoint, socket_kind(a.socket_type))
            elif isinstance(a, lt.peer_disconnected_alert):
                peers.disconnected(a.endpoint, str(a.handle.info_hash()) if a.handle.is_valid() else '', a.error.message() if a.error else a.message())
            elif isinstance(a, lt.torrent_checked_alert):
                checked.add(str(a.handle.info_hash()))
            elif isinstance(a, lt.piece_finished_alert):
                ih = str(a.handle.info_hash())
                if ih not in first_piece:
                    first_piece[ih] = since_start()
                    emit({'event': 'first-piece', 'infoHash': ih, 's': first_piece[ih]})
            elif isinstance(a, lt.torrent_finished_alert) and leech:
                ih = str(a.handle.info_hash())
                if ih not in finished:
                    finished.add(ih)
                    st = a.handle.status()
                    emit({'event': 'finished', 'infoHash': ih, 'firstPieceS': first_piece.get(ih), 'doneS': since_start(), 'bytes': st.total_wanted, 'peakRssKb': peak_rss_kb()})
            elif isinstance(a, (lt.torrent_error_alert, lt.file_error_alert)):
                emit({'event': 'error', 'message': a.message()})

        if not ready and port is not None and (leech or len(checked) == len(handles)):
            seeding = all(h.status().is_seeding for h in handles.values())
            if leech or seeding:
                ready = True
                emit({'event': 'ready', 'host': cfg['host'], 'port': port, 'kind': cfg['kind'], 'mode': cfg['mode'], 'infoHashes': list(handles)})
            else:
                emit({'event': 'error', 'message': f'seeding needs the complete files under the save path; have {[round(h.status().progress, 3) for h in handles.values()]}'})
                sys.exit(1)

        now = time.monotonic()
        if poll_now or now - last_poll >= 0.05:
            last_poll = now
            peers.poll(handles)
        if leech and deadline and now - T0 > deadline:
            for ih in handles:
                if ih not in finished:
                    emit({'event': 'timeout', 'infoHash': ih, 's': since_start()})
                    finished.add(ih)
        # Directly given peers: dial again those that dropped (libtorrent would wait minutes).
        if leech and cfg.get('peers') and now - last_reconnect > 5:
            last_reconnect = now
            for p in cfg['peers']:
                host, p_port = p.rsplit(':', 1)
                for ih, h in handles.items():
                    if ih not in finished:
                        h.connect_peer((host, int(p_port)))

        while True:
            try:
                c = commands.get_nowait()
            except queue.Empty:
                break
            reply = {'reply': c.get('cmd'), 'id': c.get('id')}
            cmd = c.get('cmd')
            if cmd == 'quit':
                emit(reply)
                return
            if cmd == 'peers':
                peers.poll(handles)
                reply['peers'] = peers.list()
            elif cmd == 'status':
                ses.post_dht_stats()
                reply['dhtNodes'] = dht_nodes
                reply['dhtBootstrapped'] = bootstrapped
                reply['uptimeS'] = since_start()
                reply['torrents'] = [{
                    'infoHash': ih, 'state': str(st.state), 'progress': st.progress, 'seeding': st.is_seeding,
                    'finished': st.is_finished, 'payloadUploaded': st.total_payload_upload,
                    'payloadDownloaded': st.total_payload_download, 'connections': st.num_connections,
                    'announcingToDht': st.announcing_to_dht,
                } for ih, st in ((ih, h.status()) for ih, h in handles.items())]
            elif cmd == 'announce':
                for h in handles.values():
                    h.force_dht_announce()
            elif cmd == 'limit':
                ses.apply_settings({'upload_rate_limit': int(c.get('upload') or 0)})
            elif cmd == 'set':
                try:
                    ses.apply_settings(c.get('settings') or {})
                except (KeyError, TypeError, ValueError) as err:
                    reply['error'] = f'libtorrent refused settings {c.get("settings")!r}: {err}'
            else:
                reply['error'] = f'unknown command {cmd!r}: peers, status, announce, limit, set, quit'
            emit(reply)


main()
