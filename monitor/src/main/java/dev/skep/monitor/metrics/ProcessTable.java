package dev.skep.monitor.metrics;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Every process at one moment, with the parent links needed to walk a tree. Immutable. */
public final class ProcessTable {

    private final Map<Long, ProcStat> byPid;
    private final Map<Long, List<Long>> children;

    public ProcessTable(Map<Long, ProcStat> byPid) {
        this.byPid = Map.copyOf(byPid);
        Map<Long, List<Long>> kids = new HashMap<>();
        for (ProcStat stat : byPid.values()) {
            kids.computeIfAbsent(stat.ppid(), k -> new ArrayList<>()).add(stat.pid());
        }
        this.children = kids;
    }

    public ProcStat get(long pid) {
        return byPid.get(pid);
    }

    /** The root and all its descendants that exist, root first; empty when the root is gone. */
    public List<ProcStat> tree(long rootPid) {
        List<ProcStat> out = new ArrayList<>();
        ProcStat root = byPid.get(rootPid);
        if (root == null) {
            return out;
        }
        ArrayDeque<Long> todo = new ArrayDeque<>();
        todo.add(rootPid);
        while (!todo.isEmpty() && out.size() < 10_000) {
            long pid = todo.poll();
            ProcStat stat = byPid.get(pid);
            if (stat == null) {
                continue;
            }
            out.add(stat);
            todo.addAll(children.getOrDefault(pid, List.of()));
        }
        return out;
    }

    public int size() {
        return byPid.size();
    }
}
