// Streams one URL's body to stdout; run inside the product's namespace (ip netns exec).
import http from 'node:http';
http.get(process.argv[2], (res) => {
  if (res.statusCode !== 200) {
    process.stderr.write(`HTTP ${res.statusCode}\n`);
    process.exit(1);
  }
  res.pipe(process.stdout);
}).on('error', (err) => {
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
});
