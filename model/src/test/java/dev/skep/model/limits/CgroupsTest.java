package dev.skep.model.limits;

import dev.skep.model.CgroupMounts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import dev.skep.model.DataDirs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CgroupsTest {

    @TempDir
    Path tmp;

    @Test
    void findsEachV1ControllerAndTheUnifiedMountOfAHybridHost() {
        CgroupMounts mounts = CgroupMounts.parse(List.of(
                "30 25 0:26 / /sys/fs/cgroup rw,nosuid - tmpfs tmpfs ro,mode=755",
                "31 30 0:27 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw",
                "33 30 0:29 / /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct",
                "34 30 0:30 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory",
                "35 30 0:31 / /sys/fs/cgroup/pids rw - cgroup cgroup rw,pids",
                "36 30 0:32 / /sys/fs/cgroup/cpuset rw - cgroup cgroup rw,cpuset"));
        assertThat(mounts.v2()).contains(Path.of("/sys/fs/cgroup/unified"));
        assertThat(mounts.v1()).containsOnly(Map.entry("memory", Path.of("/sys/fs/cgroup/memory")),
                Map.entry("pids", Path.of("/sys/fs/cgroup/pids")), Map.entry("cpu", Path.of("/sys/fs/cgroup/cpu,cpuacct")));
    }

    @Test
    void aPureV2HostHasOnlyTheUnifiedMount() {
        CgroupMounts mounts = CgroupMounts.parse(List.of(
                "26 23 0:23 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate",
                "40 23 0:35 / /mnt/with\\040space rw - ext4 /dev/sda1 rw"));
        assertThat(mounts.v2()).contains(Path.of("/sys/fs/cgroup"));
        assertThat(mounts.v1()).isEmpty();
    }

    @Test
    void aV2HierarchyWithoutMemoryFallsBackToV1OrNone() {
        CgroupMounts onlyHugetlb = new CgroupMounts(Optional.of(tmp), Map.of());
        writeQuietly(tmp.resolve("cgroup.controllers"), "hugetlb\n");
        Cgroups none = CgroupSetup.detect(onlyHugetlb);
        assertThat(none.describe()).startsWith("none").contains("lacks memory/pids");
        assertThat(none.slot("a.b.1.abc", ResourceLimits.defaults(), 0)).isEmpty();
    }

    @Test
    void cpuSharesMapOntoV2Weights() {
        assertThat(new ResourceLimits(64 << 20, 64, 1024, 1024).cpuWeight()).isEqualTo(39);
        assertThat(new ResourceLimits(64 << 20, 64, 2, 1024).cpuWeight()).isEqualTo(1);
        assertThat(new ResourceLimits(64 << 20, 64, 262_144, 1024).cpuWeight()).isEqualTo(10_000);
    }

    @Test
    void theConfinementHeadJoinsEveryProcsFileSetsOpenFilesAndExecsInPlace() throws Exception {
        Path procs1 = Files.createFile(tmp.resolve("procs1"));
        Path procs2 = Files.createFile(tmp.resolve("procs2"));
        Run limits = confined(List.of(procs1, procs2), "/bin/cat", "/proc/self/limits");
        assertThat(limits.out()).containsPattern("Max open files\\s+321\\s+321");
        assertThat(Files.readString(procs1).trim()).isEqualTo(Long.toString(limits.pid()));
        assertThat(Files.readString(procs2).trim()).isEqualTo(Long.toString(limits.pid()));
        // the shell adds nothing to the app's environment
        assertThat(confined(List.of(procs1), "/usr/bin/env").out().trim()).isEqualTo("ONLY=this");
    }

    private record Run(long pid, String out) {
    }

    private static Run confined(List<Path> procs, String... argv) throws Exception {
        List<String> command = new ArrayList<>(Confinement.head(new ResourceLimits(64 << 20, 64, 1024, 321), procs));
        command.addAll(List.of(argv));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().put("ONLY", "this");
        Process p = builder.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return new Run(p.pid(), out);
    }

    @Test
    void theAppDoesNotRunWhenItCannotJoinItsCgroup() throws Exception {
        List<String> command = new ArrayList<>(Confinement.head(ResourceLimits.defaults(),
                List.of(tmp.resolve("no/such/dir/cgroup.procs"))));
        command.addAll(List.of("/bin/echo", "RAN"));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(Confinement.FAILED_EXIT);
        assertThat(out).contains("cannot join cgroup").doesNotContain("RAN");
    }

    @Test
    void anInstanceThatPassesItsMemoryLimitIsKilledAndTheKillIsCounted() throws Exception {
        assumeThat(DataDirs.runningAsRoot()).as("needs root (cgroups); CI runs as root").isTrue();
        Cgroups cgroups = CgroupSetup.detect();
        assumeThat(cgroups.describe()).as("needs writable cgroups: " + cgroups.describe()).doesNotStartWith("none");
        String instance = "test.limits.1." + UUID.randomUUID().toString().substring(0, 8);
        CgroupSlot slot = cgroups.slot(instance, new ResourceLimits(48L << 20, 32, 512, 256), 0).orElseThrow();
        try {
            List<String> command = new ArrayList<>(Confinement.head(new ResourceLimits(48L << 20, 32, 512, 256),
                    slot.procsFiles()));
            // one fill far past the limit: MiB steps had the kernel thrash node's own code pages near the limit for a minute
            command.addAll(List.of("node", "-e", "const a = []; for (;;) a.push(Buffer.alloc(256 << 20, 1));"));
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isEqualTo(128 + 9);
            await().atMost(Duration.ofSeconds(5)).until(() -> slot.oomKills() >= 1);
            await().atMost(Duration.ofSeconds(5)).until(() -> slot.pids().isEmpty());
        } finally {
            slot.remove();
        }
        assertThat(slot.procsFiles()).allMatch(f -> !Files.exists(f.getParent()));
    }

    private static void writeQuietly(Path file, String text) {
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
