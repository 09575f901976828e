"""Plugin routes: list torrents, list a torrent's files, add a magnet, play, cast to a TV."""
import urllib.parse

import xbmcaddon
import xbmcgui
import xbmcplugin

from resources.lib.api import Api, ApiError

MEDIA_PREFIXES = ("video/", "audio/")


def plugin_url(base, **query):
    return base + "?" + urllib.parse.urlencode(query)


def is_media(file_entry):
    return str(file_entry.get("mime", "")).startswith(MEDIA_PREFIXES)


def title_in_torrent(torrent_name, file_name):
    """Multi-file torrents name files '<torrent>/<path>'; the folder already says the torrent."""
    prefix = torrent_name + "/"
    return file_name[len(prefix):] if file_name.startswith(prefix) and len(file_name) > len(prefix) else file_name


def human_size(length):
    size = float(length)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return ("%d %s" % (size, unit)) if unit == "B" else ("%.1f %s" % (size, unit))
        size /= 1024.0
    return str(length)


def describe_video(item, title, plot=None, duration_seconds=None):
    """Title, plot and duration of a list item. Kodi 20 deprecates ListItem.setInfo() for the
    InfoTagVideo setters; Kodi 19 has only setInfo (its getVideoInfoTag() returns a tag that cannot
    be written), so the setters are used where they exist and setInfo otherwise."""
    tag = item.getVideoInfoTag() if hasattr(item, "getVideoInfoTag") else None
    if tag is not None and hasattr(tag, "setTitle"):
        tag.setMediaType("video")
        tag.setTitle(title)
        if plot:
            tag.setPlot(plot)
        if duration_seconds:
            tag.setDuration(int(round(duration_seconds)))
        return
    labels = {"mediatype": "video", "title": title}
    if plot:
        labels["plot"] = plot
    if duration_seconds:
        labels["duration"] = int(round(duration_seconds))
    item.setInfo("video", labels)


def media_count(torrent):
    """How many media files a torrent lists: the service says (mediaFileCount); an older one sent its files."""
    count = torrent.get("mediaFileCount")
    if isinstance(count, int):
        return count
    return len([f for f in torrent.get("files", []) if is_media(f)])


def _whole(value, default):
    try:
        return int(value) if value is not None else default
    except (TypeError, ValueError):
        return default


def duration_of(file_entry):
    """Seconds, when the service has probed the file (absent until then)."""
    value = file_entry.get("durationSeconds")
    return float(value) if isinstance(value, (int, float)) and value > 0 else None


class Plugin:
    def __init__(self, argv, api=None):
        self.base = argv[0]
        self.handle = int(argv[1])
        self.params = dict(urllib.parse.parse_qsl(argv[2].lstrip("?"))) if len(argv) > 2 else {}
        addon = xbmcaddon.Addon()
        self.api = api or Api(addon.getSetting("service_url"), addon.getSetting("pairing_token"))

    def dispatch(self):
        action = self.params.get("action", "torrents")
        routes = {"torrents": self.list_torrents, "files": self.list_files, "add": self.add_magnet, "play": self.play, "cast": self.cast}
        route = routes.get(action)
        if route is None:
            return self.fail("unknown action %r" % action)
        try:
            return route()
        except ApiError as err:
            return self.fail(str(err))

    def fail(self, message):
        xbmcgui.Dialog().notification("torrent-live", message, xbmcgui.NOTIFICATION_ERROR)
        if self.params.get("action") == "play":
            xbmcplugin.setResolvedUrl(self.handle, False, xbmcgui.ListItem())
        elif self.params.get("action", "torrents") in ("torrents", "files"):
            xbmcplugin.endOfDirectory(self.handle, succeeded=False)
        return False

    def list_torrents(self):
        add = xbmcgui.ListItem(label="[Add a magnet…]")
        xbmcplugin.addDirectoryItem(self.handle, plugin_url(self.base, action="add"), add, isFolder=False)
        for t in self.api.torrents():
            label = t.get("name") or t["infoHash"]
            if not t.get("ready", True):
                label += " (waiting for metadata)"
            size = human_size(t.get("length", 0))
            item = xbmcgui.ListItem(label=label, label2=size)
            describe_video(item, label, plot="%d media files · %s" % (media_count(t), size))
            xbmcplugin.addDirectoryItem(self.handle, plugin_url(self.base, action="files", infohash=t["infoHash"]), item, isFolder=True)
        xbmcplugin.endOfDirectory(self.handle)
        return True

    def list_files(self):
        info_hash = self.params.get("infohash", "")
        offset = max(0, _whole(self.params.get("offset"), 0))
        name = (self.api.torrent(info_hash) or {}).get("name", "")
        page = self.api.files(info_hash, offset=offset)
        xbmcplugin.setContent(self.handle, "videos")
        files = page.get("files", [])
        for f in files:
            if not is_media(f):
                continue
            title = title_in_torrent(name, f["name"])
            # The size goes in label2 (list views show it): InfoTagVideo has no size setter.
            size = human_size(f.get("length", 0))
            item = xbmcgui.ListItem(label=title, label2=size)
            item.setProperty("IsPlayable", "true")
            describe_video(item, title, plot=size, duration_seconds=duration_of(f))
            cast_url = plugin_url(self.base, action="cast", infohash=info_hash, index=f["index"])
            item.addContextMenuItems([("Cast to TV", "RunPlugin(%s)" % cast_url)])
            xbmcplugin.addDirectoryItem(self.handle, plugin_url(self.base, action="play", infohash=info_hash, index=f["index"]), item, isFolder=False)
        following = offset + len(files)
        if files and following < _whole(page.get("matched"), 0):
            more = xbmcgui.ListItem(label="[Next page… from %d of %d]" % (following + 1, page["matched"]))
            xbmcplugin.addDirectoryItem(self.handle, plugin_url(self.base, action="files", infohash=info_hash, offset=following), more, isFolder=True)
        xbmcplugin.endOfDirectory(self.handle)
        return True

    def add_magnet(self):
        source = xbmcgui.Dialog().input("Magnet link or infohash", type=xbmcgui.INPUT_ALPHANUM)
        if not source:
            return False
        added = self.api.add(source.strip())
        xbmcgui.Dialog().notification("torrent-live", "Added %s" % (added.get("name") or added.get("infoHash")), xbmcgui.NOTIFICATION_INFO)
        return True

    def _file(self):
        index = _whole(self.params.get("index"), -1)
        if index < 0:
            raise ApiError("no file index in %r; list the torrent's files again" % self.params.get("index"))
        t = self.api.torrent(self.params.get("infohash", ""))
        return t, self.api.file(t["infoHash"], index)

    def play(self):
        t, f = self._file()
        # The API hands out /stream URLs carrying their own st= token: Kodi's player sends no header.
        title = title_in_torrent(t.get("name", ""), f["name"])
        item = xbmcgui.ListItem(label=title, path=f["url"])
        describe_video(item, title, duration_seconds=duration_of(f))
        item.setMimeType(f.get("mime", "video/mp4"))
        item.setContentLookup(False)
        xbmcplugin.setResolvedUrl(self.handle, True, item)
        return True

    def cast(self):
        t, f = self._file()
        devices = self.api.devices()
        if not devices:
            xbmcgui.Dialog().notification("torrent-live", "No TV found on the network", xbmcgui.NOTIFICATION_WARNING)
            return False
        labels = ["%s (%s)" % (d.get("name", d.get("id")), d.get("kind", d.get("type", "TV"))) for d in devices]
        choice = xbmcgui.Dialog().select("Cast to TV", labels)
        if choice < 0:
            return False
        device = devices[choice]
        self.api.cast(device["id"], t["infoHash"], f["index"])
        xbmcgui.Dialog().notification("torrent-live", "Casting to %s" % device.get("name", device["id"]), xbmcgui.NOTIFICATION_INFO)
        return True


def run(argv):
    try:
        plugin = Plugin(argv)
    except ApiError as err:
        xbmcgui.Dialog().notification("torrent-live", str(err), xbmcgui.NOTIFICATION_ERROR)
        return False
    return plugin.dispatch()
