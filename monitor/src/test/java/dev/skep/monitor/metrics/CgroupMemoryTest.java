package dev.skep.monitor.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finding an instance's own cgroup from /proc/PID/cgroup and reading its memory files, v1 and v2 layouts. */
class CgroupMemoryTest {

    @TempDir
    Path tmp;

    private Path proc;
    private Path cgroups;

    private void process(long pid, String... cgroupLines) throws IOException {
        proc = tmp.resolve("proc");
        Files.createDirectories(proc.resolve(String.valueOf(pid)));
        Files.writeString(proc.resolve(pid + "/cgroup"), String.join("\n", cgroupLines) + "\n");
    }

    private Path dir(String relative, String... fileAndValue) throws IOException {
        cgroups = tmp.resolve("sys");
        Path dir = Files.createDirectories(cgroups.resolve(relative));
        for (int i = 0; i < fileAndValue.length; i += 2) {
            Files.writeString(dir.resolve(fileAndValue[i]), fileAndValue[i + 1] + "\n");
        }
        return dir;
    }

    @Test
    void readsV1UsageAndLimitFromTheMemoryHierarchy() throws IOException {
        process(42, "9:name=systemd:/", "4:memory:/skep/alice.shop.1.ab12cd", "1:cpu:/skep/alice.shop.1.ab12cd", "0::/");
        dir("memory/skep/alice.shop.1.ab12cd", "memory.usage_in_bytes", "52428800",
                "memory.limit_in_bytes", "536870912");
        CgroupMemory memory = new CgroupMemory(proc, cgroups.resolve("unified"), cgroups.resolve("memory"));

        assertThat(memory.read("alice.shop.1.ab12cd", 42))
                .contains(new CgroupMemory.Figures(52_428_800L, 536_870_912L));
    }

    @Test
    void aHybridHostsUnifiedCgroupOfTheBindGuardIsNotTakenForTheMemoryOne() throws IOException {
        // the unified line first: whatever the kernel's order, the figures are the memory hierarchy's
        process(42, "0::/skep/alice.shop.1.ab12cd", "4:memory:/skep/alice.shop.1.ab12cd");
        dir("unified/skep/alice.shop.1.ab12cd", "cgroup.procs", "42");
        dir("memory/skep/alice.shop.1.ab12cd", "memory.usage_in_bytes", "52428800",
                "memory.limit_in_bytes", "536870912");
        CgroupMemory memory = new CgroupMemory(proc, cgroups.resolve("unified"), cgroups.resolve("memory"));

        assertThat(memory.read("alice.shop.1.ab12cd", 42))
                .contains(new CgroupMemory.Figures(52_428_800L, 536_870_912L));
    }

    @Test
    void readsV2CurrentAndMaxAndTakesMaxAsNoLimit() throws IOException {
        process(7, "0::/skep/alice.shop.1.ab12cd");
        Path dir = dir("skep/alice.shop.1.ab12cd", "memory.current", "1048576", "memory.max", "max");
        CgroupMemory memory = new CgroupMemory(proc, cgroups, null);

        assertThat(memory.read("alice.shop.1.ab12cd", 7)).contains(new CgroupMemory.Figures(1_048_576L, -1));
        Files.writeString(dir.resolve("memory.max"), "268435456\n");
        assertThat(memory.read("alice.shop.1.ab12cd", 7)).contains(new CgroupMemory.Figures(1_048_576L, 268_435_456L));
    }

    @Test
    void v1sHugeNumberMeansNoLimit() throws IOException {
        process(42, "4:memory:/skep/i1");
        dir("memory/skep/i1", "memory.usage_in_bytes", "4096", "memory.limit_in_bytes", "9223372036854771712");

        assertThat(new CgroupMemory(proc, null, cgroups.resolve("memory")).read("i1", 42))
                .contains(new CgroupMemory.Figures(4096, -1));
    }

    @Test
    void aProcessOutsideItsOwnCgroupHasNoFigures() throws IOException {
        process(42, "4:memory:/user.slice", "0::/user.slice/session-1.scope");
        dir("memory/skep/i1", "memory.usage_in_bytes", "4096", "memory.limit_in_bytes", "8192");

        assertThat(new CgroupMemory(proc, cgroups, cgroups.resolve("memory")).read("i1", 42)).isEmpty();
    }

    @Test
    void aGoneProcessOrCgroupHasNoFiguresAndIsLookedUpAgainLater() throws IOException {
        process(42, "4:memory:/skep/i1");
        CgroupMemory memory = new CgroupMemory(proc, null, tmp.resolve("sys/memory"));
        assertThat(memory.read("i1", 43)).as("no such process").isEmpty();
        assertThat(memory.read("i1", 42)).as("no cgroup dir (yet)").isEmpty();

        dir("memory/skep/i1", "memory.usage_in_bytes", "4096", "memory.limit_in_bytes", "8192");
        assertThat(memory.read("i1", 42)).contains(new CgroupMemory.Figures(4096, 8192));
    }

    @Test
    void aProcessSampledBeforeItMovedIntoItsCgroupShowsTheCgroupOnceItHas() throws IOException {
        process(42, "4:memory:/user.slice"); // the launch shell, before it wrote its pid to cgroup.procs
        dir("memory/skep/i1", "memory.usage_in_bytes", "4096", "memory.limit_in_bytes", "8192");
        CgroupMemory memory = new CgroupMemory(proc, null, cgroups.resolve("memory"));
        assertThat(memory.read("i1", 42)).isEmpty();

        process(42, "4:memory:/skep/i1");
        assertThat(memory.read("i1", 42)).contains(new CgroupMemory.Figures(4096, 8192));
    }

    @Test
    void findsTheMountsInMountinfo() throws IOException {
        process(42, "4:memory:/skep/i1");
        List<String> mountinfo = List.of(
                "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755",
                "35 31 0:32 / " + tmp.resolve("sys/memory") + " rw,relatime - cgroup cgroup rw,memory",
                "41 31 0:38 / " + tmp.resolve("sys/unified") + " rw,relatime - cgroup2 cgroup2 rw");
        dir("memory/skep/i1", "memory.usage_in_bytes", "4096", "memory.limit_in_bytes", "8192");

        assertThat(CgroupMemory.fromMountinfo(proc, mountinfo).read("i1", 42))
                .contains(new CgroupMemory.Figures(4096, 8192));
    }
}
