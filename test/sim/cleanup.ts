/** The casting library's test helper, shared so every test closes what it opens the same way. */
export { closesAfter, stopChild, type Own } from '@torrent-live/casting/testing';
