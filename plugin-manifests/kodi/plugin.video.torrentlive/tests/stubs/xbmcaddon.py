"""Stand-in for Kodi's xbmcaddon: settings come from the test record."""
from kodi_record import record


class Addon:
    def __init__(self, id=None):
        self.id = id or "plugin.video.torrentlive"

    def getSetting(self, key):
        return record.settings.get(key, "")

    def getAddonInfo(self, key):
        return {"id": self.id, "name": "torrent-live"}.get(key, "")
