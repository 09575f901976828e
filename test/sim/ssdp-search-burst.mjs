// Sends M-SEARCHes from one address (run inside a network namespace) and counts what comes back.
// Plain JavaScript so `ip netns exec ... node` runs it without a loader.
//   node ssdp-search-burst.mjs <bindAddress> <ssdpPort> <count> <st> <listenMs>
import dgram from 'node:dgram';

const [bindAddress, port, count, st, listenMs] = process.argv.slice(2);
const socket = dgram.createSocket('udp4');
let sentBytes = 0;
let replies = 0;
let replyBytes = 0;
socket.on('message', (data) => {
  replies++;
  replyBytes += data.length;
});
socket.bind(0, bindAddress, async () => {
  socket.setMulticastInterface(bindAddress);
  const search = Buffer.from(`M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: "ssdp:discover"\r\nMX: 1\r\nST: ${st}\r\n\r\n`);
  for (let i = 0; i < Number(count); i++) {
    await new Promise((resolve) => socket.send(search, Number(port), '239.255.255.250', resolve));
    sentBytes += search.length;
  }
  setTimeout(() => {
    process.stdout.write(`${JSON.stringify({ sent: Number(count), sentBytes, replies, replyBytes })}\n`);
    socket.close();
  }, Number(listenMs));
});
