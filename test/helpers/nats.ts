// Each suite starts its own nats-server on a free port (and clusters for scale-out tests), so tests never
// depend on a server they did not start.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, startLocalServer, type LocalServer } from '../../src/nats/local.js';

export interface TestNats extends LocalServer {
  dir: string;
  /** stops the server and removes its data */
  cleanup(): Promise<void>;
}

export async function startNats(): Promise<TestNats> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ceg-nats-'));
  const server = await startLocalServer({ storeDir: dir });
  return {
    ...server,
    dir,
    async cleanup() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A three-node JetStream cluster on free ports; resolves once all nodes listen. */
export async function startNatsCluster(size = 3): Promise<{ urls: string[]; servers: TestNats[]; cleanup(): Promise<void> }> {
  const clusterPorts = await Promise.all(Array.from({ length: size }, () => freePort()));
  const routes = clusterPorts.map((p) => `nats://127.0.0.1:${p}`);
  const servers = await Promise.all(
    clusterPorts.map(async (port, i) => {
      const dir = mkdtempSync(path.join(os.tmpdir(), `ceg-nats-c${i}-`));
      const s = await startLocalServer({ storeDir: dir, serverName: `n${i}`, cluster: { name: 'ceg-test', port, routes } });
      return { ...s, dir, cleanup: async () => { await s.stop(); rmSync(dir, { recursive: true, force: true }); } };
    }),
  );
  return {
    urls: servers.map((s) => s.url),
    servers,
    async cleanup() {
      await Promise.all(servers.map((s) => s.cleanup()));
    },
  };
}
