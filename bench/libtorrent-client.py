"""The comparison client for bench/wan.ts: libtorrent (python3-libtorrent) downloading one torrent
from peers given on the command line, sequential download, no DHT/LSD/UPnP, printing one JSON
line per milestone. Usage: libtorrent-client.py TORRENT SAVE_DIR BIND_IP HOST:PORT [HOST:PORT...]
"""
import json
import sys
import time

import libtorrent as lt


def peak_rss_kb():
    with open('/proc/self/status') as f:
        for line in f:
            if line.startswith('VmHWM:'):
                return int(line.split()[1])
    return 0


def main():
    torrent, save, bind = sys.argv[1:4]
    peers = [(p.rsplit(':', 1)[0], int(p.rsplit(':', 1)[1])) for p in sys.argv[4:]]
    ses = lt.session({
        'listen_interfaces': f'{bind}:0',
        'outgoing_interfaces': bind,
        'enable_dht': False,
        'enable_lsd': False,
        'enable_upnp': False,
        'enable_natpmp': False,
        # The loopback seeders speak plain BitTorrent; libtorrent would try an encrypted handshake first.
        'out_enc_policy': 2,
        'in_enc_policy': 2,
        'alert_mask': lt.alert.category_t.status_notification | lt.alert.category_t.piece_progress_notification | lt.alert.category_t.error_notification,
    })
    t0 = time.monotonic()
    atp = lt.add_torrent_params()
    atp.ti = lt.torrent_info(torrent)
    atp.save_path = save
    atp.flags |= lt.torrent_flags.sequential_download
    h = ses.add_torrent(atp)
    for p in peers:
        h.connect_peer(p)
    first = None
    last_reconnect = time.monotonic()
    while True:
        ses.wait_for_alert(200)
        for a in ses.pop_alerts():
            if isinstance(a, lt.piece_finished_alert) and first is None:
                first = time.monotonic() - t0
            if isinstance(a, lt.torrent_finished_alert):
                done = time.monotonic() - t0
                st = h.status()
                print(json.dumps({'firstPieceS': first, 'doneS': done, 'bytes': st.total_wanted, 'peakRssKb': peak_rss_kb()}), flush=True)
                return
        if time.monotonic() - t0 > 600:
            print(json.dumps({'error': 'timeout'}), flush=True)
            return
        # Reconnect peers that dropped (a banned or slow peer may come back; libtorrent decides).
        if time.monotonic() - last_reconnect > 5:
            last_reconnect = time.monotonic()
            for p in peers:
                h.connect_peer(p)


main()
