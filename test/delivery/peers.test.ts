// Instances sharing a deliveries stream count each other over a real nats-server, so that each takes its
// part of a target's limits; a departed instance stops counting at its goodbye, a vanished one at expiry.
import { expect } from 'chai';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { HEARTBEAT_MS, Peers, peersSubject } from '../../src/delivery/peers.js';
import { eventually } from '../helpers/gateway.js';
import { startNats, type TestNats } from '../helpers/nats.js';

describe('delivery/peers', function () {
  this.timeout(20_000);
  let nats: TestNats;
  const conns: NatsConnection[] = [];
  const open = async () => {
    const nc = await connect({ servers: nats.url });
    conns.push(nc);
    return nc;
  };
  before(async () => {
    nats = await startNats();
  });
  afterEach(async () => {
    await Promise.all(conns.splice(0).map((nc) => nc.close()));
  });
  after(() => nats.cleanup());

  it('counts the instances of one deliveries stream, not those of another, and forgets one at its goodbye', async () => {
    const seen: number[] = [];
    const a = new Peers(await open(), peersSubject('CEG_DELIVERIES'), { observe: (n) => seen.push(n) });
    const b = new Peers(await open(), peersSubject('CEG_DELIVERIES'));
    const other = new Peers(await open(), peersSubject('OTHER_DELIVERIES'));
    a.start();
    expect(a.count()).to.equal(1);
    b.start();
    other.start();
    await eventually(() => (a.count() === 2 && b.count() === 2 ? true : undefined), 5000, 'both instances counted');
    expect(other.count()).to.equal(1);
    expect(seen).to.include(2);
    b.stop();
    await eventually(() => (a.count() === 1 ? true : undefined), 5000, 'the goodbye heard');
    a.stop();
    other.stop();
  });

  it('stops counting an instance that vanished without a goodbye once its heartbeats are three periods overdue', async () => {
    let now = Date.now();
    const a = new Peers(await open(), peersSubject('CEG_DELIVERIES'), { now: () => now });
    const gone = await open();
    const b = new Peers(gone, peersSubject('CEG_DELIVERIES'));
    a.start();
    b.start();
    await eventually(() => (a.count() === 2 ? true : undefined), 5000, 'both instances counted');
    await gone.close(); // a crash: no goodbye
    now += 2 * HEARTBEAT_MS;
    expect(a.count(), 'two periods without a heartbeat').to.equal(2);
    now += 2 * HEARTBEAT_MS;
    expect(a.count(), 'four periods without a heartbeat').to.equal(1);
    b.stop(); // its connection is gone: nothing to say goodbye on, and nothing thrown
    a.stop();
  });

  it('ignores what is not a heartbeat on its subject', async () => {
    const nc = await open();
    const a = new Peers(nc, peersSubject('CEG_DELIVERIES'));
    a.start();
    nc.publish(peersSubject('CEG_DELIVERIES'), 'not json');
    nc.publish(peersSubject('CEG_DELIVERIES'), JSON.stringify({ id: 42 }));
    await nc.flush();
    await new Promise((r) => setTimeout(r, 100));
    expect(a.count()).to.equal(1);
    a.stop();
  });
});
