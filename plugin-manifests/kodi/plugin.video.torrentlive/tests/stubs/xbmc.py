"""Stand-in for Kodi's xbmc module (only what the add-on touches)."""
LOGDEBUG, LOGINFO, LOGWARNING, LOGERROR = 0, 1, 2, 3


def log(msg, level=LOGDEBUG):
    pass
