"""Stand-in for Kodi's xbmcplugin: directory and resolve calls land in the record."""
from kodi_record import record


def addDirectoryItem(handle, url, listitem, isFolder=False, totalItems=0):
    record.directory.append((handle, url, listitem, isFolder))
    return True


def endOfDirectory(handle, succeeded=True, updateListing=False, cacheToDisc=True):
    record.ended.append((handle, succeeded))


def setResolvedUrl(handle, succeeded, listitem):
    record.resolved.append((handle, succeeded, listitem))


def setContent(handle, content):
    record.content.append(content)
