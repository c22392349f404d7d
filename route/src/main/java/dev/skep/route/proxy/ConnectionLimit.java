package dev.skep.route.proxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicLong;

/**
 * First step of a client connection: admitted by {@link ClientConnections} (total, per-IP, reserve)
 * or closed at once, before anything is read. One per connection: it holds the slot it gives back.
 */
final class ConnectionLimit extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(ConnectionLimit.class);
    private static final long SUMMARY_EVERY_NANOS = 10_000_000_000L;
    /** Refusals since the last summary line: an attacker controls their number, so they are counted, not logged. */
    private static final AtomicLong refused = new AtomicLong();
    private static final AtomicLong lastSummary = new AtomicLong(System.nanoTime() - SUMMARY_EVERY_NANOS);

    private final ClientConnections connections;
    private ClientConnections.Slot slot;

    ConnectionLimit(ClientConnections connections) {
        this.connections = connections;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        InetAddress client = ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a.getAddress() : null;
        ClientConnections.Slot s = connections.admit(client);
        if (s.refusal != null) {
            refused(client, s.refusal);
            ctx.close();
            return;
        }
        slot = s;
        ctx.fireChannelActive();
    }

    private void refused(InetAddress client, ClientConnections.Refusal why) {
        long n = refused.incrementAndGet();
        long now = System.nanoTime();
        long last = lastSummary.get();
        if (now - last > SUMMARY_EVERY_NANOS && lastSummary.compareAndSet(last, now)) {
            refused.addAndGet(-n);
            log.warn("event=router.connections-refused client={} reason={} refused={} open={} "
                            + "effect=\"closed on accept; this line at most every 10 s\"",
                    client == null ? "-" : client.getHostAddress(), why.name().toLowerCase().replace('_', '-'), n,
                    connections.open());
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (slot != null) {
            connections.release(slot);
            slot = null;
        }
        ctx.fireChannelInactive();
    }
}
