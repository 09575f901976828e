"""The torrent-live JSON API, as the add-on uses it. Plain urllib: Kodi ships no requests."""
import json
import urllib.error
import urllib.parse
import urllib.request

TIMEOUT_SECONDS = 15
# Answers larger than this are not from torrent-live; refuse rather than fill Kodi's memory.
MAX_RESPONSE_BYTES = 8 * 1024 * 1024
# Files per directory page: what a remote scrolls through comfortably, about 110 kB of JSON.
FILE_PAGE = 500


class ApiError(Exception):
    """A request to the service failed; the message says what to check."""


class Api:
    def __init__(self, base_url, token):
        base_url = (base_url or "").strip().rstrip("/")
        if not base_url.startswith(("http://", "https://")):
            raise ApiError("the service URL must start with http:// (set it in the add-on settings)")
        self.base_url = base_url
        self.token = (token or "").strip()

    def _request(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode("utf-8")
        req = urllib.request.Request(self.base_url + path, data=data, method=method)
        req.add_header("Accept", "application/json")
        if data is not None:
            req.add_header("Content-Type", "application/json")
        if self.token:
            req.add_header("Authorization", "Bearer " + self.token)
        try:
            with urllib.request.urlopen(req, timeout=TIMEOUT_SECONDS) as res:
                raw = res.read(MAX_RESPONSE_BYTES + 1)
        except urllib.error.HTTPError as err:
            raise ApiError(_error_message(err)) from err
        except (urllib.error.URLError, OSError) as err:
            raise ApiError("cannot reach torrent-live at %s (%s); check the service URL" % (self.base_url, err)) from err
        if len(raw) > MAX_RESPONSE_BYTES:
            raise ApiError("the answer from %s is too large" % path)
        return json.loads(raw.decode("utf-8")) if raw else None

    def torrents(self):
        # No file lists: a torrent of 50,000 files would be 10.9 MB. Each view says how many
        # media files it has (mediaFileCount); its files are asked a page at a time.
        return self._request("GET", "/api/torrents?files=0") or []

    def torrent(self, info_hash):
        """The torrent's view without its files (name, counts): they come a page at a time."""
        return self._request("GET", "/api/torrents/" + urllib.parse.quote(info_hash, safe="") + "?files=0")

    def files(self, info_hash, offset=0, limit=FILE_PAGE, media=True):
        """One page of a torrent's files: {infoHash, fileCount, matched, offset, limit, files}."""
        query = {"offset": int(offset), "limit": int(limit)}
        if media:
            query["media"] = "true"
        path = "/api/torrents/%s/files?%s" % (urllib.parse.quote(info_hash, safe=""), urllib.parse.urlencode(query))
        return self._request("GET", path) or {}

    def file(self, info_hash, index):
        """One file by its index (files are listed in index order, so it is the page at that offset)."""
        page = self.files(info_hash, offset=index, limit=1, media=False)
        found = [f for f in page.get("files", []) if f.get("index") == index]
        if not found:
            raise ApiError("the torrent has no file %d any more" % index)
        return found[0]

    def add(self, source):
        return self._request("POST", "/api/torrents", {"source": source})

    def devices(self):
        return self._request("GET", "/api/devices") or []

    def cast(self, device_id, info_hash, file_index):
        return self._request("POST", "/api/cast", {"deviceId": device_id, "infoHash": info_hash, "fileIndex": file_index})


def _error_message(err):
    try:
        detail = json.loads(err.read(64 * 1024).decode("utf-8"))["error"]["message"]
    except Exception:  # the body is not torrent-live's JSON error: say the status only
        detail = err.reason
    if err.code == 401:
        return "torrent-live refused the pairing token (%s); copy it again into the add-on settings" % detail
    return "torrent-live answered %d: %s" % (err.code, detail)
