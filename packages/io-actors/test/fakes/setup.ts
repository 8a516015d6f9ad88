/** Builds servers and clients on loopback from the fakes. */
import { CountingMetrics, InboundPacketRouter, UdpSocket } from '../../src/index.js';
import type { InboundPacketRouterOptions, IoWorker, SocketAddress, WorkerSettings } from '../../src/index.js';
import { RecordingApp } from './apps.js';
import { CID_LENGTH, FakeConnection, FakeEndpoint } from './fake-quic.js';
import type { FakeConnectionOptions, FakeEndpointOptions, FakeEvent } from './fake-quic.js';

export type FakeRouter = InboundPacketRouter<FakeConnection, FakeEvent>;
export type FakeWorker = IoWorker<FakeConnection, FakeEvent>;

export interface TestServer {
  readonly router: FakeRouter;
  readonly endpoint: FakeEndpoint;
  readonly apps: RecordingApp[];
  readonly metrics: CountingMetrics;
  readonly address: SocketAddress;
}

export async function startServer(
  host = '127.0.0.1',
  options: { endpoint?: FakeEndpointOptions; router?: Partial<InboundPacketRouterOptions<FakeConnection, FakeEvent>>; app?: ConstructorParameters<typeof RecordingApp>[0] } = {},
): Promise<TestServer> {
  const metrics = new CountingMetrics();
  const socket = await UdpSocket.bind({ address: host, metrics });
  const endpoint = new FakeEndpoint(options.endpoint);
  const apps: RecordingApp[] = [];
  const router: FakeRouter = new InboundPacketRouter<FakeConnection, FakeEvent>({
    socket,
    localCidLength: CID_LENGTH,
    endpoint,
    applicationFactory: () => {
      const app = new RecordingApp(options.app ?? { echo: true });
      apps.push(app);
      return app;
    },
    metrics,
    ...options.router,
  });
  return { router, endpoint, apps, metrics, address: socket.localAddress };
}

export async function clientRouter(host = '127.0.0.1', metrics = new CountingMetrics()): Promise<FakeRouter> {
  const socket = await UdpSocket.bind({ address: host, metrics });
  return new InboundPacketRouter<FakeConnection, FakeEvent>({ socket, localCidLength: CID_LENGTH, metrics });
}

export interface TestClient {
  readonly conn: FakeConnection;
  readonly app: RecordingApp;
  readonly worker: FakeWorker;
}

export function connect(
  router: FakeRouter,
  server: SocketAddress,
  options: { connection?: Partial<FakeConnectionOptions>; worker?: WorkerSettings; app?: RecordingApp } = {},
): TestClient {
  const conn = FakeConnection.connect({ local: router.localAddress, remote: server }, options.connection);
  const app = options.app ?? new RecordingApp();
  const worker = router.spawn(conn, app, options.worker);
  return { conn, app, worker };
}
