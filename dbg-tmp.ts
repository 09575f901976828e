import { setupNetns, startWorld, PRODUCT_IP } from './test/sim/route-netns.ts';
setupNetns({ leak: `ip saddr != ${PRODUCT_IP}`, defaultVia: '10.200.2.1' });
const w = await startWorld(['--import', 'tsx', '/work/wt-proxy/test/sim/route-world.ts'], 6, 768*1024);
console.log(JSON.stringify({magnet: w.magnet, bootstrap: w.bootstrap}));
setTimeout(() => { w.close(); }, 60000);
