package dev.skep.monitor.rules;

import dev.skep.model.AppId;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rules in force for an app now (the lead reads them from the app's state), or, for {@code app == null},
 * the install-wide rules applied to events that belong to no app (agent.lost). Called often: keep it a cache read.
 */
@FunctionalInterface
public interface RuleSource {

    List<Rule> forApp(AppId app);

    /** No rules of its own: only the defaults apply. */
    static RuleSource none() {
        return app -> List.of();
    }

    /**
     * {@code custom}'s rules over the defaults: a custom rule replaces the default of the same id, an
     * {@link OffRule} removes it, and off-rules never reach the engine.
     */
    static RuleSource withDefaults(RuleSource custom) {
        return app -> merge(app == null ? DefaultRules.INSTALL : DefaultRules.APP, custom.forApp(app));
    }

    static List<Rule> merge(List<Rule> defaults, List<Rule> custom) {
        Map<String, Rule> byId = new LinkedHashMap<>();
        defaults.forEach(r -> byId.put(r.id(), r));
        custom.forEach(r -> byId.put(r.id(), r));
        List<Rule> out = new ArrayList<>(byId.size());
        for (Rule rule : byId.values()) {
            if (!(rule instanceof OffRule)) {
                out.add(rule);
            }
        }
        return List.copyOf(out);
    }
}
