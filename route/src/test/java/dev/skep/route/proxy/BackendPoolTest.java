package dev.skep.route.proxy;

import dev.skep.route.AppRoute;
import dev.skep.route.RouteTable;
import dev.skep.route.RouterConfig;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.Future;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.skep.route.proxy.BackendPool.MAX_DIALS_PER_BACKEND;
import static dev.skep.route.proxy.ProxyStepsTest.SHOP;
import static dev.skep.route.proxy.ProxyStepsTest.SHOP_1;
import static org.assertj.core.api.Assertions.assertThat;

/** The per-backend dial limit and its queue, with dials that complete when the test says. */
class BackendPoolTest {

    private final ProxyContext proxy = new ProxyContext(RouterConfig.defaults(),
            new BackendLoads(Duration.ofSeconds(5), System::nanoTime), null);
    /** Each dial: the channel it will open and the promise the test completes. */
    private final List<ChannelPromise> dials = new ArrayList<>();
    private final EmbeddedChannel anchor = new EmbeddedChannel();
    private final EventLoop loop = anchor.eventLoop();
    private final BackendPool pool = new BackendPool(proxy, false);

    {
        proxy.update(RouteTable.of(Map.of("shop.test", new AppRoute(SHOP, List.of(SHOP_1)))));
        proxy.dialer((b, l, raw) -> {
            ChannelPromise p = new DefaultChannelPromise(new EmbeddedChannel(), l);
            dials.add(p);
            return p;
        });
    }

    private List<Future<Channel>> herd(int n) {
        List<Future<Channel>> leases = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            leases.add(pool.acquire(SHOP_1, loop));
        }
        return leases;
    }

    @Test
    void aHerdDialsNoMoreThanTheLimitAndTheRestWaitInOrder() {
        List<Future<Channel>> leases = herd(100);

        assertThat(dials).hasSize(MAX_DIALS_PER_BACKEND);
        assertThat(pool.waitingCount(SHOP_1)).isEqualTo(100 - MAX_DIALS_PER_BACKEND);
        assertThat(leases).noneMatch(Future::isDone);

        dials.get(0).setSuccess();
        assertThat(leases.get(0).getNow()).isSameAs(dials.get(0).channel());
        assertThat(dials).as("the freed slot dials for the first lease in the queue").hasSize(MAX_DIALS_PER_BACKEND + 1);
        assertThat(pool.waitingCount(SHOP_1)).isEqualTo(100 - MAX_DIALS_PER_BACKEND - 1);
    }

    @Test
    void aConnectionGivenBackGoesToTheFirstWaitingLeaseWithoutANewDial() {
        List<Future<Channel>> leases = herd(MAX_DIALS_PER_BACKEND + 2);
        dials.get(0).setSuccess();
        Channel first = leases.get(0).getNow();
        int dialled = dials.size();

        pool.release(SHOP_1, first);

        assertThat(leases.get(MAX_DIALS_PER_BACKEND + 1).getNow()).as("the second waiter: the first got the slot's dial")
                .isSameAs(first);
        assertThat(dials).hasSize(dialled);
        assertThat(pool.idleCount(SHOP_1)).isZero();
        assertThat(pool.waitingCount(SHOP_1)).isZero();

        pool.release(SHOP_1, first);
        assertThat(pool.idleCount(SHOP_1)).as("no one waits: idle, for the next lease").isEqualTo(1);
        assertThat(pool.acquire(SHOP_1, loop).getNow()).isSameAs(first);
    }

    @Test
    void aFailedDialFailsTheQueuedLeasesAtOnceSoTheyCanPickAgain() {
        List<Future<Channel>> leases = herd(MAX_DIALS_PER_BACKEND + 10);

        dials.get(0).setFailure(new ConnectException("Connection refused"));

        assertThat(leases.get(0).cause()).isInstanceOf(ConnectException.class);
        assertThat(leases.subList(MAX_DIALS_PER_BACKEND, leases.size()))
                .allMatch(l -> l.isDone() && !l.isSuccess());
        assertThat(pool.waitingCount(SHOP_1)).isZero();
        assertThat(leases.subList(1, MAX_DIALS_PER_BACKEND)).as("dials in progress go on").noneMatch(Future::isDone);
    }

    @Test
    void aLeaseNobodyTakesAnyMoreIsGivenBackNotLost() throws IOException {
        List<Future<Channel>> leases = herd(1);
        leases.get(0).cancel(false);

        dials.get(0).setSuccess();

        assertThat(pool.idleCount(SHOP_1)).isEqualTo(1);
    }
}
