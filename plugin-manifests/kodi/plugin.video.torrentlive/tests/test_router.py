"""Routes against a fake torrent-live API on loopback (the live service is tested in live_service.py)."""
import json
import threading
import urllib.parse
import unittest
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from kodi_record import record
from resources.lib import router
from resources.lib.api import Api, ApiError

HASH = "a" * 40
TOKEN = "t" * 43
TORRENT = {
    "infoHash": HASH, "name": "Show", "length": 3000, "ready": True,
    "files": [
        {"index": 0, "name": "Show/e01.mkv", "length": 1000, "mime": "video/x-matroska", "url": "http://h/stream/%s/0?st=x" % HASH, "durationSeconds": 1325.6},
        {"index": 1, "name": "Show/notes.txt", "length": 1000, "mime": "text/plain", "url": "http://h/stream/%s/1?st=y" % HASH},
    ],
}


BIG_HASH = "b" * 40
BIG = {
    "infoHash": BIG_HASH, "name": "Big", "length": 1200 * 2000, "ready": True,
    "files": [f for i in range(1200) for f in (
        {"index": 2 * i, "name": "Big/e%04d.mkv" % i, "length": 1000, "mime": "video/x-matroska", "url": "http://h/stream/%s/%d?st=x" % (BIG_HASH, 2 * i)},
        {"index": 2 * i + 1, "name": "Big/e%04d.nfo" % i, "length": 1000, "mime": "text/plain", "url": "http://h/stream/%s/%d?st=y" % (BIG_HASH, 2 * i + 1)},
    )],
}


def media(f):
    return f["mime"].startswith(("video/", "audio/"))


def view(t, files_limit):
    """What the service answers for a torrent view with ?files=N: the first N files and the counts."""
    return dict(t, files=t["files"][:files_limit], fileCount=len(t["files"]), mediaFileCount=len([f for f in t["files"] if media(f)]))


def files_page(t, query):
    """GET /api/torrents/:infoHash/files as the service pages it."""
    listed = [f for f in t["files"] if media(f)] if query.get("media") == ["true"] else t["files"]
    offset, limit = int(query.get("offset", ["0"])[0]), int(query.get("limit", ["100"])[0])
    assert limit <= 1000, "the service refuses pages over 1,000"
    return {"infoHash": t["infoHash"], "fileCount": len(t["files"]), "matched": len(listed), "offset": offset, "limit": limit, "files": listed[offset:offset + limit]}


class FakeService(BaseHTTPRequestHandler):
    calls = []
    devices = [{"id": "tv1", "name": "Living room", "kind": "dlna"}]

    def log_message(self, *args):
        pass

    def _send(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _route(self, method):
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length)) if length else None
        FakeService.calls.append((method, self.path, body))
        if self.headers.get("Authorization") != "Bearer " + TOKEN:
            return self._send(401, {"error": {"code": "E_UNAUTHORIZED", "message": "not paired"}})
        path, _, query_text = self.path.partition("?")
        query = urllib.parse.parse_qs(query_text)
        torrents = {HASH: TORRENT, BIG_HASH: BIG}
        if method == "GET" and path == "/api/torrents":
            return self._send(200, [view(t, int(query.get("files", ["100000"])[0])) for t in (TORRENT,)])
        if method == "GET" and path.startswith("/api/torrents/") and path.endswith("/files") and path.split("/")[3] in torrents:
            return self._send(200, files_page(torrents[path.split("/")[3]], query))
        if method == "GET" and path.startswith("/api/torrents/") and path.split("/")[3] in torrents:
            return self._send(200, view(torrents[path.split("/")[3]], int(query.get("files", ["100000"])[0])))
        if method == "POST" and self.path == "/api/torrents":
            return self._send(201, dict(TORRENT, name="Added"))
        if method == "GET" and self.path == "/api/devices":
            return self._send(200, FakeService.devices)
        if method == "POST" and self.path == "/api/cast":
            return self._send(202, {"ok": True})
        return self._send(404, {"error": {"code": "E_NOT_FOUND", "message": "no route"}})

    def do_GET(self):
        self._route("GET")

    def do_POST(self):
        self._route("POST")


class RouterTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = ThreadingHTTPServer(("127.60.0.20", 0), FakeService)
        cls.thread = threading.Thread(target=cls.server.serve_forever, daemon=True)
        cls.thread.start()
        cls.url = "http://127.60.0.20:%d" % cls.server.server_address[1]

    @classmethod
    def tearDownClass(cls):
        cls.server.shutdown()
        cls.server.server_close()

    def setUp(self):
        record.reset()
        FakeService.calls = []
        record.settings = {"service_url": self.url, "pairing_token": TOKEN}

    def run_plugin(self, query=""):
        return router.run(["plugin://plugin.video.torrentlive/", "7", query])

    def test_lists_torrents_with_an_add_entry(self):
        self.assertTrue(self.run_plugin())
        labels = [item.label for (_, _, item, _) in record.directory]
        self.assertEqual(labels, ["[Add a magnet…]", "Show"])
        self.assertIn("action=files", record.directory[1][1])
        self.assertTrue(record.directory[1][3])
        self.assertEqual(record.ended, [(7, True)])

    def test_lists_media_files_only_with_cast_menu(self):
        self.run_plugin("?action=files&infohash=" + HASH)
        self.assertEqual([item.label for (_, _, item, _) in record.directory], ["e01.mkv"])
        item = record.directory[0][2]
        self.assertEqual(item.properties["IsPlayable"], "true")
        self.assertEqual(item.context_menu[0][0], "Cast to TV")
        self.assertIn("action=cast", item.context_menu[0][1])

    def test_a_large_torrent_is_listed_a_page_at_a_time(self):
        self.assertTrue(self.run_plugin("?action=files&infohash=" + BIG_HASH))
        labels = [item.label for (_, _, item, _) in record.directory]
        self.assertEqual(len(labels), 501)
        self.assertEqual(labels[0], "e0000.mkv")
        self.assertEqual(labels[499], "e0499.mkv")
        self.assertIn("Next page", labels[500])
        self.assertIn("offset=500", record.directory[500][1])
        self.assertTrue(record.directory[500][3])
        record.directory = []
        self.assertTrue(self.run_plugin("?action=files&infohash=%s&offset=1000" % BIG_HASH))
        labels = [item.label for (_, _, item, _) in record.directory]
        self.assertEqual((len(labels), labels[0], labels[-1]), (200, "e1000.mkv", "e1199.mkv"))

    def test_no_request_asks_for_every_file(self):
        self.run_plugin()
        self.run_plugin("?action=files&infohash=" + BIG_HASH)
        self.assertTrue(self.run_plugin("?action=play&infohash=%s&index=2398" % BIG_HASH))
        self.assertEqual(record.resolved[0][2].getPath(), BIG["files"][2398]["url"])
        for method, path, _ in FakeService.calls:
            self.assertTrue("files=0" in path or "/files?" in path, path)

    def test_add_magnet_from_the_keyboard(self):
        record.inputs.append(" magnet:?xt=urn:btih:" + HASH + " ")
        self.assertTrue(self.run_plugin("?action=add"))
        self.assertEqual(FakeService.calls[-1], ("POST", "/api/torrents", {"source": "magnet:?xt=urn:btih:" + HASH}))
        self.assertIn("Added Added", record.notifications[-1][1])

    def test_cancelled_input_adds_nothing(self):
        self.assertFalse(self.run_plugin("?action=add"))
        self.assertEqual(FakeService.calls, [])

    def test_play_resolves_the_tokenised_url(self):
        self.assertTrue(self.run_plugin("?action=play&infohash=%s&index=0" % HASH))
        handle, ok, item = record.resolved[0]
        self.assertEqual((handle, ok), (7, True))
        self.assertEqual(item.getPath(), TORRENT["files"][0]["url"])
        self.assertEqual(item.mime, "video/x-matroska")

    def test_cast_lists_devices_and_posts_the_choice(self):
        record.selects.append(0)
        self.assertTrue(self.run_plugin("?action=cast&infohash=%s&index=0" % HASH))
        self.assertEqual(record.select_options[0], ["Living room (dlna)"])
        self.assertEqual(FakeService.calls[-1], ("POST", "/api/cast", {"deviceId": "tv1", "infoHash": HASH, "fileIndex": 0}))
        self.assertIn("Casting to Living room", record.notifications[-1][1])

    def test_cast_with_no_tv_says_so(self):
        FakeService.devices = []
        try:
            self.assertFalse(self.run_plugin("?action=cast&infohash=%s&index=0" % HASH))
        finally:
            FakeService.devices = [{"id": "tv1", "name": "Living room", "kind": "dlna"}]
        self.assertIn("No TV", record.notifications[-1][1])

    def test_wrong_token_is_reported_and_the_listing_fails(self):
        record.settings["pairing_token"] = "wrong"
        self.assertFalse(self.run_plugin())
        self.assertIn("pairing token", record.notifications[-1][1])
        self.assertEqual(record.ended, [(7, False)])

    def test_play_of_a_missing_file_fails_the_resolve(self):
        self.assertFalse(self.run_plugin("?action=play&infohash=%s&index=5" % HASH))
        self.assertEqual(record.resolved[0][1], False)

    def test_bad_service_url_and_unreachable_service(self):
        with self.assertRaises(ApiError):
            Api("ftp://x", "")
        record.settings["service_url"] = "http://127.60.0.21:9"
        self.assertFalse(self.run_plugin())
        self.assertIn("cannot reach", record.notifications[-1][1])

    def test_kodi20_describes_items_with_info_tag_setters_never_set_info(self):
        record.kodi_major = 20
        self.run_plugin()
        folder = record.directory[1][2]
        self.assertEqual(folder.video_tag.values, {"mediatype": "video", "title": "Show", "plot": "1 media files · 2.9 KB"})
        self.assertEqual(folder.label2, "2.9 KB")
        record.directory = []
        self.run_plugin("?action=files&infohash=" + HASH)
        item = record.directory[0][2]
        self.assertEqual(item.video_tag.values, {"mediatype": "video", "title": "e01.mkv", "plot": "1000 B", "duration": 1326})
        self.assertEqual(item.label2, "1000 B")
        self.run_plugin("?action=play&infohash=%s&index=0" % HASH)
        self.assertEqual(record.resolved[0][2].video_tag.values["duration"], 1326)
        self.assertEqual(record.deprecated, [], "no deprecated call on Kodi 20")
        self.assertEqual((folder.info, item.info), ({}, {}))

    def test_kodi19_falls_back_to_set_info(self):
        record.kodi_major = 19
        self.run_plugin()
        folder = record.directory[1][2]
        self.assertEqual(folder.info["video"], {"mediatype": "video", "title": "Show", "plot": "1 media files · 2.9 KB"})
        record.directory = []
        self.run_plugin("?action=files&infohash=" + HASH)
        item = record.directory[0][2]
        self.assertEqual(item.info["video"], {"mediatype": "video", "title": "e01.mkv", "plot": "1000 B", "duration": 1326})
        self.assertEqual(item.video_tag.values, {}, "Kodi 19's tag cannot be written")

    def test_a_file_not_probed_yet_has_no_duration(self):
        entry = dict(TORRENT["files"][0])
        del entry["durationSeconds"]
        self.assertIsNone(router.duration_of(entry))
        self.assertIsNone(router.duration_of({"durationSeconds": "12"}))
        self.assertEqual(router.duration_of({"durationSeconds": 12}), 12.0)

    def test_pure_helpers(self):
        self.assertEqual(router.title_in_torrent("Show", "Show/a/b.mkv"), "a/b.mkv")
        self.assertEqual(router.title_in_torrent("x.mp4", "x.mp4"), "x.mp4")
        self.assertEqual(router.human_size(1536), "1.5 KB")
        self.assertTrue(router.is_media({"mime": "audio/mpeg"}))
        self.assertFalse(router.is_media({"mime": "text/plain"}))


if __name__ == "__main__":
    unittest.main()
