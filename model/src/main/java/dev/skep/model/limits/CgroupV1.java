package dev.skep.model.limits;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * cgroup v1: one directory per instance under {@code skep/} in each of the memory, pids and cpu
 * hierarchies. Memory and swap are capped together (memsw, when the kernel accounts swap). On a
 * hybrid host the instance also gets one in the unified (cgroup2) hierarchy, which has no
 * controllers there: it carries the {@link BindGuard}.
 */
final class CgroupV1 implements Cgroups {

    private static final Logger log = LoggerFactory.getLogger(CgroupV1.class);

    private final Path memory;
    private final Path pids;
    private final Path cpu;
    private final BindGuard guard;

    /**
     * @param memory the {@code skep} dir in the memory hierarchy, and so on; created already
     * @param guard  over the {@code skep} dir of the hybrid host's cgroup2 hierarchy, or off
     */
    CgroupV1(Path memory, Path pids, Path cpu, BindGuard guard) {
        this.memory = memory;
        this.pids = pids;
        this.cpu = cpu;
        this.guard = guard;
    }

    @Override
    public String describe() {
        return "cgroup v1 (memory " + memory + ", pids " + pids + ", cpu " + cpu + ")";
    }

    @Override
    public BindGuard bindGuard() {
        return guard;
    }

    @Override
    public Optional<CgroupSlot> slot(String instance, ResourceLimits limits, int port) {
        Path m = memory.resolve(instance);
        Path p = pids.resolve(instance);
        Path c = cpu.resolve(instance);
        Path u = guard.on() ? guard.dir(instance) : null;
        try {
            for (Path dir : List.of(m, p, c)) {
                Files.createDirectories(dir);
            }
            if (u != null) {
                guard.allowOnly(Files.createDirectories(u), port);
            }
            String bytes = Long.toString(limits.memoryBytes());
            if (Files.exists(m.resolve("memory.memsw.limit_in_bytes"))) {
                // memsw must stay >= the memory limit: raise the memory limit first when lowering both
                CgroupFiles.write(m, "memory.limit_in_bytes", bytes);
                CgroupFiles.write(m, "memory.memsw.limit_in_bytes", bytes);
            } else {
                CgroupFiles.write(m, "memory.limit_in_bytes", bytes);
            }
            CgroupFiles.write(p, "pids.max", Integer.toString(limits.pids()));
            CgroupFiles.write(c, "cpu.shares", Integer.toString(limits.cpuShares()));
        } catch (IOException e) {
            throw new IllegalStateException("cannot set up the cgroups of instance " + instance + " under " + memory
                    + ", " + pids + ", " + cpu + ": " + e.getMessage(), e);
        }
        return Optional.of(new Slot(m, p, c, u));
    }

    @Override
    public List<String> sweep(String prefix) {
        Set<String> names = new TreeSet<>();
        for (Path parent : List.of(memory, pids, cpu)) {
            CgroupFiles.children(parent, prefix).forEach(d -> names.add(d.getFileName().toString()));
        }
        if (guard.on()) {
            CgroupFiles.children(guard.root(), prefix).forEach(d -> names.add(d.getFileName().toString()));
        }
        for (String name : names) {
            new Slot(memory.resolve(name), pids.resolve(name), cpu.resolve(name), guard.on() ? guard.dir(name) : null)
                    .killAll(Duration.ofSeconds(10));
        }
        return List.copyOf(names);
    }

    /** @param unifiedDir the cgroup2 dir that carries the bind guard, or null when it is off */
    private record Slot(Path memoryDir, Path pidsDir, Path cpuDir, Path unifiedDir) implements CgroupSlot {

        private List<Path> dirs() {
            return unifiedDir == null ? List.of(memoryDir, pidsDir, cpuDir)
                    : List.of(memoryDir, pidsDir, cpuDir, unifiedDir);
        }

        @Override
        public List<Path> procsFiles() {
            return dirs().stream().map(d -> d.resolve("cgroup.procs")).toList();
        }

        @Override
        public long oomKills() {
            return CgroupFiles.keyed(memoryDir.resolve("memory.oom_control"), "oom_kill");
        }

        @Override
        public Set<Long> pids() {
            Set<Long> all = new LinkedHashSet<>();
            dirs().forEach(d -> all.addAll(CgroupFiles.pids(d)));
            return all;
        }

        @Override
        public void remove() {
            List<Path> left = new ArrayList<>();
            for (Path dir : dirs()) {
                if (!CgroupFiles.remove(dir)) {
                    left.add(dir);
                }
            }
            if (!left.isEmpty()) {
                log.warn("event=cgroup.remove-failed dirs={} reason=\"not empty yet\"", left);
            }
        }
    }
}
