"""Stand-in for Kodi's xbmcgui: ListItem keeps what it is given; Dialog answers from the record."""
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
        self.mime = None
        self.content_lookup = True

    def setProperty(self, key, value):
        self.properties[key] = value

    def setInfo(self, kind, labels):
        self.info[kind] = dict(labels)

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
