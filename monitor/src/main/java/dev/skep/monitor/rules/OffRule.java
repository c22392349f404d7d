package dev.skep.monitor.rules;

import java.util.List;

/** Turns off the default rule with the same id for one app. */
public record OffRule(String id) implements Rule {

    public OffRule {
        Rule.requireId(id);
    }

    @Override
    public List<String> reactors() {
        return List.of();
    }

    @Override
    public String kind() {
        return "off";
    }
}
