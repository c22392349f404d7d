package dev.skep.model.limits;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** cgroup v2: one directory per instance under {@code skep/}, with memory, pids and cpu enabled for it. */
final class CgroupV2 implements Cgroups {

    private static final Logger log = LoggerFactory.getLogger(CgroupV2.class);

    private final Path skep;
    private final BindGuard guard;

    /**
     * @param skep  the {@code skep} dir under the unified mount, created, with +memory +pids +cpu in its subtree_control
     * @param guard over the same {@code skep} dir, or off
     */
    CgroupV2(Path skep, BindGuard guard) {
        this.skep = skep;
        this.guard = guard;
    }

    @Override
    public BindGuard bindGuard() {
        return guard;
    }

    @Override
    public String describe() {
        return "cgroup v2 (" + skep + ")";
    }

    @Override
    public Optional<CgroupSlot> slot(String instance, ResourceLimits limits, int port) {
        Path dir = skep.resolve(instance);
        try {
            Files.createDirectories(dir);
            CgroupFiles.write(dir, "memory.max", Long.toString(limits.memoryBytes()));
            if (Files.exists(dir.resolve("memory.swap.max"))) {
                CgroupFiles.write(dir, "memory.swap.max", "0");
            }
            CgroupFiles.write(dir, "pids.max", Integer.toString(limits.pids()));
            if (Files.exists(dir.resolve("cpu.weight"))) {
                CgroupFiles.write(dir, "cpu.weight", Integer.toString(limits.cpuWeight()));
            }
            if (guard.on()) {
                guard.allowOnly(dir, port);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot set up the cgroup of instance " + instance + " in " + dir + ": "
                    + e.getMessage(), e);
        }
        return Optional.of(new Slot(dir));
    }

    @Override
    public List<String> sweep(String prefix) {
        return CgroupFiles.children(skep, prefix).stream().map(dir -> {
            new Slot(dir).killAll(Duration.ofSeconds(10));
            return dir.getFileName().toString();
        }).toList();
    }

    private record Slot(Path dir) implements CgroupSlot {

        @Override
        public List<Path> procsFiles() {
            return List.of(dir.resolve("cgroup.procs"));
        }

        @Override
        public long oomKills() {
            return CgroupFiles.keyed(dir.resolve("memory.events"), "oom_kill");
        }

        @Override
        public Set<Long> pids() {
            return CgroupFiles.pids(dir);
        }

        @Override
        public void remove() {
            if (!CgroupFiles.remove(dir)) {
                log.warn("event=cgroup.remove-failed dir={} reason=\"not empty yet\"", dir);
            }
        }
    }
}
