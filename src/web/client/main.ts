/** Wires the remote together: state, live events, and the views that render it. */
import { api, ApiError } from './api-client.js';
import { announce, byId } from './dom.js';
import type { Device } from './device-status.js';
import { connectLiveEvents } from './live-events.js';
import { initialState, reduce, torrentsFromApi, type Action, type FileView, type RemoteState, type TorrentView } from './torrent-state.js';
import { setupAddForm } from './view-add.js';
import { FILE_PAGE_SIZE } from './file-pager.js';
import { DevicePicker } from './view-devices.js';
import { Player } from './view-player.js';
import { PrivacyView } from './view-privacy.js';
import { RemoteControl } from './view-remote.js';
import { setupTabs } from './tabs.js';
import { parseRoute, showRoute } from './route-status.js';
import { TorrentList } from './view-torrents.js';

let state: RemoteState = initialState;
const connection = byId('connection', HTMLParagraphElement);
const addMessage = byId('add-message', HTMLParagraphElement);
const pendingNote = byId('pending-cast', HTMLParagraphElement);
const remoteMessage = byId('remote-message', HTMLParagraphElement);

const player = new Player();
const remote = new RemoteControl();
const privacy = new PrivacyView();
let pendingCast: { torrent: TorrentView; file: FileView } | undefined;

const dispatch = (action: Action) => {
  const before = state;
  state = reduce(state, action);
  torrentList.update(state.torrents);
  if (state.lastError && state.lastError !== before.lastError) announce(addMessage, state.lastError, 'error');
  if (state.lastCast && state.lastCast !== before.lastCast) remote.refresh();
};

const startCast = async (device: Device, torrent: TorrentView, file: FileView) => {
  pendingCast = undefined;
  announce(pendingNote, '');
  announce(remoteMessage, `Casting ${file.name} to ${device.name}…`, 'info');
  try {
    await api.post('/api/cast', { deviceId: device.id, infoHash: torrent.infoHash, fileIndex: file.index });
    announce(remoteMessage, '');
  } catch (err) {
    announce(remoteMessage, err instanceof ApiError ? err.message : String(err), 'error');
  }
  remote.refresh();
};

const devices = new DevicePicker((device) => {
  remote.setDevice(device);
  if (pendingCast) void startCast(device, pendingCast.torrent, pendingCast.file);
});

const showPanel = setupTabs((panelId) => {
  privacy.setVisible(panelId === 'panel-privacy');
  devices.setVisible(panelId === 'panel-tv');
});

const torrentList = new TorrentList(byId('torrent-list', HTMLUListElement), byId('torrents-empty', HTMLParagraphElement), {
  play: (torrent, file) => void player.play(torrent, file),
  cast: (torrent, file) => {
    showPanel('panel-tv');
    const device = devices.selected;
    if (device) return void startCast(device, torrent, file);
    pendingCast = { torrent, file };
    announce(pendingNote, `Choose a TV for “${file.name}”.`, 'info');
  },
  remove: async (torrent) => {
    // One stray tap must not throw away a download.
    if (!window.confirm(`Remove “${torrent.name}”? It stops downloading and leaves the list.`)) return;
    try {
      await api.delete(`/api/torrents/${encodeURIComponent(torrent.infoHash)}`);
      dispatch({ type: 'removed', infoHash: torrent.infoHash });
    } catch (err) {
      announce(addMessage, err instanceof ApiError ? err.message : String(err), 'error');
    }
  },
}, (path) => api.get(path));

setupAddForm((torrent) => dispatch({ type: 'added', torrent }));

const loadTorrents = async () => {
  try {
    // A page of each torrent's files: the card asks for the others as they are looked at.
    dispatch({ type: 'loaded', torrents: torrentsFromApi(await api.get(`/api/torrents?files=${FILE_PAGE_SIZE}`)) });
  } catch (err) {
    announce(addMessage, err instanceof ApiError ? err.message : String(err), 'error');
  }
};

const routeStatus = byId('route', HTMLParagraphElement);
const loadRoute = async () => {
  const view = parseRoute(await api.get('/api/route').catch(() => undefined));
  if (view) showRoute(routeStatus, view);
};

connectLiveEvents('/api/events', {
  onEvent: (event) => {
    if (event.event === 'route') {
      const view = parseRoute(event);
      if (view) showRoute(routeStatus, view);
      return;
    }
    dispatch({ type: 'event', event });
    if (event.event === 'spy') privacy.refresh(500);
  },
  onStatus: (status) => {
    connection.dataset['state'] = status;
    connection.textContent = status === 'live' ? 'Live' : 'Reconnecting…';
    // After a reconnect, events sent meanwhile are lost: reload the list to catch up.
    if (status === 'live') {
      void loadTorrents();
      void loadRoute();
    }
  },
});

void loadTorrents();
void loadRoute();
remote.setDevice(undefined);
