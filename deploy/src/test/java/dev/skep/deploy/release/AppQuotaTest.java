package dev.skep.deploy.release;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skep.deploy.AppQuota;
import dev.skep.deploy.release.CrashRollbackTest.MemoryState;
import dev.skep.model.AppId;
import dev.skep.model.SkepException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * A user at the edge of the app quota cannot pass it with concurrent creations (a burst of `skep create` or of first
 * deploys, whose builds all passed the early check): each creation counts the one before it.
 */
class AppQuotaTest {

    final MemoryState state = new MemoryState();
    final AppQuota quota = new AppQuota(state, 2);

    @Test
    void concurrentCreationsOfOneUserStopAtTheBound() throws Exception {
        state.createApp(new AppId("alice", "first"));
        state.createApp(new AppId("bob", "first"));
        CountDownLatch go = new CountDownLatch(1);
        List<Callable<Boolean>> creations = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            AppId app = new AppId("alice", "app" + i);
            creations.add(() -> {
                go.await();
                try {
                    // the early check (before a build): each passes it unless it runs after a creation ended (a
                    // thread started late on a loaded machine), and then it is refused there, as rightly
                    quota.requireRoomFor(app);
                    quota.create(app, () -> {
                        sleep(20); // a slow write: the others arrive meanwhile
                        return state.createApp(app);
                    });
                    return true;
                } catch (SkepException e) {
                    assertThat(e.kind()).isEqualTo(SkepException.Kind.FORBIDDEN);
                    assertThat(e.getMessage()).contains("alice owns 2 apps");
                    return false;
                }
            });
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Boolean>> results = creations.stream().map(pool::submit).toList();
            go.countDown();
            long made = 0;
            for (Future<Boolean> f : results) {
                made += get(f) ? 1 : 0;
            }
            assertThat(made).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
        assertThat(state.appCount("alice")).isEqualTo(2);
        assertThat(state.appCount("bob")).as("another user's count is not touched").isEqualTo(1);
        quota.create(new AppId("bob", "second"), () -> state.createApp(new AppId("bob", "second")));
    }

    private static boolean get(Future<Boolean> f) throws InterruptedException {
        try {
            return f.get();
        } catch (ExecutionException e) {
            throw new AssertionError(e.getCause());
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
