package dev.skep.supervise;

import dev.skep.model.Assignment;

/**
 * What a step of one instance's life on this host works with (its launch, its stop, its reports): the agent's
 * context, the assignment the instance runs and the slot it holds (null for a report before the slot opened).
 */
abstract class SlotStep {

    final RunnerContext ctx;
    final Assignment assignment;
    /** The instance's id, as in its assignment. */
    final String id;
    final InstanceSlot slot;

    SlotStep(RunnerContext ctx, Assignment assignment, InstanceSlot slot) {
        this.ctx = ctx;
        this.assignment = assignment;
        this.id = assignment.instance();
        this.slot = slot;
    }
}
