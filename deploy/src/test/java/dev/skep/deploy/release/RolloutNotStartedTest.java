package dev.skep.deploy.release;

import static dev.skep.deploy.release.CrashRollbackTest.SHOP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.skep.deploy.release.CrashRollbackTest.MemoryDocuments;
import dev.skep.deploy.release.CrashRollbackTest.MemoryState;
import dev.skep.model.AppId;
import dev.skep.model.AppSpec;
import dev.skep.model.InstanceState;
import dev.skep.model.LogSource;
import dev.skep.model.RolloutOwners;
import dev.skep.model.SkepException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * A release whose instance died at start says why from the instance's own lines. Seen deploying a NestJS app that
 * listened on 3000 under {@code npm run start:prod}: Node's "listen EPERM" line was followed by Nest's stack, Node's
 * error dump and npm's notices, 25 lines, and the answer, reading the last 20, said only "exited with code 1".
 */
class RolloutNotStartedTest {

    static final String DEAD = "alice.shop.2.web.1.a79130";

    final MemoryState state = new MemoryState();
    final List<String> log = new ArrayList<>();
    final Rollout rollout = new Rollout(state, RolloutOwners.none(), event -> { }, Clock.systemUTC(),
            Duration.ofSeconds(30), new Log(), new ProbationSettings(new MemoryDocuments(), Duration.ZERO),
            new ReleaseFailures(new MemoryDocuments()));

    RolloutNotStartedTest() {
        Instant now = Instant.now();
        state.apps.put(SHOP, AppSpec.create(SHOP, now).withRelease(1, now));
        state.releases.put(1, CrashRollbackTest.release(1));
        state.releases.put(2, CrashRollbackTest.release(2));
        state.instances.put(DEAD, CrashRollbackTest.status(DEAD, 2, InstanceState.FAILED));
    }

    @Test
    void aRefusedListenFarAboveTheLast20LinesStillGetsThePortAdvice() {
        stderr("Error: listen EPERM: operation not permitted 0.0.0.0:3000");
        stderr("    at Server.setupListenHandle [as _listen2] (node:net:1896:21)");
        for (int frame = 0; frame < 10; frame++) {
            stderr("    at frame" + frame + " (file:///app/node_modules/@nestjs/core/nest-application.js:3" + frame + ")");
        }
        for (String line : List.of("  code: 'EPERM',", "  errno: -1,", "  syscall: 'listen',", "  address: '0.0.0.0',",
                "  port: 3000", "}", "", "Node.js v20.20.2", "npm notice", "npm notice New minor version of npm "
                        + "available! 11.19.1 -> 11.21.3", "npm notice Changelog: ...", "npm notice To update run: ...",
                "npm notice")) {
            stderr(line);
        }

        SkepException failed = catchThrowableOfType(SkepException.class,
                () -> rollout.activate(SHOP, 2, Rollout.Progress.none()));

        assertThat(failed.getMessage()).contains("did not start: instance " + DEAD)
                .contains("it tried to listen on 0.0.0.0:3000, which skep refuses")
                .contains("make it listen on process.env.PORT");
        // what it shows and keeps stays the last 20
        assertThat(failed.detail()).contains("npm notice To update run").doesNotContain("listen EPERM");
        assertThat(rollout.failures().of(SHOP).get(2).lastLines()).hasSize(20);
    }

    @Test
    void anotherInstancesRefusedListenIsNotThisOnes() {
        log.add("2026-12-07T18:05:57Z alice.shop.1.web.1.0ld000 stderr Error: listen EPERM: operation not permitted "
                + "0.0.0.0:3000");
        stderr("Error: Cannot find module 'dotenv'");

        SkepException failed = catchThrowableOfType(SkepException.class,
                () -> rollout.activate(SHOP, 2, Rollout.Progress.none()));

        assertThat(failed.getMessage()).doesNotContain("listen on");
    }

    private void stderr(String text) {
        log.add("2026-12-07T18:05:57.102Z " + DEAD + " stderr " + text);
    }

    /** The app's log as the agent wrote it. */
    final class Log implements LogSource {
        @Override
        public List<String> tail(AppId app, int lines) {
            return List.copyOf(log.subList(Math.max(0, log.size() - lines), log.size()));
        }

        @Override
        public AutoCloseable follow(AppId app, Consumer<String> line) {
            return () -> { };
        }
    }
}
