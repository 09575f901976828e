"""Against a running torrent-live (run by test/integration/kodi-addon.test.ts, not by discovery):
TL_SERVICE_URL, TL_TOKEN, TL_MAGNET (a torrent to add), TL_RESULT (where to write what was resolved)."""
import json
import os
import time
import unittest

from kodi_record import record
from resources.lib import router


def env(name):
    value = os.environ.get(name)
    if not value:
        raise RuntimeError("%s is not set: run this through test/integration/kodi-addon.test.ts" % name)
    return value


class LiveServiceTest(unittest.TestCase):
    def setUp(self):
        record.reset()
        record.settings = {"service_url": env("TL_SERVICE_URL"), "pairing_token": env("TL_TOKEN")}

    def run_plugin(self, query=""):
        return router.run(["plugin://plugin.video.torrentlive/", "3", query])

    def test_add_list_and_play(self):
        magnet = env("TL_MAGNET")
        info_hash = magnet.split("btih:")[1][:40].lower()
        record.inputs.append(magnet)
        self.assertTrue(self.run_plugin("?action=add"), record.notifications)

        record.reset()
        record.settings = {"service_url": env("TL_SERVICE_URL"), "pairing_token": env("TL_TOKEN")}
        self.assertTrue(self.run_plugin(), record.notifications)
        folders = [(url, item.label) for (_, url, item, is_folder) in record.directory if is_folder]
        self.assertTrue(any(info_hash in url for url, _ in folders), folders)

        # The metadata arrives from the swarm a moment after the add: list again until it has.
        deadline = time.time() + 30
        files = []
        while not files and time.time() < deadline:
            record.directory = []
            self.assertTrue(self.run_plugin("?action=files&infohash=" + info_hash), record.notifications)
            files = [(url, item.label) for (_, url, item, _) in record.directory]
            if not files:
                time.sleep(0.2)
        self.assertTrue(files, "the torrent lists its media files")

        # Listed again now that the metadata is in: the folder carries the torrent's name.
        record.directory = []
        self.assertTrue(self.run_plugin(), record.notifications)
        folders = [(url, item.label) for (_, url, item, is_folder) in record.directory if is_folder]

        play_url = [url for url, label in files if label == "sample.mp4"][0]
        self.assertTrue(self.run_plugin(play_url.split("?", 1)[1]), record.notifications)
        _, ok, item = record.resolved[-1]
        self.assertTrue(ok)
        with open(env("TL_RESULT"), "w") as out:
            json.dump({"folders": [label for _, label in folders], "files": [label for _, label in files], "resolved": item.getPath()}, out)


if __name__ == "__main__":
    unittest.main()
