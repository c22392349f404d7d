package dev.skep.monitor.settings;

import dev.skep.monitor.rules.Rule;

import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * An app's alert settings, validated: who gets mail, where webhooks go, the app's own rules (parsed, and as the
 * JSON the owner sent, to show back).
 */
public record AppAlerts(List<String> mail, List<URI> webhooks, List<Rule> rules, List<Map<String, Object>> rulesJson) {

    public static final AppAlerts NONE = new AppAlerts(List.of(), List.of(), List.of(), List.of());

    public AppAlerts {
        mail = List.copyOf(mail);
        webhooks = List.copyOf(webhooks);
        rules = List.copyOf(rules);
        rulesJson = List.copyOf(rulesJson);
    }
}
