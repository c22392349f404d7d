package dev.skep.state;

import dev.skep.model.AppId;
import dev.skep.model.Assignment;
import dev.skep.model.Assignments;
import dev.skep.model.InstanceIds;
import java.util.ArrayList;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.List;
import java.util.Optional;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.zookeeper.KeeperException;

/** {@link Assignments} in /skep/assignments/{agent}/{instance}, written by the scheduler. */
final class ZkAssignments implements Assignments {

    static final int BATCH_OPS = 200;
    static final int BATCH_BYTES = 256 * 1024;

    private final ZkNodes nodes;

    ZkAssignments(ZkNodes nodes) {
        this.nodes = nodes;
    }

    @Override
    public List<Assignment> assignments() {
        List<Assignment> all = new ArrayList<>();
        for (String agent : nodes.children(Paths.ASSIGNMENTS)) {
            all.addAll(assignments(agent));
        }
        return all;
    }

    @Override
    public List<Assignment> assignments(String agentId) {
        List<Assignment> list = new ArrayList<>();
        for (String instance : nodes.children(Paths.assignments(agentId))) {
            nodes.read(Paths.assignment(agentId, instance), Assignment.class).ifPresent(list::add);
        }
        return list;
    }

    @Override
    public List<String> assignedInstances(String agentId) {
        return nodes.children(Paths.assignments(agentId));
    }

    @Override
    public Optional<Assignment> assignment(String agentId, String instance) {
        if (!InstanceIds.isValid(instance)) {
            return Optional.empty(); // no such assignment can exist; a stray node must not stop a reconcile
        }
        return nodes.read(Paths.assignment(agentId, instance), Assignment.class);
    }

    @Override
    public void putAssignment(Assignment assignment) {
        AppId.requireName("agent", assignment.agent());
        ZkNodes.requireInstance(assignment.instance());
        String path = Paths.assignment(assignment.agent(), assignment.instance());
        nodes.view().requireWritable("assign " + assignment.instance());
        try {
            nodes.zk().create().orSetData().creatingParentsIfNeeded().forPath(path, Json.write(assignment));
            nodes.changed();
        } catch (Exception e) {
            throw ZkNodes.failure("assign " + assignment.instance(), e);
        }
    }

    /**
     * Many assignments in few multi-ops (up to {@link #BATCH_OPS} writes or {@link #BATCH_BYTES} of data each,
     * well under ZooKeeper's 1 MB request bound): one quorum round trip per batch instead of one per instance.
     * A batch that fails as a whole (an agent's first assignment, whose parent is missing; a node already there or
     * already gone) is written again one node at a time, as {@link #putAssignment} and {@link #removeAssignment} do.
     */
    @Override
    public void writeAssignments(List<Assignment> put, List<Assignment> withdraw, Consumer<Assignment> written) {
        put.forEach(a -> {
            AppId.requireName("agent", a.agent());
            ZkNodes.requireInstance(a.instance());
        });
        withdraw.forEach(a -> ZkNodes.requireInstance(a.instance()));
        if (put.isEmpty() && withdraw.isEmpty()) {
            return;
        }
        nodes.view().requireWritable("assign " + (put.size() + withdraw.size()) + " instances");
        put.stream().map(Assignment::agent).distinct().forEach(this::ensureAgentDir);
        List<Write> batch = new ArrayList<>();
        int bytes = 0;
        for (Assignment a : put) {
            byte[] data = Json.write(a);
            if (batch.size() == BATCH_OPS || bytes + data.length > BATCH_BYTES) {
                commit(batch, written);
                bytes = 0;
            }
            batch.add(new Write(a, op(() -> nodes.zk().transactionOp().create()
                    .forPath(Paths.assignment(a.agent(), a.instance()), data)), () -> putAssignment(a)));
            bytes += data.length;
        }
        for (Assignment a : withdraw) {
            if (batch.size() == BATCH_OPS) {
                commit(batch, written);
            }
            batch.add(new Write(a, op(() -> nodes.zk().transactionOp().delete()
                    .forPath(Paths.assignment(a.agent(), a.instance()))),
                    () -> removeAssignment(a.agent(), a.instance())));
        }
        commit(batch, written);
    }

    /**
     * An agent's folder of assignments, made before a batch puts its first one there: a multi-op cannot make parents,
     * and one missing folder failed its whole batch, which then went one write at a time (the first pass of 3,000
     * placements over 300 new agents took 37 s). The cache says which folders exist; one it does not show yet costs a
     * create that finds the node there.
     */
    private void ensureAgentDir(String agent) {
        String dir = Paths.assignments(agent);
        if (nodes.view().cache().get(dir).isPresent()) {
            return;
        }
        try {
            nodes.zk().create().creatingParentsIfNeeded().forPath(dir);
        } catch (KeeperException.NodeExistsException fine) {
            // made meanwhile, or the cache had not shown it yet
        } catch (Exception e) {
            throw ZkNodes.failure("create the assignments folder of agent " + agent, e);
        }
    }

    /** One assignment's write: as part of a multi-op, and the same write alone. */
    private record Write(Assignment assignment, CuratorOp op, Runnable alone) {
    }

    /**
     * Writes the batch as one multi-op, or its writes one at a time when the multi-op fails; tells {@code written}
     * of each one done, and empties the batch.
     */
    private void commit(List<Write> batch, Consumer<Assignment> written) {
        if (batch.isEmpty()) {
            return;
        }
        try {
            nodes.zk().transaction().forOperations(batch.stream().map(Write::op).toList());
            nodes.changed();
            batch.forEach(w -> written.accept(w.assignment()));
        } catch (KeeperException e) {
            for (Write w : batch) { // which node made it fail is not worth finding out: each alone
                w.alone().run();
                written.accept(w.assignment());
            }
        } catch (Exception e) {
            throw ZkNodes.failure("assign " + batch.size() + " instances", e);
        } finally {
            batch.clear();
        }
    }

    private static CuratorOp op(Callable<CuratorOp> build) {
        try {
            return build.call();
        } catch (Exception e) {
            throw ZkNodes.failure("prepare an assignment write", e);
        }
    }

    @Override
    public void removeAssignment(String agentId, String instance) {
        ZkNodes.requireInstance(instance);
        nodes.delete(Paths.assignment(agentId, instance));
    }
}
