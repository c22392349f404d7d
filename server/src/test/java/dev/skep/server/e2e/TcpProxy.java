package dev.skep.server.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay on loopback that a test can cut and heal: one process's way to a server (its ZooKeeper, say) goes
 * through it, so that process alone is cut off while everyone else still reaches the server. Cut: every relayed
 * connection is closed and new ones are refused (the port is closed); healed: the same port accepts again.
 */
public final class TcpProxy implements AutoCloseable {

    private final InetSocketAddress target;
    private final int port;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private volatile ServerSocket server;

    private TcpProxy(InetSocketAddress target, int port) {
        this.target = target;
        this.port = port;
    }

    /** Relays 127.0.0.1:(a free port) to {@code target}. */
    public static TcpProxy to(InetSocketAddress target) throws IOException {
        TcpProxy proxy = new TcpProxy(target, SkepServerProcess.freePort());
        proxy.heal();
        return proxy;
    }

    public String address() {
        return "127.0.0.1:" + port;
    }

    /** Accepts and relays again, on the same port. */
    public synchronized void heal() throws IOException {
        if (server != null) {
            return;
        }
        ServerSocket socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress("127.0.0.1", port));
        server = socket;
        Thread.ofVirtual().name("tcp-proxy-" + port).start(() -> accept(socket));
    }

    /** Closes every relayed connection and refuses new ones until {@link #heal()}. */
    public synchronized void cut() throws IOException {
        if (server != null) {
            server.close();
            server = null;
        }
        for (Socket s : open) {
            s.close();
        }
        open.clear();
    }

    private void accept(ServerSocket socket) {
        while (!socket.isClosed()) {
            try {
                Socket client = socket.accept();
                Socket upstream = new Socket();
                try {
                    upstream.connect(target, 2_000);
                } catch (IOException e) {
                    client.close();
                    continue;
                }
                open.add(client);
                open.add(upstream);
                Thread.ofVirtual().start(() -> pump(client, upstream));
                Thread.ofVirtual().start(() -> pump(upstream, client));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void pump(Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException ended) {
            // either side closed, or the relay was cut
        } finally {
            try {
                from.close();
                to.close();
            } catch (IOException ignored) {
                // closing is all that is left to do
            }
            open.remove(from);
            open.remove(to);
        }
    }

    @Override
    public void close() throws IOException {
        cut();
    }
}
