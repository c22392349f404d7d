package dev.skep.schedule;

import dev.skep.model.Assignment;
import java.util.List;

/** What the scheduler will change: assignments to create and to withdraw. */
public record Plan(List<Assignment> add, List<Assignment> remove) {

    public boolean isEmpty() {
        return add.isEmpty() && remove.isEmpty();
    }
}
