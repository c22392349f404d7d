package dev.skep.state;

import java.io.IOException;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.leader.LeaderLatchListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Leader election among controllers (Curator LeaderLatch at /skep/leader); the scheduler runs on the leader only. */
public final class Leadership implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Leadership.class);

    private final LeaderLatch latch;

    private final String memberId;

    public Leadership(CuratorFramework zk, String memberId) {
        this.latch = new LeaderLatch(zk, Paths.LEADER, memberId);
        this.memberId = memberId;
    }

    /** Runs {@code onGained} each time this member becomes leader; call before {@link #start()}. */
    public void whenLeader(Runnable onGained) {
        latch.addListener(new LeaderLatchListener() {
            @Override
            public void isLeader() {
                log.info("event=leader.gained member={}", memberId);
                onGained.run();
            }

            @Override
            public void notLeader() {
                log.info("event=leader.lost member={}", memberId);
            }
        });
    }

    public void start() throws Exception {
        latch.start();
    }

    public boolean isLeader() {
        return latch.hasLeadership();
    }

    @Override
    public void close() throws IOException {
        latch.close();
    }
}
