/** The "Add a torrent" form: paste a magnet/infohash or pick a .torrent file. */
import { api, ApiError } from './api-client.js';
import { announce, byId } from './dom.js';
import { bytesToBase64, checkSource, checkTorrentFile } from './source-input.js';
import { torrentFromApi, type TorrentView } from './torrent-state.js';
import { FILE_PAGE_SIZE } from './file-pager.js';

export function setupAddForm(onAdded: (torrent: TorrentView) => void): void {
  const form = byId('add-form', HTMLFormElement);
  const input = byId('source', HTMLTextAreaElement);
  const fileInput = byId('torrent-file', HTMLInputElement);
  const button = byId('add-button', HTMLButtonElement);
  const message = byId('add-message', HTMLParagraphElement);

  const submit = async (body: unknown, label: string) => {
    button.disabled = true;
    announce(message, `Adding ${label}…`, 'info');
    try {
      const torrent = torrentFromApi(await api.post(`/api/torrents?files=${FILE_PAGE_SIZE}`, body));
      if (!torrent) throw new ApiError(0, 'E_BAD_REPLY', 'The server accepted the torrent but its answer was not understood.');
      onAdded(torrent);
      announce(message, torrent.name === torrent.infoHash ? 'Added. Fetching its file list from peers…' : `Added ${torrent.name}.`, 'info');
      return true;
    } catch (err) {
      announce(message, err instanceof ApiError ? err.message : String(err), 'error');
      return false;
    } finally {
      button.disabled = false;
    }
  };

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const check = checkSource(input.value);
    if (!check.ok) {
      announce(message, check.message, 'error');
      input.setAttribute('aria-invalid', 'true');
      input.focus();
      return;
    }
    input.removeAttribute('aria-invalid');
    if (await submit({ source: check.source }, check.kind === 'magnet' ? 'the magnet link' : 'the infohash')) input.value = '';
  });

  fileInput.addEventListener('change', async () => {
    const file = fileInput.files?.[0];
    fileInput.value = '';
    if (!file) return;
    const check = checkTorrentFile(file);
    if (!check.ok) return announce(message, check.message, 'error');
    const base64 = bytesToBase64(new Uint8Array(await file.arrayBuffer()));
    await submit({ torrent: base64 }, file.name);
  });
}
