package dev.skep.model.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.skep.model.DataDirs;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Real processes under a uid of their own (root only, as skep's isolation is). */
class UidProcessesTest {

    /** Far above any user a host has, in skep's own app range's neighbourhood. */
    static final int UID = 1_899_999_917;

    @Test
    void aProcessOfAUidIsSeenBothWaysWhileItRunsAndNeitherOnceItIsGone() throws Exception {
        assumeThat(DataDirs.runningAsRoot()).as("running under another uid needs root").isTrue();
        assertThat(UidProcesses.anyRunAs(UID)).isFalse();
        Process sleep = new ProcessBuilder("setpriv", "--reuid=" + UID, "--regid=" + UID, "--clear-groups",
                "--no-new-privs", "sleep", "30").start();
        try {
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (UidProcesses.of(UID).isEmpty() && System.nanoTime() < until) {
                Thread.sleep(10); // setpriv execs sleep once it has changed its uids
            }
            assertThat(UidProcesses.of(UID)).containsExactly(sleep.pid());
            assertThat(UidProcesses.anyRunAs(UID)).isTrue();
            assertThat(UidProcesses.anyRunAs(UID + 1)).isFalse();
        } finally {
            sleep.destroyForcibly().waitFor();
        }
        assertThat(UidProcesses.anyRunAs(UID)).isFalse();
        assertThat(UidProcesses.of(UID)).isEmpty();
    }
}
