package dev.skep.schedule;

import dev.skep.model.Assignment;
import java.util.List;

/**
 * What the scheduler will change: assignments to create and to withdraw; and what it wanted to place but could
 * not (no agent fits), to be said instead of silence.
 */
public record Plan(List<Assignment> add, List<Assignment> remove, List<Unplaced> unplaced) {

    public Plan {
        unplaced = unplaced == null ? List.of() : List.copyOf(unplaced);
    }

    public Plan(List<Assignment> add, List<Assignment> remove) {
        this(add, remove, List.of());
    }

    public boolean isEmpty() {
        return add.isEmpty() && remove.isEmpty();
    }
}
