package dev.skep.route.proxy;

import dev.skep.route.Backend;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;

/**
 * Opens a new backend connection on the given event loop, its pipeline built by {@link BackendInitializer}:
 * {@code raw} for responses read as bytes ({@link ResponseReader}), else as Netty's HTTP objects.
 */
@FunctionalInterface
public interface Dialer {
    ChannelFuture dial(Backend backend, EventLoop loop, boolean raw);
}
