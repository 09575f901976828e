"""Stand-in for Kodi's xbmcgui: ListItem keeps what it is given; Dialog answers from the record.
`record.kodi_major` chooses which Kodi the ListItem behaves as (19: setInfo only; 20: InfoTagVideo
setters, and setInfo is recorded as a deprecated call)."""
import xbmc
from kodi_record import record

NOTIFICATION_INFO, NOTIFICATION_WARNING, NOTIFICATION_ERROR = "info", "warning", "error"
INPUT_ALPHANUM = 0


class ListItem:
    def __init__(self, label="", label2="", path="", offscreen=False):
        self.label = label
        self.path = path
        self.properties = {}
        self.info = {}
        self.context_menu = []
        self.label2 = label2
        self.mime = None
        self.content_lookup = True
        self.video_tag = xbmc.InfoTagVideo() if record.kodi_major >= 20 else xbmc.InfoTagVideo19()

    def setProperty(self, key, value):
        self.properties[key] = value

    def setInfo(self, kind, labels):
        if record.kodi_major >= 20:
            record.deprecated.append("ListItem.setInfo")
        self.info[kind] = dict(labels)

    def getVideoInfoTag(self):
        return self.video_tag

    def setLabel2(self, label):
        self.label2 = label

    def addContextMenuItems(self, items, replaceItems=False):
        self.context_menu.extend(items)

    def setMimeType(self, mime):
        self.mime = mime

    def setContentLookup(self, enable):
        self.content_lookup = enable

    def getPath(self):
        return self.path


class Dialog:
    def notification(self, heading, message, icon=NOTIFICATION_INFO, time=5000, sound=True):
        record.notifications.append((heading, message, icon))

    def input(self, heading, defaultt="", type=INPUT_ALPHANUM, option=0, autoclose=0):
        return record.inputs.pop(0) if record.inputs else ""

    def select(self, heading, options, autoclose=0, preselect=-1, useDetails=False):
        record.select_options.append(list(options))
        return record.selects.pop(0) if record.selects else -1
