import { it } from 'vitest';
import { allocateLoopbackAddress, allocatePort, createDaemon, OurSpeaker, waitForEstablished } from './harness/index.js';
it('scratch', async () => {
  const a = allocateLoopbackAddress(); const b = allocateLoopbackAddress();
  const pa = await allocatePort(a); const pb = await allocatePort(b);
  const d = await createDaemon('frr', { routerId: '10.0.0.9', asn: 65020, address: b, port: pb, peers: [{ address: a, port: pa, asn: 65010, passive: true }] });
  const us = await OurSpeaker.create({ address: a, port: pa, asn: 65010, routerId: '10.0.0.8', mode: 'active', peer: { address: b, port: pb, asn: 65021 } });
  await d.start(); await us.start();
  
  await new Promise((r) => setTimeout(r, 1500));
  const s = await d.peer(a);
  console.log(JSON.stringify(s?.raw, null, 1).split('\n').filter((l) => /last|Notif|shut|reset|Error/i.test(l)).join('\n'));
  console.log('ours sent', us.eventsNamed('notification:sent').length, us.events.map(e=>e.name).join(','));
  console.log(d.log().split('\n').filter((l) => l.includes(a)).join('\n'));
  await us.stop(); await d.stop();
}, 60000);
