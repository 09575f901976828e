"""What the stand-in Kodi modules were asked to do, for the tests to inspect."""


class Record:
    def __init__(self):
        self.reset()

    def reset(self):
        self.directory = []  # (handle, url, ListItem, isFolder)
        self.ended = []  # (handle, succeeded)
        self.resolved = []  # (handle, succeeded, ListItem)
        self.notifications = []  # (heading, message, icon)
        self.inputs = []  # queued answers for Dialog().input
        self.selects = []  # queued answers for Dialog().select
        self.select_options = []
        self.settings = {}
        self.content = []
        self.kodi_major = 20  # the Kodi the stubs behave as
        self.deprecated = []  # deprecated Kodi API calls the add-on made


record = Record()
