"""Stand-in for Kodi's xbmc module (only what the add-on touches)."""
LOGDEBUG, LOGINFO, LOGWARNING, LOGERROR = 0, 1, 2, 3


def log(msg, level=LOGDEBUG):
    pass


class InfoTagVideo19:
    """Kodi 19's tag: ListItem.getVideoInfoTag() exists but only reads (no setters before Kodi 20)."""

    def __init__(self):
        self.values = {}

    def getTitle(self):
        return self.values.get("title", "")

    def getPlot(self):
        return self.values.get("plot", "")

    def getDuration(self):
        return self.values.get("duration", 0)

    def getMediaType(self):
        return self.values.get("mediatype", "")


class InfoTagVideo(InfoTagVideo19):
    """Kodi 20's tag: the setters that replace ListItem.setInfo("video", ...)."""

    def setTitle(self, title):
        self.values["title"] = title

    def setPlot(self, plot):
        self.values["plot"] = plot

    def setDuration(self, seconds):
        if not isinstance(seconds, int):
            raise TypeError("setDuration takes whole seconds (int), got %r" % (seconds,))
        self.values["duration"] = seconds

    def setMediaType(self, media_type):
        if media_type not in ("video", "set", "musicvideo", "movie", "tvshow", "season", "episode"):
            raise ValueError("not a video media type: %r" % (media_type,))
        self.values["mediatype"] = media_type
