package dev.skep.model.view;

import java.util.List;
import java.util.Map;

/**
 * An app's alert settings ({@code GET|PUT /v1/apps/{user}/{app}/alerts}).
 *
 * @param mail          who gets mail about this app (the install's --alert-mail when empty)
 * @param webhooks      where alerts about this app are POSTed (the install's --webhook when empty)
 * @param rules         the app's own rules over the defaults, as in monitor/README-rules.md
 * @param webhookSecret answers only: the key of this app's webhook signatures (X-Skep-Signature)
 */
public record AlertSettings(String app, List<String> mail, List<String> webhooks, List<Map<String, Object>> rules,
                            String webhookSecret) {

    public AlertSettings {
        mail = mail == null ? List.of() : List.copyOf(mail);
        webhooks = webhooks == null ? List.of() : List.copyOf(webhooks);
        rules = rules == null ? List.of() : List.copyOf(rules);
    }
}
